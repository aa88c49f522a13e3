/** This package's version; `test/package.test.mjs` keeps it equal to package.json's. */
export const VERSION = "0.1.0";
