// `npm run bench [-- --quick] [-- --json]`: package.json's script builds the
// release bundle (scripts/setup.sh, scripts/build.sh, their output on
// stderr), then this serves it and the two reference workers
// (benchmarks/reference/) on Miniflare's own server on 127.0.0.1, seeds links,
// runs bounded loads in alternating rounds, and reports against the budgets of DESIGN.md §5. A missed budget is
// reported, never an exit status: this is a measurement, not a test, and it
// is not part of `npm test`.
//
// stdout carries only the result (the table, or with --json the JSON
// object); progress and the build's output go to stderr.
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { Miniflare } from "miniflare";
import { parse } from "smol-toml";
import { startWorker } from "../tests/support/worker.mjs";
import { load, stopLoad } from "./load.mjs";
import { markdown, REDIRECTS, summarise, text, TARGETS } from "./report.mjs";
import {
  api,
  benchAccount,
  clickLoss,
  copyRecords,
  createLink,
  REDIRECT_HEADERS,
  destinationOf,
  seedLinks,
  seedNinetyDaysOfClicks,
  settleMs,
} from "./seed.mjs";
import { bundleSize, machine, wasmInstantiation } from "./static.mjs";

const root = new URL("..", import.meta.url).pathname;
const USAGE = "usage: npm run bench [-- --quick] [-- --json] [-- --disk-storage] [-- --with-assets]";
/** Where Miniflare keeps its local storage: its "in-memory" KV, D1 and
 * Durable Object state are files in os.tmpdir(), and every storage commit
 * fsyncs one. On a shared machine's disk those fsyncs stall workerd's
 * thread for milliseconds each, which measures the disk, not the worker
 * (in production a Durable Object's writes do not block its isolate on a
 * local disk). So the run keeps that state in memory-backed /dev/shm when
 * it exists; `--disk-storage` keeps the default, and the report says which. */
const MEMORY_TMPDIR = "/dev/shm";
/** Our worker is served the way the reference workers are: alone, without
 * the dashboard's static assets. With `[assets]` and `run_worker_first`,
 * Miniflare routes every request through two JavaScript workers of its own
 * (the asset router and its RPC proxy) on the same workerd thread before
 * ours; on Cloudflare that routing is the platform's, outside the worker's
 * isolate and CPU time. Measured on 2026-11-27, it cost a spread redirect
 * about a quarter of its throughput locally, which would measure
 * Miniflare's router rather than the worker. This flag keeps it. */
const WITH_ASSETS = "--with-assets";

/**
 * How long and how hard. Default: 5 rounds, 4 minutes of load in all, plus
 * at most 150 s of seeding and a click-loss check of 5,000 redirects, so
 * the whole run stays under 10 minutes on a busy machine, build included.
 */
const PROFILES = {
  default: {
    rounds: 5,
    redirectSeconds: 6,
    apiSeconds: 3,
    warmupSeconds: 2,
    links: 10_000,
    seedSeconds: 150,
    clickRequests: 5_000,
  },
  quick: { rounds: 2, redirectSeconds: 2, apiSeconds: 1, warmupSeconds: 1, links: 1_000, seedSeconds: 30, clickRequests: 500 },
};
/** 32 keep-alive connections: TOOLCHAIN.md's measurements used the same. */
const CONNECTIONS = 32;
/** API calls are heavier (D1, DOs); fewer connections keep queueing out of p99. */
const API_CONNECTIONS = 8;
const WASM_SAMPLES = 20;
/** Links of the click-loss check's own load. */
const CLICK_LINKS = 100;
/** Zipf's law for link popularity: the k-th most clicked link gets 1/k^s. */
const ZIPF_EXPONENT = 1;

/** A run that overruns this much is stuck: stop everything and say so. */
const WATCHDOG_MINUTES = 15;

const log = (...message) => console.error("[bench]", ...message);

// ── Everything this run starts, stopped in `finally` and on signals ──────
const servers = [];
const children = new Set();
let stopping = null;

function stopAll() {
  stopping ??= (async () => {
    stopLoad();
    for (const child of children) child.kill("SIGTERM");
    await Promise.allSettled(servers.map((s) => s.dispose()));
  })();
  return stopping;
}

for (const [signal, number] of [["SIGINT", 2], ["SIGTERM", 15], ["SIGHUP", 1]]) {
  process.on(signal, () => {
    log(`${signal}: stopping every server and load`);
    stopAll().finally(() => process.exit(128 + number));
  });
}

async function startReference(name, config) {
  const mf = new Miniflare({
    modules: true,
    scriptPath: join(root, "benchmarks", "reference", `${name}.js`),
    compatibilityDate: config.compatibility_date,
    compatibilityFlags: config.compatibility_flags ?? [],
    kvNamespaces: name === "kv" ? ["LINKS_KV"] : [],
    cf: { country: "US", colo: "TST" },
    host: "127.0.0.1",
    port: 0,
  });
  servers.push(mf);
  const url = await mf.ready;
  return { name, origin: url.origin, mf };
}

/** A sampler of 0..n-1 where index k is drawn with weight 1/(k+1)^s. */
function zipfSampler(n, s) {
  const cumulative = new Float64Array(n);
  let sum = 0;
  for (let k = 0; k < n; k++) cumulative[k] = sum += 1 / (k + 1) ** s;
  return () => {
    const x = Math.random() * sum;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

/**
 * Before any load: each target must answer sample slugs with a 302 to the
 * link's own destination (the const reference, which reads nothing, with
 * its fixed one). A target answering anything else would be measured doing
 * the wrong thing, so the run stops.
 */
async function verifyTargets(targets, links) {
  const samples = [0, 1, Math.floor(links.length / 2), links.length - 1].map((i) => links[i]).filter(Boolean);
  for (const name of TARGETS) {
    for (const { slug } of samples) {
      const res = await fetch(new URL(`/${slug}`, targets[name].origin), { headers: REDIRECT_HEADERS, redirect: "manual" });
      await res.arrayBuffer();
      const expected = name === "const" ? "https://example.com/" : destinationOf(slug);
      const location = res.headers.get("location");
      if (res.status !== 302 || location !== expected) {
        throw new Error(`${name} answered /${slug} with ${res.status} Location ${location}; expected 302 ${expected}`);
      }
    }
  }
}

/** `null` when `method path` answers 2xx, else why its round is skipped. */
async function unavailable(origin, key, method, path, body) {
  const res = await api(origin, method, path, { key, body });
  if (res.status >= 200 && res.status < 300) return null;
  if (res.status === 404) return "endpoint not available (404)";
  return `endpoint answered ${res.status} ${res.json?.error?.code ?? res.text.slice(0, 80)}`;
}

async function main() {
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => !["--json", "--quick", "--disk-storage", WITH_ASSETS].includes(a));
  if (unknown.length) throw new Error(`unknown argument ${unknown.join(" ")}\n${USAGE}`);
  const asJson = args.includes("--json");
  const withAssets = args.includes(WITH_ASSETS);
  const mode = args.includes("--quick") ? "quick" : "default";
  const storage = !args.includes("--disk-storage") && existsSync(MEMORY_TMPDIR) ? MEMORY_TMPDIR : tmpdir();
  process.env.TMPDIR = mkdtempSync(join(storage, "smartlinks-bench-"));
  const profile = PROFILES[mode];
  const settings = {
    mode,
    ...profile,
    connections: CONNECTIONS,
    apiConnections: API_CONNECTIONS,
    storage: storage === MEMORY_TMPDIR ? `memory (${MEMORY_TMPDIR})` : `disk (${storage})`,
    assets: withAssets ? "behind Miniflare's asset router" : "served alone, as the references are",
  };
  const date = new Date().toISOString();
  const host = machine();

  log("wasm instantiation and bundle size (wrangler deploy --dry-run)");
  // Instantiation first: right after the dry run, whatever wrangler leaves
  // running for a moment took the median from ~7.5 ms to ~9.5 ms on 2 cores.
  const wasm = await wasmInstantiation(root, WASM_SAMPLES);
  const bundle = await bundleSize(root, { track: children });

  const config = parse(readFileSync(join(root, "wrangler.toml"), "utf8"));
  const adminToken = `bench-admin-${randomBytes(12).toString("hex")}`;
  log("starting our worker and the reference workers on 127.0.0.1");
  const ours = await startWorker({
    port: 0,
    bindings: { ADMIN_TOKEN: adminToken },
    assets: withAssets,
  });
  servers.push(ours);
  const targets = {
    ours: { name: "ours", origin: ours.url.origin },
    kv: await startReference("kv", config),
    const: await startReference("const", config),
  };
  log(`ours ${targets.ours.origin}, kv ${targets.kv.origin}, const ${targets.const.origin}`);

  const key = await benchAccount(targets.ours.origin, adminToken);
  let started = Date.now();
  const links = await seedLinks(targets.ours.origin, key, profile.links, started + profile.seedSeconds * 1000, (n) =>
    log(`${n} links created`),
  );
  log(`seeded ${links.length} links through POST /v1/links in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (links.length < profile.links) {
    log(`seeding stopped at its ${profile.seedSeconds} s bound: the spread rounds use ${links.length} links`);
  }
  settings.links_requested = profile.links;
  settings.links = links.length;
  await copyRecords(await ours.kv(), await targets.kv.mf.getKVNamespace("LINKS_KV"), links);
  log("copied their KV records into the kv reference");

  // A link of its own for the analytics round, so its 90 days of seeded
  // clicks stay apart from the redirect rounds' links.
  const analyticsLink = await createLink(targets.ours.origin, key, "bench-analytics");
  started = Date.now();
  const seeded = await seedNinetyDaysOfClicks(ours, config, analyticsLink.id, Date.now());
  log(
    seeded.skipped
      ? `90 days of clicks: skipped (${seeded.skipped})`
      : `seeded ${seeded.events} clicks over 90 days in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  settings.analytics_seed = seeded.skipped ? `skipped: ${seeded.skipped}` : `${seeded.events} clicks over 90 days`;

  const hot = links[0];
  const zipf = zipfSampler(links.length, ZIPF_EXPONENT);
  const redirect = (target, loadName, seconds) => {
    const base = { origin: target.origin, headers: REDIRECT_HEADERS, expect: 302, connections: CONNECTIONS, seconds };
    if (loadName === "redirect_hot") return load({ ...base, path: `/${hot.slug}` });
    if (loadName === "redirect_zipf") return load({ ...base, pick: () => ({ path: `/${links[zipf()].slug}` }) });
    return load({
      ...base,
      pick: () => ({ path: `/${links[Math.floor(Math.random() * links.length)].slug}` }),
    });
  };

  const auth = { Authorization: `Bearer ${key}` };
  const jsonAuth = { ...auth, "Content-Type": "application/json" };
  const qrBody = (format) => ({ linkId: hot.id, size: 512, format });
  const apiLoads = [
    {
      name: "create_link",
      method: "POST",
      path: "/v1/links",
      headers: jsonAuth,
      body: JSON.stringify({ url: "https://example.com/new/[<id>]" }),
      idReplacement: true,
      expect: 201,
    },
    {
      name: "analytics_90d",
      method: "GET",
      path: `/v1/links/${analyticsLink.id}/analytics?period=90d`,
      headers: auth,
      expect: 200,
    },
    { name: "qr_svg_512", method: "POST", path: "/v1/qr-codes", headers: jsonAuth, body: JSON.stringify(qrBody("svg")), expect: 200 },
    { name: "qr_png_512", method: "POST", path: "/v1/qr-codes", headers: jsonAuth, body: JSON.stringify(qrBody("png")), expect: 200 },
  ];
  // Endpoints still being built elsewhere are probed once and skipped.
  for (const l of apiLoads.slice(1)) {
    l.skipped = await unavailable(targets.ours.origin, key, l.method, l.path, l.body && JSON.parse(l.body));
    if (l.skipped) log(`${l.name}: skipped, ${l.skipped}`);
  }

  log("checking every target answers the right Location for sample slugs");
  await verifyTargets(targets, links);

  log("warming up every target");
  for (const name of TARGETS) {
    for (const loadName of REDIRECTS) await redirect(targets[name], loadName, profile.warmupSeconds);
  }

  const rounds = [];
  for (let r = 0; r < profile.rounds; r++) {
    // Rotate who goes first, so no target always runs right after another's load.
    const order = [...TARGETS.slice(r % TARGETS.length), ...TARGETS.slice(0, r % TARGETS.length)];
    const round = { order };
    for (const loadName of REDIRECTS) {
      round[loadName] = {};
      for (const name of order) round[loadName][name] = await redirect(targets[name], loadName, profile.redirectSeconds);
    }
    for (const l of apiLoads) {
      round[l.name] = l.skipped
        ? { skipped: l.skipped }
        : await load({ ...l, origin: targets.ours.origin, connections: API_CONNECTIONS, seconds: profile.apiSeconds });
    }
    rounds.push(round);
    const summary = REDIRECTS.map((l) => {
      const x = round[l];
      return `${l.slice("redirect_".length)} ours ${Math.round(x.ours.rps)} / kv ${Math.round(x.kv.rps)} / const ${Math.round(x.const.rps)}`;
    });
    log(`round ${r + 1}/${profile.rounds} req/s: ${summary.join("; ")}`);
  }

  // The click-loss check gets links and a load of its own: a load cut off
  // by its duration leaves requests in flight whose 302 the worker sent (and
  // counted) but autocannon never read, so only a fixed number of requests,
  // every answer read, says exactly how many clicks must be counted. Half go
  // to one link (one ClickCounter under pressure), half spread.
  log(`click-loss check: ${profile.clickRequests} redirects over ${CLICK_LINKS} links of their own`);
  const clickLinks = await seedLinks(targets.ours.origin, key, CLICK_LINKS, Infinity, () => {}, "c");
  const sent = new Map();
  const accounting = await load({
    origin: targets.ours.origin,
    headers: REDIRECT_HEADERS,
    expect: 302,
    connections: CONNECTIONS,
    amount: profile.clickRequests,
    pick: () => {
      const link = Math.random() < 0.5 ? clickLinks[0] : clickLinks[Math.floor(Math.random() * clickLinks.length)];
      return { path: `/${link.slug}`, tag: link.id };
    },
    onStatus: (id, status) => {
      if (status === 302) sent.set(id, (sent.get(id) ?? 0) + 1);
    },
  });
  log(`${accounting.codes[302] ?? 0} answered 302; waiting out the flush window, then for the shards to settle`);
  const clicks = await clickLoss(targets.ours.origin, key, sent, { settle: settleMs(config) });
  host.load_average_at_end = loadavg().map((l) => Math.round(l * 100) / 100);

  const summary = summarise({
    rounds,
    apiLoads: apiLoads.map((l) => l.name),
    bundle,
    wasm,
    clicks,
    machine: host,
    settings,
    date,
  });
  if (asJson) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  else process.stdout.write(text(summary));
  if (mode === "default") {
    writeFileSync(join(root, "benchmarks", "RESULTS.md"), markdown(summary));
    log("wrote benchmarks/RESULTS.md");
  } else {
    log("quick run: benchmarks/RESULTS.md keeps the last default run");
  }
}

const watchdog = setTimeout(() => {
  log(`still running after ${WATCHDOG_MINUTES} minutes: stopping`);
  stopAll().finally(() => process.exit(1));
}, WATCHDOG_MINUTES * 60_000);
watchdog.unref();

try {
  await main();
} catch (error) {
  log(error?.stack ?? String(error));
  process.exitCode = 1;
} finally {
  await stopAll();
  clearTimeout(watchdog);
  if (process.env.TMPDIR?.includes("smartlinks-bench-")) rmSync(process.env.TMPDIR, { recursive: true, force: true });
}
