// Builds the dashboard (web/) into static assets (web/dist), which the worker
// serves as Workers Static Assets ([assets] in wrangler.toml).
import { defineConfig } from "vite";
import { fileURLToPath } from "node:url";

const here = (path) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here("."),
  base: "/",
  // Preact's automatic JSX runtime, without a framework plugin.
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: {
    outDir: here("dist"),
    emptyOutDir: true,
    target: "es2022",
    // The worker's Content-Security-Policy allows no inline scripts or styles.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    // /docs carries Swagger UI (~430 KiB gzip); only that page loads it.
    chunkSizeWarningLimit: 2000,
    rolldownOptions: {
      // Keep the build quiet: npm test and wrangler run it on every build.
      checks: { pluginTimings: false },
      input: { main: here("index.html"), docs: here("docs.html") },
    },
  },
  server: {
    // `vite dev` next to `npm start`: the API and short links come from the worker.
    proxy: { "/v1": "http://127.0.0.1:8787", "/health": "http://127.0.0.1:8787" },
  },
});
