// GET /v1/links: paging in both dialects, newest first, search.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startWorker } from "./support/worker.mjs";

let worker, key;
before(async () => {
  worker = await startWorker();
  ({ key } = await worker.account("Lister", "pro"));
  for (let i = 1; i <= 25; i++) {
    const res = await worker.api("POST", "/v1/links", {
      key,
      body: { url: `https://example.com/item/${i}`, slug: `item-${i}`, title: i % 5 === 0 ? `Fifth ${i}` : `Item ${i}` },
    });
    assert.equal(res.status, 201);
  }
  await worker.api("POST", "/v1/links", { key, body: { url: "https://example.com/percent", slug: "pct", title: "100% off_sale" } });
});
after(() => worker?.dispose());

test("the default page is 20 links, newest first, with both page-size names", async () => {
  const res = await worker.api("GET", "/v1/links", { key });
  assert.equal(res.status, 200);
  assert.equal(res.json.total, 26);
  assert.equal(res.json.page, 1);
  assert.equal(res.json.limit, 20);
  assert.equal(res.json.pageSize, 20);
  assert.equal(res.json.totalPages, 2);
  assert.equal(res.json.links.length, 20);
  assert.equal(res.json.links[0].slug, "pct");
  assert.equal(res.json.links[1].slug, "item-25");
  assert.ok(res.json.links[0].short_url && res.json.links[0].original_url);
});

test("SmartLinks paging: page and pageSize", async () => {
  const res = await worker.api("GET", "/v1/links?page=2&pageSize=10", { key });
  assert.equal(res.status, 200);
  assert.equal(res.json.pageSize, 10);
  assert.equal(res.json.page, 2);
  assert.deepEqual(res.json.links.map((l) => l.slug), [16, 15, 14, 13, 12, 11, 10, 9, 8, 7].map((i) => `item-${i}`));
});

test("SMO1 paging: page and limit", async () => {
  const res = await worker.api("GET", "/v1/links?page=3&limit=10", { key });
  assert.equal(res.json.limit, 10);
  assert.deepEqual(res.json.links.map((l) => l.slug), [6, 5, 4, 3, 2, 1].map((i) => `item-${i}`));
});

test("a page past the end is empty but keeps the total", async () => {
  const res = await worker.api("GET", "/v1/links?page=1000000&limit=100", { key });
  assert.equal(res.status, 200);
  assert.deepEqual(res.json.links, []);
  assert.equal(res.json.total, 26);
});

test("search matches title, URL and slug, case-insensitively", async () => {
  const byTitle = await worker.api("GET", "/v1/links?search=fifth", { key });
  assert.equal(byTitle.json.total, 5);
  const byUrl = await worker.api("GET", "/v1/links?search=item%2F25", { key });
  assert.deepEqual(byUrl.json.links.map((l) => l.slug), ["item-25"]);
  const bySlug = await worker.api("GET", "/v1/links?search=item-2", { key });
  assert.equal(bySlug.json.total, 7); // item-2, item-20..25
});

test("search treats % and _ literally", async () => {
  const pct = await worker.api("GET", "/v1/links?search=100%25", { key });
  assert.deepEqual(pct.json.links.map((l) => l.slug), ["pct"]);
  // As a wildcard, `_` would match "Item 1" and ".../item/1".
  const underscore = await worker.api("GET", "/v1/links?search=m_1", { key });
  assert.equal(underscore.json.total, 0);
});

test("search with SQL metacharacters is just text", async () => {
  const res = await worker.api("GET", `/v1/links?search=${encodeURIComponent("' OR 1=1; DROP TABLE links; --")}`, { key });
  assert.equal(res.status, 200);
  assert.equal(res.json.total, 0);
  assert.equal((await worker.api("GET", "/v1/links", { key })).json.total, 26);
});

test("out-of-range paging answers 400 naming the parameter", async () => {
  const cases = [
    ["limit=101", "limit"],
    ["limit=-1", "limit"],
    ["pageSize=0", "pageSize"],
    ["page=0", "page"],
    ["page=abc", "page"],
    ["page=99999999999999", "page"],
    ["limit=10&pageSize=20", "pageSize"],
  ];
  for (const [query, field] of cases) {
    const res = await worker.api("GET", `/v1/links?${query}`, { key });
    assert.equal(res.status, 400, query);
    assert.equal(res.json.error.code, "validation_error");
    assert.equal(res.json.error.field, field, query);
  }
});

test("pageSize and limit together are fine when they agree", async () => {
  const res = await worker.api("GET", "/v1/links?limit=5&pageSize=5", { key });
  assert.equal(res.status, 200);
  assert.equal(res.json.links.length, 5);
});

test("a long search is answered, not an error", async () => {
  const res = await worker.api("GET", `/v1/links?search=${"0".repeat(200)}`, { key });
  assert.equal(res.status, 200);
  assert.equal(res.json.total, 0);
});
