// Figures that need no running server: the bundle's size as Cloudflare would
// take it (wrangler's dry run), how long the wasm module takes to compile and
// instantiate, and the machine the numbers came from.
import { execFile } from "node:child_process";
import { readFileSync, mkdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem, availableParallelism, loadavg } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "smol-toml";

/**
 * `wrangler deploy --dry-run` on build/ as it is: its `Total Upload: X KiB /
 * gzip: Y KiB` line. wrangler.toml's [build] would rebuild first (about a
 * minute here, for the same bytes), so the dry run reads a copy of the
 * config without it, pointed at the bundle we benchmark.
 */
export async function bundleSize(root, { track }) {
  const out = join(root, "benchmarks", "out");
  mkdirSync(out, { recursive: true });
  const config = parse(readFileSync(join(root, "wrangler.toml"), "utf8"));
  delete config.build;
  config.main = join(root, config.main);
  for (const db of config.d1_databases ?? []) {
    if (db.migrations_dir) db.migrations_dir = join(root, db.migrations_dir);
  }
  // Paths in a wrangler.toml are relative to it, and this copy lives in out/.
  if (config.assets?.directory) config.assets.directory = join(root, config.assets.directory);
  const configPath = join(out, "wrangler.toml");
  writeFileSync(configPath, stringify(config));
  const output = await run(
    "wrangler",
    ["deploy", "--dry-run", "--config", configPath, "--outdir", join(out, "dry-run")],
    { cwd: root, track },
  );
  const match = /Total Upload:\s*([\d.]+)\s*KiB\s*\/\s*gzip:\s*([\d.]+)\s*KiB/.exec(output);
  if (!match) throw new Error(`no "Total Upload" line in wrangler's output:\n${output}`);
  return { raw_kib: Number(match[1]), gzip_kib: Number(match[2]) };
}

/** Runs a command to completion, its output captured; rejects on failure. */
function run(command, args, { cwd, track }) {
  return new Promise((resolve, reject) => {
    const child = execFile(command, args, { cwd, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      track.delete(child);
      if (error) reject(new Error(`${command} ${args.join(" ")} failed: ${error.message}\n${stderr}`));
      else resolve(`${stdout}\n${stderr}`);
    });
    track.add(child);
  });
}

/**
 * Median time to compile and instantiate build/index_bg.wasm, as a cold
 * isolate does before its first request. The imports are stubs shaped from
 * `WebAssembly.Module.imports` (instantiation only links them; nothing runs),
 * and every sample appends a distinct custom section so V8 cannot hand back
 * a module it compiled for an earlier sample.
 */
export async function wasmInstantiation(root, samples) {
  const bytes = readFileSync(join(root, "build", "index_bg.wasm"));
  const imports = {};
  for (const { module, name, kind } of WebAssembly.Module.imports(new WebAssembly.Module(bytes))) {
    imports[module] ??= {};
    imports[module][name] = stub(kind);
  }
  const times = [];
  for (let i = 0; i < samples; i++) {
    const unique = withCustomSection(bytes, `bench-sample-${i}-${Date.now()}`);
    const start = performance.now();
    await WebAssembly.instantiate(unique, imports);
    times.push(performance.now() - start);
  }
  return { times, wasm_kib: bytes.length / 1024 };
}

function stub(kind) {
  switch (kind) {
    case "function":
      return () => undefined;
    case "tag":
      // wasm-bindgen imports the JS exception tag for `catch` in Rust.
      return WebAssembly.JSTag ?? new WebAssembly.Tag({ parameters: ["externref"] });
    case "memory":
      return new WebAssembly.Memory({ initial: 17 });
    case "table":
      return new WebAssembly.Table({ initial: 128, element: "externref" });
    default:
      throw new Error(`cannot stub a wasm import of kind ${kind}`);
  }
}

/** `bytes` plus a custom section (id 0) named `name`. */
function withCustomSection(bytes, name) {
  const nameBytes = Buffer.from(name);
  const payload = Buffer.concat([leb128(nameBytes.length), nameBytes]);
  return Buffer.concat([bytes, Buffer.from([0]), leb128(payload.length), payload]);
}

function leb128(n) {
  const out = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return Buffer.from(out);
}

/** What the numbers ran on: they only mean something next to this. */
export function machine() {
  const cpu = cpus()[0];
  return {
    nproc: availableParallelism(),
    cpu: cpu?.model ?? "unknown",
    memory_gib: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    load_average_at_start: loadavg().map((l) => Math.round(l * 100) / 100),
    node: process.version,
  };
}
