// The README runs as written: its ```sh blocks, in order, pasted into bash
// against a fresh worker with the development account `npm start` creates.
//
// Conventions the README follows (and this test enforces):
// - a block that must not run here says why: ```sh no-run <reason>;
// - a curl whose answer is not a success names its status in a comment
//   starting with it, on the command or right after it (`# 302 …`); any
//   other curl must answer below 400, and every command must exit 0.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { startWorker, ADMIN_TOKEN, CLICK_SECRET } from "./support/worker.mjs";

const root = new URL("..", import.meta.url).pathname;
const readme = readFileSync(join(root, "README.md"), "utf8");

/** The fenced ```sh blocks: {line, code, reason} (reason set for no-run). */
function shellBlocks(text) {
  const blocks = [];
  let open = null;
  text.split("\n").forEach((line, index) => {
    if (open) {
      if (line.startsWith("```")) {
        if (open.sh) blocks.push({ line: open.line, code: open.lines.join("\n"), reason: open.reason });
        open = null;
      } else {
        open.lines.push(line);
      }
      return;
    }
    const fence = line.match(/^```(\S*)\s*(.*)$/);
    if (!fence) return;
    const noRun = fence[2].match(/^no-run\b\s*(.*)$/);
    open = { line: index + 1, lines: [], sh: fence[1] === "sh", reason: noRun ? noRun[1].trim() || null : undefined };
  });
  return blocks;
}

/**
 * The block as bash runs it: each curl that a `# NNN` comment (on its own
 * last line, or on the next comment line) says answers NNN gets that
 * expectation, for the `curl` wrapper below.
 */
function withExpectations(code) {
  const lines = code.split("\n");
  let lastCurl = null;
  lines.forEach((line, i) => {
    if (/(^\s*|\$\(\s*)curl\s/.test(line)) lastCurl = i;
    const status = line.match(/(?:^|\s)#\s*([1-5]\d\d)\b/);
    if (status && lastCurl !== null) {
      lines[lastCurl] = lines[lastCurl].replace(/(^\s*|\$\(\s*)curl\s/, `$1README_EXPECT=${status[1]} curl `);
      lastCurl = null;
    }
  });
  return lines.join("\n");
}

/** Checks every curl's status; the README's commands run unchanged. */
const PRELUDE = readFileSync(join(root, "tests", "support", "readme-prelude.sh"), "utf8");

let worker;
let sandbox;
before(async () => {
  worker = await startWorker({ port: 0 });
  // What `npm start` leaves in the repository, in a scratch copy of its
  // layout: the dev key (scripts/start.sh creates it the same way) and
  // .dev.vars. package.json and scripts/ make `npm run admin` work there;
  // the npm workspaces (the TypeScript SDK) are copies, linked from
  // node_modules, so what an example builds stays in the sandbox.
  sandbox = mkdtempSync(join(tmpdir(), "smartlinks-readme-"));
  for (const name of ["package.json", "scripts"]) symlinkSync(join(root, name), join(sandbox, name));
  const workspaces = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).workspaces ?? [];
  const packageNames = workspaces.map((dir) => JSON.parse(readFileSync(join(root, dir, "package.json"), "utf8")).name);
  mkdirSync(join(sandbox, "node_modules"));
  for (const entry of readdirSync(join(root, "node_modules"))) {
    if (!packageNames.some((name) => name.split("/")[0] === entry)) {
      symlinkSync(join(root, "node_modules", entry), join(sandbox, "node_modules", entry));
    }
  }
  workspaces.forEach((dir, i) => {
    cpSync(join(root, dir), join(sandbox, dir), { recursive: true, filter: (src) => !/\/(dist|node_modules)$/.test(src) });
    mkdirSync(dirname(join(sandbox, "node_modules", packageNames[i])), { recursive: true });
    symlinkSync(join(sandbox, dir), join(sandbox, "node_modules", packageNames[i]));
  });
  mkdirSync(join(sandbox, ".wrangler"));
  const key = await run("node", ["scripts/admin.mjs", "create-account", "--url", worker.url, "--name", "Development", "--plan", "pro", "--key-only"], {
    env: { ...process.env, ADMIN_TOKEN },
  });
  assert.equal(key.code, 0, key.stderr);
  writeFileSync(join(sandbox, ".wrangler", "dev-api-key"), key.stdout);
  writeFileSync(join(sandbox, ".dev.vars"), `ADMIN_TOKEN="${ADMIN_TOKEN}"\nCLICK_SECRET="${CLICK_SECRET}"\n`);
});
after(async () => {
  await worker?.dispose();
  if (sandbox) rmSync(sandbox, { recursive: true, force: true });
});

function run(command, args, { input, env = process.env } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: sandbox, env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? "");
  });
}

test("every README shell block runs, or says why it does not", () => {
  const blocks = shellBlocks(readme);
  assert.ok(blocks.filter((b) => b.reason === undefined).length >= 5, "the README has runnable examples");
  for (const block of blocks.filter((b) => b.reason !== undefined)) {
    assert.ok(block.reason, `README.md line ${block.line}: a no-run block must say why`);
  }
});

test("the README's shell examples run in order against a fresh worker", async () => {
  const script = [
    PRELUDE,
    ...shellBlocks(readme)
      .filter((b) => b.reason === undefined)
      .map((b) => `readme_block=${b.line}\n${withExpectations(b.code)}\n`),
  ].join("\n");
  const port = new URL(worker.url).port;
  const { ADMIN_TOKEN: _, SMARTLINKS_URL: __, ...env } = process.env;
  const result = await run("bash", [], { input: script, env: { ...env, PORT: port } });
  assert.equal(result.code, 0, `${result.stderr}\n--- stdout (tail) ---\n${result.stdout.slice(-3000)}`);
});

test("the README names only files that exist", () => {
  // Paths a fresh clone has only after npm start, npm test or an example.
  const generated = /^(\.wrangler|\.dev\.vars|\.venv|build|node_modules|qr\.(png|svg)|web\/dist|tests\/browser\/screenshots)(\/|$)/;
  const topLevel = new Set(readdirSync(root).filter((name) => name !== ".git"));
  const named = [...readme.matchAll(/`([^`\s$]+)`|\]\(([^)\s]+)\)/g)]
    .map((m) => m[1] ?? m[2])
    .filter((p) => !/^[a-z]+:/.test(p) && !p.startsWith("/") && !p.includes("…"))
    // A path: a file name with an extension we keep, or under a folder of ours.
    .filter((p) => /\.(md|sh|mjs|js|json|toml|rs|sql)$/.test(p) || (p.includes("/") && topLevel.has(p.split("/")[0])));
  assert.ok(named.length > 5, "the README names files");
  for (const path of named.filter((p) => !generated.test(p))) {
    assert.ok(existsSync(join(root, path)), `README.md names ${path}, which is not in the repository`);
  }
});
