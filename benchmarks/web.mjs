// Measures the dashboard's first load of `/` in headless Chromium (a report,
// never a pass/fail test): the JS and CSS it downloads, gzip-compressed as
// they would travel (budget: 150 KiB, DESIGN.md §5), and the largest
// contentful paint from Chromium's performance API (target: under 1 s).
// Signed out (the sign-in page) and signed in (the links table), each in a
// fresh browser profile, several rounds; medians reported.
//
//   npm run bench:web            # builds first
//   node benchmarks/web.mjs --json    # the JSON only
import { gzipSync } from "node:zlib";
import { chromium } from "playwright-core";
import { startWorker } from "../tests/support/worker.mjs";

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const BUDGET_KIB = 150;
const LCP_TARGET_MS = 1000;
const json = process.argv.includes("--json");
const log = (...a) => (json ? console.error(...a) : console.log(...a));

const worker = await startWorker({ port: 0 });
const origin = worker.url.origin;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"],
});

/** A signed-in browser profile's cookies, made once through the API. */
async function signedInState() {
  const context = await browser.newContext({ baseURL: origin });
  const res = await context.request.post("/v1/auth/signup", {
    data: { email: `bench.${Date.now()}@example.com`, password: "correct horse battery staple" },
  });
  if (res.status() !== 201) throw new Error(`sign-up failed: ${res.status()} ${await res.text()}`);
  const state = await context.storageState();
  await context.close();
  return state;
}

/** One cold load of `/`: JS/CSS bytes (raw and gzip) and LCP. */
async function loadOnce(storageState) {
  const context = await browser.newContext({ baseURL: origin, storageState, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const assets = [];
  page.on("response", async (response) => {
    const type = response.request().resourceType();
    if (type === "script" || type === "stylesheet") assets.push(response);
  });
  await page.goto("/", { waitUntil: "networkidle" });
  // LCP is final once the page has painted its content and nothing else arrives.
  await page.waitForTimeout(300);
  const lcp = await page.evaluate(
    () =>
      new Promise((resolve) => {
        new PerformanceObserver((list) => {
          const entries = list.getEntries();
          resolve(entries.length ? entries[entries.length - 1].startTime : null);
        }).observe({ type: "largest-contentful-paint", buffered: true });
        setTimeout(() => resolve(null), 2000);
      }),
  );
  const nav = await page.evaluate(() => {
    const n = performance.getEntriesByType("navigation")[0];
    return { domContentLoaded: n.domContentLoadedEventEnd, load: n.loadEventEnd };
  });
  let raw = 0;
  let gzip = 0;
  const files = [];
  for (const response of assets) {
    const body = await response.body();
    const compressed = gzipSync(body, { level: 9 }).length;
    raw += body.length;
    gzip += compressed;
    files.push({ path: new URL(response.url()).pathname, bytes: body.length, gzip: compressed });
  }
  await context.close();
  return { lcp, ...nav, raw, gzip, files };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

const results = {};
try {
  const states = { signedOut: undefined, signedIn: await signedInState() };
  for (const [name, state] of Object.entries(states)) {
    await loadOnce(state); // warm the worker and the asset server
    const rounds = [];
    for (let i = 0; i < ROUNDS; i++) rounds.push(await loadOnce(state));
    const last = rounds[rounds.length - 1];
    results[name] = {
      jsCssGzipKiB: +(median(rounds.map((r) => r.gzip)) / 1024).toFixed(1),
      jsCssRawKiB: +(median(rounds.map((r) => r.raw)) / 1024).toFixed(1),
      lcpMs: Math.round(median(rounds.map((r) => r.lcp ?? Infinity))),
      domContentLoadedMs: Math.round(median(rounds.map((r) => r.domContentLoaded))),
      files: last.files,
    };
  }
} finally {
  await browser.close();
  await worker.dispose();
}

const report = {
  rounds: ROUNDS,
  budget: { jsCssGzipKiB: BUDGET_KIB, lcpMs: LCP_TARGET_MS },
  ...results,
  withinBudget: Object.values(results).every((r) => r.jsCssGzipKiB <= BUDGET_KIB && r.lcpMs < LCP_TARGET_MS),
};
if (json) {
  console.log(JSON.stringify(report));
} else {
  log(`First load of / in headless Chromium (median of ${ROUNDS} cold loads each)`);
  for (const [name, r] of Object.entries(results)) {
    log(`  ${name.padEnd(10)} JS+CSS ${r.jsCssGzipKiB} KiB gzip (${r.jsCssRawKiB} KiB raw; budget ${BUDGET_KIB})  LCP ${r.lcpMs} ms (target < ${LCP_TARGET_MS})  DCL ${r.domContentLoadedMs} ms`);
    for (const f of r.files) log(`      ${f.path}  ${(f.bytes / 1024).toFixed(1)} KiB, ${(f.gzip / 1024).toFixed(1)} KiB gzip`);
  }
  log(report.withinBudget ? "Within budget." : "OVER BUDGET.");
}
