#!/usr/bin/env node
// What the per-key rate limiter adds to an API request's latency.
//
//   node benchmarks/ratelimit_latency.mjs --url http://127.0.0.1:8787 --token $ADMIN_TOKEN [--requests 2000]
//
// Against a running worker (e.g. `wrangler dev`), it creates two enterprise
// accounts that differ only in their rate limits: one with every window
// unlimited (the worker then skips the RateLimiter Durable Object) and one
// with a per-minute limit too high to ever deny (so every request asks the
// object). It sends GET /v1/links?limit=1 from each, one request at a time,
// alternating between the two so both see the same machine load, and
// prints the median and p99 of each and their difference. Only loopback
// URLs are accepted: this is a local measurement.
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    url: { type: "string", default: "http://127.0.0.1:8787" },
    token: { type: "string", default: process.env.ADMIN_TOKEN },
    requests: { type: "string", default: "2000" },
  },
});
const base = values.url.replace(/\/$/, "");
if (!/^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?$/.test(base)) throw new Error("only loopback URLs");
const total = Number(values.requests);

async function account(name, limits) {
  const res = await fetch(`${base}/v1/admin/accounts`, {
    method: "POST",
    headers: { Authorization: `Bearer ${values.token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ name, plan: "enterprise", limits }),
  });
  if (res.status !== 201) throw new Error(`account: ${res.status} ${await res.text()}`);
  return (await res.json()).apiKey.key;
}

async function timed(key, expectHeaders) {
  const start = process.hrtime.bigint();
  const res = await fetch(`${base}/v1/links?limit=1`, { headers: { Authorization: `Bearer ${key}` } });
  await res.arrayBuffer();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (res.status !== 200) throw new Error(`status ${res.status}`);
  if ((res.headers.get("x-ratelimit-limit") !== null) !== expectHeaders) throw new Error("limiter path not as expected");
  return ms;
}

function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { median: at(0.5), p99: at(0.99) };
}

const without = await account("bench: no limiter", { perMinute: null, perHour: null });
const withLimiter = await account("bench: limiter", { perMinute: 1_000_000_000, perHour: null });
for (let i = 0; i < 50; i++) {
  await timed(without, false);
  await timed(withLimiter, true);
}
const samples = { without: [], with: [] };
for (let i = 0; i < total / 2; i++) {
  samples.without.push(await timed(without, false));
  samples.with.push(await timed(withLimiter, true));
}
const a = stats(samples.without);
const b = stats(samples.with);
const fmt = (n) => n.toFixed(2).padStart(7);
console.log(`${total} requests (${total / 2} each), GET /v1/links?limit=1, sequential, ${base}`);
console.log(`                 median ms   p99 ms`);
console.log(`without limiter ${fmt(a.median)}  ${fmt(a.p99)}`);
console.log(`with limiter    ${fmt(b.median)}  ${fmt(b.p99)}`);
console.log(`added           ${fmt(b.median - a.median)}  ${fmt(b.p99 - a.p99)}`);
