// Clicks at edge scale (issue 15): a redirect adds its click to the isolate's
// buffer; once a window the buffer goes, pre-aggregated, through the real
// clicks queue to the real consumer, which counts each message exactly once
// in the link's ClickCounter shard. And the isolate's record cache: bounded
// staleness for writes made elsewhere, none for writes made here.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startWorker, ORIGIN } from "./support/worker.mjs";

const DESKTOP =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36";
const GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
const HOUR = 3_600_000;
/** RECORD_CACHE_SECONDS of this file's worker: short, so bounds are quick to see. */
const CACHE_SECONDS = 2;

let worker, key;
before(async () => {
  worker = await startWorker({ bindings: { CLICK_COUNTER_FAULTS: "on", RECORD_CACHE_SECONDS: String(CACHE_SECONDS) } });
  ({ key } = await worker.account("Pipeline", "pro", { limits: { perMinute: null, perHour: null, maxLinks: null } }));
});
after(() => worker?.dispose());

async function createLink(slug, body = {}) {
  const res = await worker.api("POST", "/v1/links", { key, body: { url: `https://example.com/${slug}`, slug, ...body } });
  assert.equal(res.status, 201, res.text);
  return res.json;
}

/** One visit; its status. */
async function visit(slug, { ua = DESKTOP, ip = "198.51.100.7", method = "GET", query = "", on = worker } = {}) {
  const res = await on.mf.dispatchFetch(new URL(`/${slug}${query}`, ORIGIN), {
    method,
    headers: { "User-Agent": ua, "CF-Connecting-IP": ip, Accept: "application/json" },
    redirect: "manual",
  });
  await res.arrayBuffer();
  return { status: res.status, location: res.headers.get("location") };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `read` until `done(value)`: clicks land a second or two after the redirect. */
async function eventually(read, done, what, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  let value;
  while (Date.now() < deadline) {
    value = await read();
    if (done(value)) return value;
    await sleep(100);
  }
  assert.fail(`timed out waiting for ${what}; last: ${JSON.stringify(value?.json ?? value)}`);
}

const analytics = (slug, on = worker, apiKey = key) =>
  on.api("GET", `/v1/links/${slug}/analytics?period=24h`, { key: apiKey });

/** The analytics once they show `clicks` human clicks. */
const counted = (slug, clicks, on = worker, apiKey = key) =>
  eventually(
    () => analytics(slug, on, apiKey),
    (res) => res.status === 200 && res.json.total_clicks === clicks,
    `${clicks} clicks on ${slug}`,
  );

/** A message as a flush sends it (src/store/click_queue.rs): `n` desktop clicks from NL this hour. */
function message(id, linkId, n) {
  const hour = Math.floor(Date.now() / HOUR);
  const counts = {
    clicks: { "": n },
    country: { NL: n },
    device: { desktop: n },
    platform: { web: n },
    browser: { Firefox: n },
    os: { Linux: n },
    referrer: { direct: n },
    source: { link: n },
  };
  return JSON.stringify({ v: 1, id, links: { [linkId]: { [hour]: { n: counts } } } });
}

test("N clicks spread over many links are all counted exactly", async () => {
  const links = [];
  for (let i = 0; i < 40; i++) links.push(await createLink(`spread-${i}`));
  const sent = new Map();
  const visits = [];
  for (let i = 0; i < 600; i++) {
    const link = links[(i * 7) % links.length];
    sent.set(link.slug, (sent.get(link.slug) ?? 0) + 1);
    visits.push(visit(link.slug, { ip: `10.9.${i >> 8}.${i & 255}` }));
  }
  assert.ok((await Promise.all(visits)).every((v) => v.status === 302));
  for (const link of links) {
    const res = await counted(link.slug, sent.get(link.slug));
    assert.equal(res.json.metrics.clicks, sent.get(link.slug), link.slug);
  }
  let total = 0;
  for (const link of links) total += (await worker.api("GET", `/v1/links/${link.slug}`, { key })).json.clicks;
  assert.equal(total, 600);
});

test("delivering the same message to the consumer twice counts it once", async () => {
  const link = await createLink("twice");
  const queue = await worker.clicksQueue();
  const once = message(`dup-${link.id}`, link.id, 5);
  // Twice in one batch, then once more in a later batch, then a marker.
  await queue.sendBatch([
    { body: once, contentType: "text" },
    { body: once, contentType: "text" },
  ]);
  await counted("twice", 5);
  await queue.send(once, { contentType: "text" });
  await queue.send(message(`marker-${link.id}`, link.id, 1), { contentType: "text" });
  const res = await counted("twice", 6);
  assert.deepEqual(res.json.countries, [{ country: "NL", clicks: 6 }]);
  // Nothing else is on its way: the count stays.
  await sleep(2_500);
  assert.equal((await analytics("twice")).json.total_clicks, 6);
  assert.equal((await worker.api("GET", "/v1/links/twice", { key })).json.clicks, 6);
});

test("a message its shard cannot read is retried alone: its batch-mates are counted once", async () => {
  const link = await createLink("unreadable");
  const queue = await worker.clicksQueue();
  const hour = Math.floor(Date.now() / HOUR);
  // Well-formed as far as the consumer reads it; its sketch is not base64,
  // which only the link's shard finds out.
  const corrupt = JSON.stringify({ v: 1, id: `bad-${link.id}`, links: { [link.id]: { [hour]: { n: { clicks: { "": 9 } }, s: "!!" } } } });
  await queue.sendBatch([
    { body: message(`good-${link.id}`, link.id, 4), contentType: "text" },
    { body: corrupt, contentType: "text" },
  ]);
  const res = await counted("unreadable", 4);
  assert.deepEqual(res.json.countries, [{ country: "NL", clicks: 4 }]);
  // The corrupt message's retries reach the same shard and count nothing.
  await sleep(5_000);
  assert.equal((await analytics("unreadable")).json.total_clicks, 4);
});

test("when a counter call fails, the message is retried and nothing is lost", async () => {
  const link = await createLink("flaky");
  const shard = await worker.shard(link.id);
  const armed = await shard.fetch("https://click-counter/faults?fail=2", { method: "POST" });
  assert.equal(armed.status, 204);
  for (let i = 0; i < 25; i++) assert.equal((await visit("flaky", { ip: `10.8.0.${i}` })).status, 302);
  const res = await counted("flaky", 25);
  assert.equal(res.json.unique_clicks, 25);
  // Both refusals were used up: the consumer did call, failed, and retried.
  const faults = await (await shard.fetch("https://click-counter/faults")).json();
  assert.deepEqual(faults, { remaining: 0 });
});

test("bots and HEAD requests are still counted apart, and QR scans are marked", async () => {
  await createLink("apart");
  const visits = [
    ...[1, 2, 3].map((i) => visit("apart", { ip: `10.7.0.${i}` })),
    visit("apart", { ip: "10.7.0.4", query: "?qr=1" }),
    visit("apart", { ua: GOOGLEBOT, ip: "66.249.66.1" }),
    visit("apart", { method: "HEAD", ip: "10.7.0.5" }),
    visit("apart", { method: "HEAD", ip: "10.7.0.6" }),
  ];
  await Promise.all(visits);
  const res = await eventually(
    () => analytics("apart"),
    (r) => r.json.total_clicks === 4 && r.json.bots === 3,
    "4 clicks and 3 bot hits",
  );
  assert.equal(res.json.qr_clicks, 1);
  assert.equal(res.json.unique_clicks, 4);
  assert.deepEqual(res.json.sources, [
    { source: "link", clicks: 3 },
    { source: "qr", clicks: 1 },
  ]);
  assert.equal((await worker.api("GET", "/v1/links/apart", { key })).json.clicks, 4);
});

test("a link's clicks equals its analytics right after a burst", async () => {
  await createLink("burst-exact");
  await Promise.all(Array.from({ length: 300 }, (_, i) => visit("burst-exact", { ip: `10.6.${i >> 8}.${i & 255}` })));
  const report = await counted("burst-exact", 300);
  const link = await worker.api("GET", "/v1/links/burst-exact", { key });
  assert.equal(link.status, 200);
  assert.equal(link.json.clicks, report.json.total_clicks);
});

test("when the queue cannot take a flush, the shards are called directly and nothing is lost", async () => {
  const noQueue = await startWorker({ withoutQueues: true });
  try {
    const { key: otherKey } = await noQueue.account("No queue", "pro");
    const res = await noQueue.api("POST", "/v1/links", {
      key: otherKey,
      body: { url: "https://example.com/direct", slug: "direct" },
    });
    assert.equal(res.status, 201);
    const visits = Array.from({ length: 50 }, (_, i) => visit("direct", { ip: `10.5.0.${i}`, on: noQueue }));
    assert.ok((await Promise.all(visits)).every((v) => v.status === 302));
    const report = await counted("direct", 50, noQueue, otherKey);
    assert.equal(report.json.unique_clicks, 50);
  } finally {
    await noQueue.dispose();
  }
});

test("a slug deleted elsewhere is served from this isolate's cache no longer than its bound", async () => {
  const link = await createLink("cached-gone");
  assert.equal((await visit("cached-gone")).status, 302);
  const cachedAt = Date.now();
  // Another isolate's delete: KV and D1 change, this isolate is not told.
  await (await worker.kv()).delete("cached-gone");
  await (await worker.d1()).prepare("DELETE FROM links WHERE id = ?").bind(link.id).run();
  assert.equal((await visit("cached-gone")).status, 302, "served from memory");
  await eventually(() => visit("cached-gone"), (v) => v.status === 404, "the 404", 10_000);
  const staleFor = Date.now() - cachedAt;
  assert.ok(staleFor <= CACHE_SECONDS * 1000 + 1_500, `stale for ${staleFor} ms`);
});

test("a destination changed elsewhere is picked up within the bound", async () => {
  await createLink("cached-moved");
  assert.equal((await visit("cached-moved")).location, "https://example.com/cached-moved");
  const cachedAt = Date.now();
  const kv = await worker.kv();
  const record = JSON.parse(await kv.get("cached-moved"));
  await kv.put("cached-moved", JSON.stringify({ ...record, u: "https://example.com/moved" }));
  await eventually(
    () => visit("cached-moved"),
    (v) => v.location === "https://example.com/moved",
    "the new destination",
    10_000,
  );
  assert.ok(Date.now() - cachedAt <= CACHE_SECONDS * 1000 + 1_500);
});

test("a PATCH or rename in this isolate is seen at once, cache or not", async () => {
  await createLink("cached-here");
  assert.equal((await visit("cached-here")).location, "https://example.com/cached-here");
  const patched = await worker.api("PATCH", "/v1/links/cached-here", { key, body: { url: "https://example.com/patched" } });
  assert.equal(patched.status, 200);
  assert.equal((await visit("cached-here")).location, "https://example.com/patched");
  const renamed = await worker.api("PATCH", "/v1/links/cached-here", { key, body: { slug: "cached-renamed" } });
  assert.equal(renamed.status, 200);
  assert.equal((await visit("cached-here")).status, 404);
  assert.equal((await visit("cached-renamed")).location, "https://example.com/patched");
});

test("an unknown slug is remembered as missing, but creating it here resolves at once", async () => {
  assert.equal((await visit("not-yet")).status, 404);
  await createLink("not-yet");
  assert.equal((await visit("not-yet")).status, 302);
  // Made elsewhere (straight into KV): the cached miss holds for its bound.
  assert.equal((await visit("elsewhere")).status, 404);
  const missedAt = Date.now();
  const kv = await worker.kv();
  await kv.put("elsewhere", JSON.stringify({ v: 2, id: "link_elsewhere00", u: "https://example.com/elsewhere" }));
  assert.equal((await visit("elsewhere")).status, 404, "the miss is served from memory");
  await eventually(() => visit("elsewhere"), (v) => v.status === 302, "the redirect", 10_000);
  assert.ok(Date.now() - missedAt <= CACHE_SECONDS * 1000 + 1_500);
});

test("when more links change than one push to D1 carries, the next push goes on where the last one stopped", async () => {
  // One shard, so that 510 links outgrow one push (500 links) in it.
  const solo = await startWorker({ bindings: { CLICK_SHARDS: "1" } });
  try {
    const { key: soloKey } = await solo.account("Pushes", "pro", { limits: { perMinute: null, perHour: null, maxLinks: null } });
    const ids = [];
    for (let i = 0; i < 510; i += 30) {
      const made = await Promise.all(
        Array.from({ length: 30 }, (_, j) => solo.createLink(soloKey, { url: `https://example.com/push/${i + j}` })),
      );
      ids.push(...made.map((link) => link.id));
    }
    const shard = await solo.shard(ids[0], 1);
    const event = {
      at: Date.now(),
      country: "NL",
      client: { device: "desktop", platform: "web", browser: "Firefox", os: "Linux", is_bot: false },
      referrer: "direct",
      source: "link",
      fingerprint: 1,
    };
    /** One click for each of `links`, recorded straight in the shard. */
    const click = (links) =>
      Promise.all(
        links.map(async (id) => {
          const res = await shard.fetch(`https://click-counter/clicks?link=${id}`, { method: "POST", body: JSON.stringify([event]) });
          assert.equal(res.status, 204);
        }),
      );
    /** Each link's `clicks` as D1 has it: what lists show. */
    const db = await solo.d1();
    const inD1 = async () =>
      new Map((await db.prepare("SELECT id, clicks FROM links").all()).results.map((row) => [row.id, row.clicks]));
    const withClicks = (map, n) => ids.filter((id) => map.get(id) === n);

    await click(ids);
    await eventually(inD1, (map) => withClicks(map, 1).length === ids.length, "every first click in D1", 30_000);
    await click(ids);
    const first = await eventually(inD1, (map) => withClicks(map, 2).length >= 500, "one push of the second clicks");
    const pushed = withClicks(first, 2);
    const left = withClicks(first, 1);
    assert.equal(pushed.length, 500);
    assert.equal(left.length, 10);
    // The links just pushed change again before the next push: it must
    // still reach the ten it left.
    await click(pushed);
    const second = await eventually(inD1, (map) => ids.some((id) => map.get(id) !== first.get(id)), "the next push");
    assert.deepEqual(
      left.map((id) => second.get(id)),
      left.map(() => 2),
    );
  } finally {
    await solo.dispose();
  }
});
