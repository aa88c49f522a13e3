// GET|HEAD /{slug}: one KV read, then a 302; D1 fallback repairs KV.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startWorker } from "./support/worker.mjs";

let worker, key;
before(async () => {
  worker = await startWorker();
  ({ key } = await worker.account("Redirects", "pro"));
});
after(() => worker?.dispose());

async function create(body) {
  const res = await worker.api("POST", "/v1/links", { key, body });
  assert.equal(res.status, 201, res.text);
  return res.json;
}

test("a new link redirects at once with 302 and the tracking headers", async () => {
  await create({ url: "https://example.com/product/123", slug: "go" });
  const res = await worker.fetch("/go");
  assert.equal(res.status, 302);
  assert.equal(res.headers.get("location"), "https://example.com/product/123");
  assert.equal(res.headers.get("cache-control"), "private, max-age=0");
  assert.equal(res.headers.get("x-robots-tag"), "noindex");
});

test("HEAD redirects the same way", async () => {
  await create({ url: "https://example.com/head", slug: "head-go" });
  const res = await worker.fetch("/head-go", { method: "HEAD" });
  assert.equal(res.status, 302);
  assert.equal(res.headers.get("location"), "https://example.com/head");
});

test("the redirect follows a PATCH of the URL", async () => {
  await create({ url: "https://example.com/v1", slug: "moving" });
  await worker.api("PATCH", "/v1/links/moving", { key, body: { url: "https://example.com/v2" } });
  assert.equal((await worker.fetch("/moving")).headers.get("location"), "https://example.com/v2");
});

test("after a slug rename the new slug resolves and the old one is 404", async () => {
  await create({ url: "https://example.com/renamed", slug: "before-name" });
  await worker.api("PATCH", "/v1/links/before-name", { key, body: { shortCode: "after-name" } });
  assert.equal((await worker.fetch("/after-name")).headers.get("location"), "https://example.com/renamed");
  assert.equal((await worker.fetch("/before-name")).status, 404);
});

test("a deleted link stops redirecting at once", async () => {
  await create({ url: "https://example.com/bye", slug: "bye" });
  assert.equal((await worker.fetch("/bye")).status, 302);
  await worker.api("DELETE", "/v1/links/bye", { key });
  assert.equal((await worker.fetch("/bye")).status, 404);
  assert.equal(await (await worker.kv()).get("bye"), null);
});

test("an unknown slug is a 404 page for browsers", async () => {
  const res = await worker.fetch("/no-such-link", { headers: { Accept: "text/html" } });
  assert.equal(res.status, 404);
  assert.match(res.headers.get("content-type"), /^text\/html/);
  assert.match(res.text, /Link not found/);
  assert.equal(res.headers.get("x-content-type-options"), "nosniff");
  assert.equal(res.headers.get("x-frame-options"), "DENY");
  assert.match(res.headers.get("content-security-policy"), /default-src 'none'/);
  assert.ok(res.headers.get("referrer-policy"));
});

test("an unknown slug is JSON for clients that ask for it", async () => {
  const res = await worker.fetch("/no-such-link", { headers: { Accept: "application/json" } });
  assert.equal(res.status, 404);
  assert.equal(res.json.error.code, "not_found");
});

test("invalid slugs, traversal and encoded slashes are plain 404s", async () => {
  for (const path of ["/..%2F..%2Fetc", "/a%2Fb", "/has%20space", "/go/extra/parts", "/%00", "/link_abc"]) {
    const res = await worker.fetch(path, { headers: { Accept: "application/json" } });
    assert.equal(res.status, 404, path);
  }
});

test("a missing KV entry falls back to D1 and is repaired", async () => {
  const link = await create({ url: "https://example.com/repair", slug: "repair-me" });
  await (await worker.kv()).delete("repair-me");
  const res = await worker.fetch("/repair-me");
  assert.equal(res.status, 302);
  assert.equal(res.headers.get("location"), "https://example.com/repair");
  let repaired = null;
  for (let i = 0; i < 50 && !repaired; i++) {
    repaired = await (await worker.kv()).get("repair-me", "json");
    if (!repaired) await new Promise((r) => setTimeout(r, 20));
  }
  assert.deepEqual(repaired, { v: 3, id: link.id, u: "https://example.com/repair" });
});

test("an unreadable KV record falls back to D1", async () => {
  await create({ url: "https://example.com/corrupt", slug: "corrupt" });
  await (await worker.kv()).put("corrupt", "{not json");
  const res = await worker.fetch("/corrupt");
  assert.equal(res.status, 302);
  assert.equal(res.headers.get("location"), "https://example.com/corrupt");
});

test("the redirect answers GET and HEAD, and POST for password forms", async () => {
  await create({ url: "https://example.com/post", slug: "post-me" });
  const res = await worker.fetch("/post-me", { method: "DELETE" });
  assert.equal(res.status, 405);
  assert.equal(res.headers.get("allow"), "GET, HEAD, POST");
});
