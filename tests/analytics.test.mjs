// Click analytics: redirects add clicks to the isolate's buffer, which hands
// them through the clicks queue to the link's ClickCounter shard after the
// response; GET /v1/links/{idOrSlug}/analytics (SMO1) and
// GET /v1/analytics/{id} (SmartLinks) report them (DESIGN.md §4.3).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startWorker, ORIGIN } from "./support/worker.mjs";

const IPHONE =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1";
const ANDROID =
  "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36";
const DESKTOP =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36";
const GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
const SLACKBOT = "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)";
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let worker, key, exact;
const today = () => new Date().toISOString().slice(0, 10);
const daysAgo = (n) => new Date(Date.now() - n * DAY).toISOString().slice(0, 10);

/** One redirect, as a visitor with this UA, IP, Referer and country. */
async function visit(slug, { ua = DESKTOP, ip = "198.51.100.1", referer, country = "US", method = "GET", query = "" } = {}) {
  const headers = { "User-Agent": ua, "CF-Connecting-IP": ip };
  if (referer) headers.Referer = referer;
  const res = await worker.mf.dispatchFetch(new URL(`/${slug}${query}`, ORIGIN), {
    method,
    headers,
    redirect: "manual",
    cf: { country },
  });
  await res.arrayBuffer();
  assert.equal(res.status, 302);
}

async function createLink(slug, apiKey = key) {
  const res = await worker.api("POST", "/v1/links", { key: apiKey, body: { url: `https://example.com/${slug}`, slug } });
  assert.equal(res.status, 201, res.text);
  return res.json;
}

async function analytics(path, apiKey = key) {
  return worker.api("GET", path, { key: apiKey });
}

/** Polls `read` until `done(value)`; clicks land after the redirect answers. */
async function eventually(read, done, what, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  let value;
  while (Date.now() < deadline) {
    value = await read();
    if (done(value)) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.fail(`timed out waiting for ${what}; last: ${JSON.stringify(value?.json ?? value)}`);
}

/** The analytics once `clicks + bots` events have been counted. */
function settled(path, clicks, bots = 0) {
  return eventually(
    () => analytics(path),
    (res) => res.status === 200 && res.json.total_clicks === clicks && res.json.bots === bots,
    `${clicks} clicks and ${bots} bots at ${path}`,
  );
}

/** The link's ClickCounter shard, called directly as a benchmark would. */
const counter = (linkId) => worker.shard(linkId);

/** The link's ClickCounter's own report, asked directly. */
const rawReport = (linkId, days) => worker.clickReport(linkId, days);

before(async () => {
  worker = await startWorker();
  // Clicks take a second or two to land, so tests poll: limits lifted.
  ({ key } = await worker.account("Analytics", "pro", { limits: { perMinute: null, perHour: null } }));
  // The known traffic of issue 4: 3 iPhone (Germany), 2 Android from
  // twitter.com, 5 desktop, and 4 bot hits (2 crawlers, 2 HEAD).
  exact = await createLink("exact");
  const visits = [
    ...[1, 2, 3].map((i) => ({ ua: IPHONE, ip: `203.0.113.${i}`, country: "DE" })),
    ...[4, 5].map((i) => ({ ua: ANDROID, ip: `203.0.113.${i}`, referer: "https://twitter.com/someone/status/1" })),
    ...[6, 7, 8, 9, 10].map((i) => ({ ua: DESKTOP, ip: `203.0.113.${i}` })),
    { ua: GOOGLEBOT, ip: "66.249.66.1" },
    { ua: SLACKBOT, ip: "54.0.0.1" },
    { ua: DESKTOP, ip: "203.0.113.6", method: "HEAD" },
    { ua: IPHONE, ip: "203.0.113.1", method: "HEAD" },
  ];
  await Promise.all(visits.map((v) => visit("exact", v)));
  await settled("/v1/links/exact/analytics?period=7d", 10, 4);
});
after(() => worker?.dispose());

test("known traffic gives exact totals, platforms, devices, referrers and bots (SMO1 path, period)", async () => {
  const res = await analytics("/v1/links/exact/analytics?period=7d");
  assert.equal(res.status, 200);
  const body = res.json;
  assert.equal(body.linkId, exact.id);
  assert.equal(body.slug, "exact");
  assert.equal(body.total_clicks, 10);
  assert.equal(body.unique_clicks, 10);
  assert.deepEqual(body.metrics, { clicks: 10, uniqueClicks: 10, platforms: { ios: 3, android: 2, web: 5 } });
  assert.deepEqual(body.devices, [
    { device: "desktop", clicks: 5 },
    { device: "mobile", clicks: 5 },
  ]);
  assert.deepEqual(body.referrers, [
    { referrer: "direct", clicks: 8 },
    { referrer: "twitter.com", clicks: 2 },
  ]);
  assert.deepEqual(body.countries, [
    { country: "US", clicks: 7 },
    { country: "DE", clicks: 3 },
  ]);
  assert.deepEqual(body.browsers, [
    { browser: "Chrome", clicks: 7 },
    { browser: "Safari", clicks: 3 },
  ]);
  assert.deepEqual(body.os, [
    { os: "Windows", clicks: 5 },
    { os: "iOS", clicks: 3 },
    { os: "Android", clicks: 2 },
  ]);
  assert.deepEqual(body.sources, [{ source: "link", clicks: 10 }]);
  assert.equal(body.qr_clicks, 0);
  assert.equal(body.bots, 4);
  assert.equal(res.headers.get("cache-control"), "no-store");
});

test("the SmartLinks path with from/to gives the same figures", async () => {
  const res = await analytics(`/v1/analytics/${exact.id}?from=${daysAgo(1)}&to=${today()}`);
  assert.equal(res.status, 200);
  assert.equal(res.json.linkId, exact.id);
  assert.deepEqual(res.json.period, { from: `${daysAgo(1)}T00:00:00Z`, to: `${today()}T23:59:59Z` });
  assert.deepEqual(res.json.metrics, { clicks: 10, uniqueClicks: 10, platforms: { ios: 3, android: 2, web: 5 } });
  assert.equal(res.json.bots, 4);
});

test("the SmartLinks path also takes a period, and the SMO1 path from/to", async () => {
  const a = await analytics(`/v1/analytics/${exact.id}?period=30d`);
  const b = await analytics(`/v1/links/${exact.id}/analytics?from=${today()}&to=${today()}`);
  assert.equal(a.status, 200);
  assert.equal(b.status, 200);
  assert.equal(a.json.total_clicks, 10);
  assert.equal(b.json.total_clicks, 10);
});

test("the SmartLinks path accepts a slug as well as a link id", async () => {
  const res = await analytics("/v1/analytics/exact");
  assert.equal(res.status, 200);
  assert.equal(res.json.linkId, exact.id);
});

test("clicks_by_date has every day of the period, zero-filled, oldest first", async () => {
  const res = await analytics("/v1/links/exact/analytics?period=7d");
  const expected = [6, 5, 4, 3, 2, 1, 0].map((n) => ({ date: daysAgo(n), clicks: n === 0 ? 10 : 0 }));
  assert.deepEqual(res.json.clicks_by_date, expected);
  assert.equal(res.json.clicks_by_hour, undefined);
});

test("24h gives 24 zero-filled hourly buckets ending with the current hour", async () => {
  const res = await analytics("/v1/links/exact/analytics?period=24h");
  assert.equal(res.status, 200);
  const hours = res.json.clicks_by_hour;
  assert.equal(hours.length, 24);
  const current = new Date(Math.floor(Date.now() / HOUR) * HOUR).toISOString().replace(".000Z", "Z");
  assert.equal(hours[23].hour, current);
  assert.equal(hours.reduce((sum, h) => sum + h.clicks, 0), 10);
  assert.equal(res.json.unique_clicks, 10);
});

test("no analytics without a period is the last 30 days", async () => {
  const res = await analytics("/v1/links/exact/analytics");
  assert.equal(res.status, 200);
  assert.equal(res.json.clicks_by_date.length, 30);
  assert.equal(res.json.total_clicks, 10);
});

test("the same visitor ten times is one unique click", async () => {
  await createLink("same-visitor");
  for (let i = 0; i < 10; i++) await visit("same-visitor", { ip: "192.0.2.50" });
  const res = await settled("/v1/links/same-visitor/analytics?period=24h", 10);
  assert.equal(res.json.unique_clicks, 1);
  assert.equal(res.json.metrics.uniqueClicks, 1);
});

test("500 distinct visitors count as 500 unique clicks within 2%", async () => {
  await createLink("many-visitors");
  for (let batch = 0; batch < 10; batch++) {
    await Promise.all(
      Array.from({ length: 50 }, (_, i) => visit("many-visitors", { ip: `10.0.${batch}.${i + 1}` })),
    );
  }
  const res = await settled("/v1/links/many-visitors/analytics?period=7d", 500);
  assert.ok(Math.abs(res.json.unique_clicks - 500) <= 10, `unique_clicks ${res.json.unique_clicks}`);
});

test("a burst of 400 concurrent redirects to one link loses no click", async () => {
  await createLink("burst");
  await Promise.all(Array.from({ length: 400 }, (_, i) => visit("burst", { ip: `10.1.${i >> 8}.${i & 255}` })));
  const res = await settled("/v1/links/burst/analytics?period=24h", 400);
  assert.equal(res.json.metrics.clicks, 400);
});

test("a ?qr=1 redirect counts as a QR scan", async () => {
  await createLink("scanned");
  await visit("scanned", { query: "?qr=1" });
  await visit("scanned");
  const res = await settled("/v1/links/scanned/analytics?period=24h", 2);
  assert.equal(res.json.qr_clicks, 1);
  assert.deepEqual(res.json.sources, [
    { source: "link", clicks: 1 },
    { source: "qr", clicks: 1 },
  ]);
});

test("a request from Tor or an unknown country counts as XX", async () => {
  await createLink("nowhere");
  await visit("nowhere", { country: "T1" });
  const res = await settled("/v1/links/nowhere/analytics?period=24h", 1);
  assert.deepEqual(res.json.countries, [{ country: "XX", clicks: 1 }]);
});

test("the link's clicks field counts human clicks, in the list within a few seconds", async () => {
  await createLink("counted");
  await Promise.all([1, 2, 3].map((i) => visit("counted", { ip: `192.0.2.${i}` })));
  await visit("counted", { ua: GOOGLEBOT });
  const one = await eventually(
    () => worker.api("GET", "/v1/links/counted", { key }),
    (res) => res.json.clicks === 3,
    "clicks = 3 on the link",
    5_000,
  );
  assert.equal(one.status, 200);
  // The list serves D1's copy, which the shard pushes within five seconds.
  const list = await eventually(
    () => worker.api("GET", "/v1/links?search=counted", { key }),
    (res) => res.json.links[0]?.clicks === 3,
    "clicks = 3 in the list",
    10_000,
  );
  assert.equal(list.status, 200);
});

test("history seeded straight into the ClickCounter shows in the 90-day report", async () => {
  const link = await createLink("seeded");
  const at = Date.now() - 40 * DAY;
  const event = (fingerprint) => ({
    at,
    country: "FR",
    client: { device: "tablet", platform: "android", browser: "Chrome", os: "Android", is_bot: false },
    referrer: "news.ycombinator.com",
    source: "link",
    // Fingerprints are uniform 64-bit hashes; these differ in their top
    // bits (the sketch's register index) and are exact as JS numbers.
    fingerprint: fingerprint * 2 ** 58,
  });
  const res = await (await counter(link.id)).fetch(`https://click-counter/clicks?link=${link.id}`, {
    method: "POST",
    body: JSON.stringify([event(1), event(2), event(2)]),
  });
  assert.equal(res.status, 204);
  const report = await analytics("/v1/links/seeded/analytics?period=90d");
  assert.equal(report.json.total_clicks, 3);
  assert.equal(report.json.unique_clicks, 2);
  assert.deepEqual(report.json.referrers, [{ referrer: "news.ycombinator.com", clicks: 3 }]);
  assert.deepEqual(report.json.devices, [{ device: "tablet", clicks: 3 }]);
  const day = report.json.clicks_by_date.find((d) => d.date === new Date(at).toISOString().slice(0, 10));
  assert.equal(day.clicks, 3);
  assert.equal((await analytics("/v1/links/seeded/analytics?period=30d")).json.total_clicks, 0);
});

test("the ClickCounter refuses a body that is not click events", async () => {
  const res = await (await counter("link_whatever0")).fetch("https://click-counter/clicks?link=link_whatever0", {
    method: "POST",
    body: JSON.stringify({ at: 1 }),
  });
  assert.equal(res.status, 400);
});

test("invalid periods and dates are 400 validation errors naming the field", async () => {
  const cases = [
    ["period=1y", "period"],
    ["period=", "period"],
    [`period=7d&from=${today()}`, "period"],
    [`from=${today()}`, "to"],
    [`to=${today()}`, "from"],
    ["from=2026-13-01&to=2026-12-31", "from"],
    ["from=2026-01-01&to=yesterday", "to"],
    ["from=2026-02-10&to=2026-02-01", "to"],
    ["from=2024-01-01&to=2026-01-01", "to"],
  ];
  for (const [query, field] of cases) {
    for (const path of [`/v1/links/exact/analytics?${query}`, `/v1/analytics/${exact.id}?${query}`]) {
      const res = await analytics(path);
      assert.equal(res.status, 400, path);
      assert.equal(res.json.error.code, "validation_error", path);
      assert.equal(res.json.error.field, field, path);
      assert.match(res.json.error.message, new RegExp(`\`${field}\``), path);
    }
  }
});

test("an unknown link is 404 on both paths", async () => {
  for (const path of ["/v1/links/nope/analytics", "/v1/analytics/link_000000000000"]) {
    const res = await analytics(path);
    assert.equal(res.status, 404, path);
    assert.equal(res.json.error.code, "not_found");
  }
});

test("another account's link is 404, not its analytics", async () => {
  const other = await worker.account("Other", "pro");
  for (const path of ["/v1/links/exact/analytics", `/v1/analytics/${exact.id}`]) {
    const res = await analytics(path, other.key);
    assert.equal(res.status, 404, path);
    assert.equal(res.json.error.code, "not_found");
  }
});

test("a key without analytics:read is 403", async () => {
  const limited = await worker.account("Limited", "pro");
  await (await worker.d1())
    .prepare("UPDATE api_keys SET scopes = 'links:read links:write' WHERE id = ?")
    .bind(limited.apiKey.id)
    .run();
  await createLink("limited", limited.key);
  const res = await analytics("/v1/links/limited/analytics", limited.key);
  assert.equal(res.status, 403);
  assert.equal(res.json.error.code, "forbidden");
  assert.match(res.json.error.message, /analytics:read/);
});

test("analytics answer only GET", async () => {
  const res = await worker.api("POST", "/v1/links/exact/analytics", { key, body: {} });
  assert.equal(res.status, 405);
  assert.equal(res.headers.get("allow"), "GET, HEAD");
});

test("deleting a link deletes its analytics", async () => {
  const link = await createLink("doomed");
  await visit("doomed");
  await settled("/v1/links/doomed/analytics?period=24h", 1);
  const res = await worker.api("DELETE", "/v1/links/doomed", { key });
  assert.equal(res.status, 200);
  assert.deepEqual(await rawReport(link.id), { counts: [], sketch: (await rawReport("link_neverused00")).sketch, variants: [] });
  const again = await createLink("doomed");
  const fresh = await analytics("/v1/links/doomed/analytics?period=24h");
  assert.notEqual(again.id, link.id);
  assert.equal(fresh.json.total_clicks, 0);
});

test("no IP address is stored in D1, KV or the ClickCounter", async () => {
  const ip = "203.0.113.199";
  const link = await createLink("private");
  await visit("private", { ip, ua: IPHONE });
  await settled("/v1/links/private/analytics?period=24h", 1);
  await eventually(
    () => worker.api("GET", "/v1/links/private", { key }),
    (res) => res.json.clicks === 1,
    "the pushed click",
  );
  const db = await worker.d1();
  for (const table of ["accounts", "api_keys", "links"]) {
    const { results } = await db.prepare(`SELECT * FROM ${table}`).all();
    assert.ok(!JSON.stringify(results).includes(ip), table);
  }
  const kv = await worker.kv();
  for (const { name } of (await kv.list()).keys) {
    assert.ok(!(await kv.get(name)).includes(ip), name);
  }
  const raw = await rawReport(link.id);
  const text = JSON.stringify(raw) + Buffer.from(raw.sketch, "base64").toString("latin1");
  assert.ok(!text.includes(ip));
  assert.ok(!text.includes("203.0.113"));
  assert.deepEqual(
    raw.counts.map((c) => c.dimension).sort(),
    ["browser", "clicks", "country", "device", "os", "platform", "referrer", "source", "target"],
  );
});
