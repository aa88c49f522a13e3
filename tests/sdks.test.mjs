// The three SDKs against the real worker in workerd: one worker on a loopback
// port, one fresh pro account per SDK, and each SDK's own integration test
// (create, list through several pages, patch, analytics, QR, keys, account,
// delete) run in its language with SMARTLINKS_BASE_URL and SMARTLINKS_API_KEY;
// and each SDK README's quick start, run as written.
import { test, before, after, describe } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readdirSync, readFileSync, statSync, existsSync } from "node:fs";
import { join } from "node:path";
import { startWorker } from "./support/worker.mjs";

const root = new URL("..", import.meta.url).pathname;
const sdk = (name) => join(root, "sdks", name);
let worker;

before(async () => {
  worker = await startWorker({ port: 0 });
  await buildTypeScriptIfStale();
});
after(() => worker?.dispose());

/** Runs a command to completion; resolves with its exit code and output. */
function run(command, args, { cwd, env = {} }) {
  return new Promise((resolve, reject) => {
    const childEnv = { ...process.env, ...env };
    // A node --test child would otherwise report to this runner in its own protocol.
    delete childEnv.NODE_TEST_CONTEXT;
    const child = spawn(command, args, { cwd, env: childEnv, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

/** dist/ is what the TypeScript SDK publishes and its test imports; rebuild it when a source is newer. */
async function buildTypeScriptIfStale() {
  const dir = sdk("typescript");
  const sources = (d) => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(d, e.name)) : [join(d, e.name)]));
  const built = join(dir, "dist/index.js");
  const newest = Math.max(...sources(join(dir, "src")).map((f) => statSync(f).mtimeMs));
  if (existsSync(built) && statSync(built).mtimeMs >= newest) return;
  const { code, output } = await run(join(root, "node_modules/.bin/tsc"), ["-p", "tsconfig.json"], { cwd: dir });
  assert.equal(code, 0, output);
}

async function againstWorker(name, command, args, cwd, extraEnv = {}) {
  const { key } = await worker.account(`${name} SDK`, "pro");
  const env = { SMARTLINKS_BASE_URL: worker.url.toString(), SMARTLINKS_API_KEY: key, ...extraEnv };
  const { code, output } = await run(command, args, { cwd, env });
  assert.equal(code, 0, `${name} SDK integration test failed:\n${output}`);
}

/** The first code block in `language` after the README's "## Quick start". */
function quickStart(name, language) {
  const readme = readFileSync(join(sdk(name), "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Quick start"));
  const block = section.match(new RegExp("```" + language + "\\n([\\s\\S]*?)```"));
  assert.ok(block, `${name}/README.md has a ${language} quick start`);
  return block[1];
}

describe("SDKs against the worker", { concurrency: true }, () => {
  test("TypeScript: @smartlinks/sdk", () =>
    againstWorker("TypeScript", process.execPath, ["--test", "integration/worker.test.mjs"], sdk("typescript")));

  test("Python: smartlinks-sdk (sync and async)", () =>
    againstWorker("Python", join(root, ".venv/bin/python"), ["-m", "pytest", "-q", "tests/integration"], sdk("python")));

  test("Ruby: smartlinks", () =>
    againstWorker("Ruby", "ruby", ["-Ilib", "test/integration/worker_test.rb"], sdk("ruby")));

  test("TypeScript: the README's quick start runs as written", () =>
    againstWorker("TypeScript README", process.execPath, ["--input-type=module", "-e", quickStart("typescript", "js")], root));

  test("Python: the README's quick start runs as written", () =>
    againstWorker("Python README", join(root, ".venv/bin/python"), ["-c", quickStart("python", "python")], root, {
      PYTHONPATH: join(sdk("python"), "src"),
    }));

  test("Ruby: the README's quick start runs as written", () =>
    againstWorker("Ruby README", "ruby", ["-I", join(sdk("ruby"), "lib"), "-e", quickStart("ruby", "ruby")], root));
});
