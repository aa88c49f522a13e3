// Click caps (issue 6): `maxClicks` / `max_clicks`. After that many human
// clicks a link behaves as expired (410, or its expiredUrl). The link's
// ClickCounter admits each capped redirect before it is answered, so the cap
// is exact one click at a time and under concurrency, and admitted clicks
// are already in the analytics when the redirect arrives.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startWorker } from "./support/worker.mjs";

const DESKTOP =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36";
const CURL = "curl/8.5.0";
const EXPIRED = {
  error: { code: "expired", message: "This short link has expired and no longer leads anywhere." },
};

let worker, key;
before(async () => {
  worker = await startWorker();
  ({ key } = await worker.account("Caps", "pro"));
});
after(() => worker?.dispose());

const create = (body) => worker.createLink(key, body);
const patch = (slug, body) => worker.patchLink(key, slug, body);

const visit = (slug, { ua = DESKTOP, method = "GET" } = {}) =>
  worker.fetch(`/${slug}`, { method, headers: { "User-Agent": ua, Accept: "application/json" } });

/** `n` visits one after the other; their statuses. */
async function inTurn(slug, n, options) {
  const statuses = [];
  for (let i = 0; i < n; i++) statuses.push((await visit(slug, options)).status);
  return statuses;
}

async function analytics(slug) {
  const res = await worker.api("GET", `/v1/links/${slug}/analytics?period=24h`, { key });
  assert.equal(res.status, 200, res.text);
  return res.json;
}

test("a cap of 3 gives exactly 3 redirects, then 410 expired", async () => {
  await create({ url: "https://example.com/three", slug: "cap-3", maxClicks: 3 });
  for (let i = 0; i < 3; i++) {
    const res = await visit("cap-3");
    assert.equal(res.status, 302, `click ${i + 1}`);
    assert.equal(res.headers.get("location"), "https://example.com/three");
    assert.equal(res.headers.get("cache-control"), "private, max-age=0");
  }
  const res = await visit("cap-3");
  assert.equal(res.status, 410);
  assert.deepEqual(res.json, EXPIRED);
  assert.equal((await visit("cap-3")).status, 410);
});

test("a browser past the cap gets the expired page", async () => {
  await create({ url: "https://example.com/one", slug: "cap-page", maxClicks: 1 });
  assert.equal((await visit("cap-page")).status, 302);
  const res = await worker.fetch("/cap-page", { headers: { "User-Agent": DESKTOP, Accept: "text/html" } });
  assert.equal(res.status, 410);
  assert.match(res.headers.get("content-type"), /^text\/html/);
  assert.match(res.text, /Link expired/);
});

test("past the cap, a link with expiredUrl redirects there with 302", async () => {
  await create({
    url: "https://example.com/three", slug: "cap-fb", maxClicks: 3,
    expiredUrl: "https://example.com/sold-out", redirectType: 301,
  });
  assert.deepEqual(await inTurn("cap-fb", 3), [301, 301, 301]);
  const res = await visit("cap-fb");
  assert.equal(res.status, 302);
  assert.equal(res.headers.get("location"), "https://example.com/sold-out");
});

test("40 concurrent visits to a cap of 20: exactly 20 redirects", async () => {
  await create({ url: "https://example.com/rush", slug: "cap-rush", maxClicks: 20 });
  const results = await Promise.all(Array.from({ length: 40 }, () => visit("cap-rush")));
  const statuses = results.map((r) => r.status);
  assert.equal(statuses.filter((s) => s === 302).length, 20, statuses.join(","));
  assert.equal(statuses.filter((s) => s === 410).length, 20, statuses.join(","));
  assert.equal((await analytics("cap-rush")).total_clicks, 20);
});

test("the analytics total equals the number of redirects", async () => {
  await create({ url: "https://example.com/count", slug: "cap-count", maxClicks: 4 });
  const statuses = await inTurn("cap-count", 6);
  assert.deepEqual(statuses, [302, 302, 302, 302, 410, 410]);
  const report = await analytics("cap-count");
  assert.equal(report.total_clicks, 4);
  assert.equal(report.bots, 0);
});

test("bots and HEAD requests do not consume the cap", async () => {
  await create({ url: "https://example.com/bots", slug: "cap-bots", maxClicks: 2 });
  assert.deepEqual(await inTurn("cap-bots", 3, { ua: CURL }), [302, 302, 302]);
  assert.deepEqual(await inTurn("cap-bots", 2, { method: "HEAD" }), [302, 302]);
  assert.deepEqual(await inTurn("cap-bots", 3), [302, 302, 410]);
  const report = await analytics("cap-bots");
  assert.equal(report.total_clicks, 2);
  assert.equal(report.bots, 5);
});

test("a bot past the cap gets 410 too", async () => {
  await create({ url: "https://example.com/b", slug: "cap-bot-late", maxClicks: 1 });
  assert.equal((await visit("cap-bot-late")).status, 302);
  assert.equal((await visit("cap-bot-late", { ua: CURL })).status, 410);
});

test("PATCH raising the cap re-enables the link at once", async () => {
  await create({ url: "https://example.com/more", slug: "cap-raise", maxClicks: 1 });
  assert.deepEqual(await inTurn("cap-raise", 2), [302, 410]);
  const link = await patch("cap-raise", { maxClicks: 3 });
  assert.equal(link.maxClicks, 3);
  assert.deepEqual(await inTurn("cap-raise", 3), [302, 302, 410]);
});

test("PATCH clearing the cap with null re-enables the link at once", async () => {
  await create({ url: "https://example.com/free", slug: "cap-clear", max_clicks: 1 });
  assert.deepEqual(await inTurn("cap-clear", 2), [302, 410]);
  const link = await patch("cap-clear", { max_clicks: null });
  assert.equal(link.maxClicks, null);
  assert.equal(link.max_clicks, null);
  assert.deepEqual(await inTurn("cap-clear", 3), [302, 302, 302]);
});

test("PATCH lowering the cap below the count closes the link at once", async () => {
  await create({ url: "https://example.com/less", slug: "cap-lower", maxClicks: 5 });
  assert.deepEqual(await inTurn("cap-lower", 2), [302, 302]);
  await patch("cap-lower", { maxClicks: 2 });
  assert.equal((await visit("cap-lower")).status, 410);
});

for (const name of ["maxClicks", "max_clicks"]) {
  test(`${name} is accepted and returned in both spellings`, async () => {
    const slug = `cap-${name.replace("_", "-")}`;
    const link = await create({ url: "https://example.com/d", slug, [name]: 7 });
    assert.equal(link.maxClicks, 7);
    assert.equal(link.max_clicks, 7);
    const read = await worker.api("GET", `/v1/links/${slug}`, { key });
    assert.equal(read.json.maxClicks, 7);
    assert.equal(read.json.max_clicks, 7);
    assert.equal((await patch(slug, { [name]: 2 })).max_clicks, 2);
    assert.deepEqual(await inTurn(slug, 3), [302, 302, 410]);
  });

  test(`${name}: 0, -1, 1.5 and "3" are 400 validation_error naming it`, async () => {
    await create({ url: "https://example.com/v", slug: `cap-bad-${name.replace("_", "-")}` });
    for (const value of [0, -1, 1.5, "3"]) {
      for (const [method, path] of [
        ["POST", "/v1/links"],
        ["PATCH", `/v1/links/cap-bad-${name.replace("_", "-")}`],
      ]) {
        const body = method === "POST" ? { url: "https://example.com/v", [name]: value } : { [name]: value };
        const res = await worker.api(method, path, { key, body });
        assert.equal(res.status, 400, `${method} ${JSON.stringify(value)}`);
        assert.equal(res.json.error.code, "validation_error");
        assert.equal(res.json.error.field, name);
      }
    }
  });
}

test("a new link has no cap", async () => {
  const link = await create({ url: "https://example.com/n", slug: "cap-none" });
  assert.equal(link.maxClicks, null);
  assert.equal(link.max_clicks, null);
});
