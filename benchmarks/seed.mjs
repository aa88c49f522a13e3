// The data the benchmark needs, put in the way users put it: an enterprise
// account through the operator API, links through POST /v1/links, the same
// slugs (with our KV record bytes) in the reference kv worker, 90 days of
// clicks for the analytics round; and, after the loads, the click-loss check.
import { shardCount, shardName } from "../tests/support/shards.mjs";
import { BROWSER_UA } from "./load.mjs";

/** Requests in flight while seeding or checking: enough to keep workerd
 * busy, few enough not to queue behind each other. */
const CONCURRENCY = 16;

/** Runs `task(item)` over `items`, `limit` at a time, keeping the order. */
export async function pool(items, limit, task) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** A JSON request to our worker over HTTP; `{status, json}`. */
export async function api(origin, method, path, { key, body } = {}) {
  const headers = { Accept: "application/json" };
  if (key) headers.Authorization = `Bearer ${key}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const res = await fetch(new URL(path, origin), {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    redirect: "manual",
  });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text };
}

/**
 * An enterprise account whose limits are all lifted (`null` = unlimited), so
 * the per-key rate limiter lets the load rounds through: the benchmark
 * measures the limiter's cost, not its refusals. Returns the API key.
 */
export async function benchAccount(origin, adminToken) {
  const res = await api(origin, "POST", "/v1/admin/accounts", {
    key: adminToken,
    body: {
      name: "Benchmark",
      plan: "enterprise",
      limits: { perMinute: null, perHour: null, maxLinks: null, maxApiKeys: null },
    },
  });
  if (res.status !== 201) throw new Error(`account creation: ${res.status} ${res.text}`);
  return res.json.apiKey.key;
}

/**
 * Creates up to `count` links `b0…` (or `prefix`0…) through the API;
 * returns `[{slug, id}]`.
 * Creation is the slowest thing the run does (a D1 insert and a KV write
 * each, a few dozen a second when the machine is busy), so it stops at
 * `deadline` (epoch ms) with what it has, and the report says how many.
 */
export async function seedLinks(origin, key, count, deadline, progress, prefix = "b") {
  const slugs = Array.from({ length: count }, (_, i) => `${prefix}${i}`);
  let done = 0;
  const links = await pool(slugs, CONCURRENCY * 2, async (slug) => {
    if (Date.now() > deadline) return null;
    const link = await createLink(origin, key, slug);
    if (++done % 1000 === 0) progress(done);
    return link;
  });
  return links.filter(Boolean);
}

/** Where the benchmark's link `slug` leads. */
export const destinationOf = (slug) => `https://example.com/landing/${slug}?utm_source=bench`;

/** Creates link `slug`. A dropped connection (a busy machine) is retried;
 * a retry that finds the slug taken reads the link the first try made. */
export async function createLink(origin, key, slug) {
  for (let attempt = 1; ; attempt++) {
    let res;
    try {
      res = await api(origin, "POST", "/v1/links", { key, body: { url: destinationOf(slug), slug } });
    } catch (error) {
      if (attempt === 3) throw error;
      continue;
    }
    if (res.status === 201) return { slug, id: res.json.id };
    if (res.status === 409 && attempt > 1) {
      const existing = await api(origin, "GET", `/v1/links/${slug}`, { key });
      if (existing.status === 200) return { slug, id: existing.json.id };
    }
    throw new Error(`creating link ${slug}: ${res.status} ${res.text}`);
  }
}

/** Copies each slug's KV record from our namespace into `target`'s, byte
 * for byte, so the reference reads exactly what our redirect reads. */
export async function copyRecords(fromKv, toKv, links) {
  await pool(links, CONCURRENCY * 2, async ({ slug }) => {
    const value = await fromKv.get(slug);
    if (value === null) throw new Error(`our KV has no record for ${slug} after its creation`);
    await toKv.put(slug, value);
  });
}

// ─────────────────────────────────────────────────────────────────────────
// ClickCounter seeding: the ONE place that knows the ClickCounter's click
// protocol (src/objects/protocol/click_counter.rs: `POST /clicks?link=L`
// on the link's shard takes one core::analytics::ClickEvent or an array of
// them, each with its own time; tests/support/shards.mjs finds the shard).
// ─────────────────────────────────────────────────────────────────────────
const CLICK_COUNTER_CLASS = "ClickCounter";
const CLICK_PATH = "/clicks";
/** Events per POST: the counter takes batches, which is how history loads fast. */
const BATCH = 100;
const DAY_MS = 86_400_000;

/**
 * 90 days of clicks for `linkId`, one every `everyMinutes`, posted straight
 * to its ClickCounter shard through Miniflare, with varied countries,
 * clients and referrers so the report has every dimension to aggregate.
 * Returns `{events}` or `{skipped}`.
 */
export async function seedNinetyDaysOfClicks(worker, config, linkId, now, everyMinutes = 60) {
  const binding = (config.durable_objects?.bindings ?? []).find((b) => b.class_name === CLICK_COUNTER_CLASS);
  if (!binding) return { skipped: `no ${CLICK_COUNTER_CLASS} Durable Object in wrangler.toml yet` };
  const namespace = await worker.mf.getDurableObjectNamespace(binding.name);
  const stub = namespace.get(namespace.idFromName(shardName(linkId, shardCount(config))));
  const step = everyMinutes * 60_000;
  const times = [];
  for (let at = now - 90 * DAY_MS; at < now; at += step) times.push(at);
  const batches = [];
  for (let i = 0; i < times.length; i += BATCH) batches.push(times.slice(i, i + BATCH).map((at, j) => clickEvent(at, i + j)));
  let rejected = null;
  await pool(batches, CONCURRENCY, async (batch) => {
    if (rejected) return;
    const res = await stub.fetch(`https://click-counter${CLICK_PATH}?link=${encodeURIComponent(linkId)}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(batch),
    });
    const text = await res.text();
    if (!res.ok) rejected ??= `${res.status} ${text.slice(0, 200)}`;
  });
  if (rejected) return { skipped: `${CLICK_COUNTER_CLASS} refused a seeded click: ${rejected}` };
  return { events: times.length };
}

const CLIENTS = [
  { device: "desktop", platform: "web", browser: "Chrome", os: "Windows", is_bot: false },
  { device: "mobile", platform: "ios", browser: "Safari", os: "iOS", is_bot: false },
  { device: "mobile", platform: "android", browser: "Chrome", os: "Android", is_bot: false },
  { device: "tablet", platform: "ios", browser: "Safari", os: "iOS", is_bot: false },
  { device: "desktop", platform: "web", browser: "Firefox", os: "Linux", is_bot: false },
];
const COUNTRIES = ["US", "DE", "FR", "GB", "JP", "BR", "IN", "XX"];
const REFERRERS = ["direct", "google.com", "t.co", "news.ycombinator.com", "facebook.com"];

/** The i-th seeded click at `at`, shaped like core::analytics::ClickEvent. */
function clickEvent(at, i) {
  return {
    at,
    country: COUNTRIES[i % COUNTRIES.length],
    client: CLIENTS[i % CLIENTS.length],
    referrer: REFERRERS[i % REFERRERS.length],
    source: i % 7 === 0 ? "qr" : "link",
    // 400 distinct visitors, repeating. Fingerprints are uniform 64-bit
    // hashes whose top bits pick the sketch register: spread them there
    // (multiples of 2^54 stay exact as JS numbers and below 2^64).
    fingerprint: ((i % 400) + 1) * 2 ** 54,
  };
}
// ───────────────────────── end of ClickCounter seeding ─────────────────────

/** How long after its redirect a click is counted at the latest, without
 * retries: the isolate's flush window (1 s), the queue's batch wait
 * (`max_batch_timeout` in wrangler.toml) and a second for the consumer. */
export function settleMs(config) {
  const batchWait = config.queues?.consumers?.[0]?.max_batch_timeout ?? 5;
  return (1 + batchWait + 1) * 1000;
}

/**
 * The click-loss check: for each link of `sent` (link id → 302s answered),
 * the clicks its analytics count, first asked `settle` ms after the load
 * stopped ([`settleMs`]: the flush window and the queue's batch wait). Short links are asked again until their sum stops moving, for at
 * most `seconds`. Then each link's `clicks` field (GET /v1/links/{id}) is
 * compared with its analytics. Returns `{links, sent, counted, lost,
 * clicks_field_matches}`, or `{skipped}` while the analytics endpoint is
 * missing.
 */
export async function clickLoss(origin, key, sent, { settle, seconds = 60 }) {
  const ids = [...sent.keys()];
  if (ids.length === 0) return { skipped: "no redirects were sent" };
  await new Promise((r) => setTimeout(r, settle));
  const report = (id) => api(origin, "GET", `/v1/links/${id}/analytics?period=24h`, { key });
  const probe = await report(ids[0]);
  if (probe.status === 404) return { skipped: "endpoint not available (404)" };
  if (probe.status !== 200) return { skipped: `analytics answered ${probe.status}: ${probe.text.slice(0, 200)}` };

  const deadline = Date.now() + seconds * 1000;
  const counted = new Map();
  const sum = (map, keys) => keys.reduce((a, id) => a + (map.get(id) ?? 0), 0);
  let previous = -1;
  for (;;) {
    const pending = ids.filter((id) => !(counted.get(id) >= sent.get(id)));
    await pool(pending, CONCURRENCY, async (id) => {
      if (Date.now() > deadline) return;
      const res = await report(id);
      if (res.status !== 200) throw new Error(`analytics of ${id}: ${res.status} ${res.text}`);
      counted.set(id, res.json.total_clicks);
    });
    const total = sum(counted, [...counted.keys()]);
    const allAsked = counted.size === ids.length;
    const complete = allAsked && ids.every((id) => counted.get(id) >= sent.get(id));
    if (complete || (allAsked && total === previous) || Date.now() > deadline) break;
    previous = total;
    await new Promise((r) => setTimeout(r, 2000));
  }
  if (counted.size < ids.length) {
    return { skipped: `analytics answered for ${counted.size} of ${ids.length} links in ${seconds} s` };
  }
  const expected = sum(sent, ids);
  const total = sum(counted, ids);
  const fields = await pool(ids, CONCURRENCY, async (id) => (await api(origin, "GET", `/v1/links/${id}`, { key })).json?.clicks);
  const matches = ids.filter((id, i) => fields[i] === counted.get(id)).length;
  return { links: ids.length, sent: expected, counted: total, lost: expected - total, clicks_field_matches: matches };
}

/** Headers of a browser following a short link. */
export const REDIRECT_HEADERS = { "User-Agent": BROWSER_UA, Accept: "text/html" };
