// Tenants never see each other's links: 404, never 403.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startWorker } from "./support/worker.mjs";

let worker, alice, bob, link;
before(async () => {
  worker = await startWorker();
  alice = (await worker.account("Alice", "pro")).key;
  bob = (await worker.account("Bob", "pro")).key;
  link = (await worker.api("POST", "/v1/links", { key: alice, body: { url: "https://alice.example/", slug: "alice-link" } })).json;
});
after(() => worker?.dispose());

test("another account's link is 404 by id and by slug", async () => {
  for (const ref of [link.id, link.slug]) {
    const res = await worker.api("GET", `/v1/links/${ref}`, { key: bob });
    assert.equal(res.status, 404);
    assert.equal(res.json.error.code, "not_found");
  }
});

test("another account cannot update the link", async () => {
  const res = await worker.api("PATCH", `/v1/links/${link.id}`, { key: bob, body: { url: "https://evil.example/" } });
  assert.equal(res.status, 404);
  assert.equal((await worker.api("GET", `/v1/links/${link.id}`, { key: alice })).json.url, "https://alice.example/");
});

test("another account cannot delete the link", async () => {
  const res = await worker.api("DELETE", `/v1/links/${link.slug}`, { key: bob });
  assert.equal(res.status, 404);
  assert.equal((await worker.api("GET", `/v1/links/${link.id}`, { key: alice })).status, 200);
  assert.equal((await worker.fetch("/alice-link")).status, 302);
});

test("another account never sees the link in a list or search", async () => {
  const list = await worker.api("GET", "/v1/links?search=alice", { key: bob });
  assert.equal(list.status, 200);
  assert.equal(list.json.total, 0);
  assert.deepEqual(list.json.links, []);
});

test("slugs are global: another account gets 409 for a taken slug", async () => {
  const res = await worker.api("POST", "/v1/links", { key: bob, body: { url: "https://bob.example/", slug: "alice-link" } });
  assert.equal(res.status, 409);
});
