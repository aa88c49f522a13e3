// /v1/links in both dialects, with the seed documents' own example bodies.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startWorker, ORIGIN } from "./support/worker.mjs";

let worker, key;
before(async () => {
  worker = await startWorker();
  ({ key } = await worker.account("Links Inc", "pro"));
});
after(() => worker?.dispose());

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

test("POST /v1/links with the SmartLinks seed body answers 201 with both dialects", async () => {
  const res = await worker.api("POST", "/v1/links", {
    key,
    body: {
      url: "https://example.com/product/123",
      shortCode: "custom-code",
      title: "My Product Link",
      metadata: { campaign: "summer-sale" },
    },
  });
  assert.equal(res.status, 201);
  const link = res.json;
  assert.match(link.id, /^link_[0-9A-Za-z]{12}$/);
  assert.equal(res.headers.get("location"), `/v1/links/${link.id}`);
  assert.equal(link.shortCode, "custom-code");
  assert.equal(link.slug, "custom-code");
  assert.equal(link.shortUrl, `${ORIGIN}/custom-code`);
  assert.equal(link.short_url, `${ORIGIN}/custom-code`);
  assert.equal(link.url, "https://example.com/product/123");
  assert.equal(link.original_url, "https://example.com/product/123");
  assert.equal(link.title, "My Product Link");
  assert.deepEqual(link.metadata, { campaign: "summer-sale" });
  assert.equal(link.clicks, 0);
  assert.match(link.createdAt, RFC3339);
  assert.equal(link.created_at, link.createdAt);
  assert.equal(link.updatedAt, link.createdAt);
  assert.equal(link.updated_at, link.createdAt);
});

test("POST /v1/links with the SMO1 seed body answers 201 with its fields", async () => {
  const res = await worker.api("POST", "/v1/links", {
    key,
    body: { url: "https://example.com/very-long-url", slug: "my-custom-slug", title: "My Link" },
  });
  assert.equal(res.status, 201);
  assert.equal(res.json.short_url, `${ORIGIN}/my-custom-slug`);
  assert.equal(res.json.original_url, "https://example.com/very-long-url");
  assert.equal(res.json.slug, "my-custom-slug");
  assert.equal(res.json.title, "My Link");
  assert.equal(res.json.clicks, 0);
  assert.match(res.json.created_at, RFC3339);
});

test("POST /v1/links without a slug generates seven base62 characters", async () => {
  const res = await worker.api("POST", "/v1/links", { key, body: { url: "https://example.com/gen" } });
  assert.equal(res.status, 201);
  assert.match(res.json.slug, /^[0-9A-Za-z]{7}$/);
  assert.equal(res.json.title, null);
  assert.equal(res.json.metadata, null);
});

test("a taken slug answers 409 slug_taken", async () => {
  await worker.api("POST", "/v1/links", { key, body: { url: "https://example.com/a", slug: "taken" } });
  const res = await worker.api("POST", "/v1/links", { key, body: { url: "https://example.com/b", shortCode: "taken" } });
  assert.equal(res.status, 409);
  assert.equal(res.json.error.code, "slug_taken");
  assert.match(res.json.error.message, /'taken' is already taken/);
});

test("slugs are case-sensitive", async () => {
  const a = await worker.api("POST", "/v1/links", { key, body: { url: "https://example.com/a", slug: "CaseSlug" } });
  const b = await worker.api("POST", "/v1/links", { key, body: { url: "https://example.com/b", slug: "caseslug" } });
  assert.equal(a.status, 201);
  assert.equal(b.status, 201);
});

test("GET /v1/links/{id} and /v1/links/{slug} return the same link", async () => {
  const created = await worker.api("POST", "/v1/links", { key, body: { url: "https://example.com/get", slug: "get-me" } });
  const byId = await worker.api("GET", `/v1/links/${created.json.id}`, { key });
  const bySlug = await worker.api("GET", "/v1/links/get-me", { key });
  assert.equal(byId.status, 200);
  assert.equal(bySlug.status, 200);
  assert.deepEqual(byId.json, created.json);
  assert.deepEqual(bySlug.json, created.json);
});

test("GET of an unknown link answers 404 not_found", async () => {
  for (const path of ["/v1/links/link_000000000000", "/v1/links/nope"]) {
    const res = await worker.api("GET", path, { key });
    assert.equal(res.status, 404);
    assert.deepEqual(res.json, { error: { code: "not_found", message: "link not found" } });
  }
});

test("PATCH changes only the fields sent and bumps updatedAt", async () => {
  const created = await worker.api("POST", "/v1/links", {
    key,
    body: { url: "https://example.com/old", slug: "patch-me", title: "Old", metadata: { a: 1 } },
  });
  await new Promise((r) => setTimeout(r, 1100));
  const res = await worker.api("PATCH", `/v1/links/${created.json.id}`, {
    key,
    body: { url: "https://example.com/new", title: null },
  });
  assert.equal(res.status, 200);
  assert.equal(res.json.url, "https://example.com/new");
  assert.equal(res.json.original_url, "https://example.com/new");
  assert.equal(res.json.title, null);
  assert.deepEqual(res.json.metadata, { a: 1 });
  assert.equal(res.json.slug, "patch-me");
  assert.equal(res.json.createdAt, created.json.createdAt);
  assert.ok(res.json.updatedAt > created.json.updatedAt);
  const again = await worker.api("GET", "/v1/links/patch-me", { key });
  assert.deepEqual(again.json, res.json);
});

test("PATCH renames the slug in either dialect", async () => {
  await worker.api("POST", "/v1/links", { key, body: { url: "https://example.com/r", slug: "rename-a" } });
  const first = await worker.api("PATCH", "/v1/links/rename-a", { key, body: { shortCode: "rename-b" } });
  assert.equal(first.status, 200);
  assert.equal(first.json.shortUrl, `${ORIGIN}/rename-b`);
  const second = await worker.api("PATCH", "/v1/links/rename-b", { key, body: { slug: "rename-c" } });
  assert.equal(second.json.slug, "rename-c");
  assert.equal((await worker.api("GET", "/v1/links/rename-a", { key })).status, 404);
  assert.equal((await worker.api("GET", "/v1/links/rename-c", { key })).status, 200);
});

test("PATCH to a taken slug answers 409 and changes nothing", async () => {
  await worker.api("POST", "/v1/links", { key, body: { url: "https://example.com/1", slug: "keep-1" } });
  await worker.api("POST", "/v1/links", { key, body: { url: "https://example.com/2", slug: "keep-2" } });
  const res = await worker.api("PATCH", "/v1/links/keep-2", { key, body: { slug: "keep-1" } });
  assert.equal(res.status, 409);
  assert.equal(res.json.error.code, "slug_taken");
  assert.equal((await worker.api("GET", "/v1/links/keep-2", { key })).json.url, "https://example.com/2");
});

test("DELETE answers the SMO1 message and the link is gone", async () => {
  const created = await worker.api("POST", "/v1/links", { key, body: { url: "https://example.com/d", slug: "delete-me" } });
  const res = await worker.api("DELETE", "/v1/links/delete-me", { key });
  assert.equal(res.status, 200);
  assert.deepEqual(res.json, { message: "Link deleted successfully" });
  assert.equal((await worker.api("GET", `/v1/links/${created.json.id}`, { key })).status, 404);
  assert.equal((await worker.api("DELETE", "/v1/links/delete-me", { key })).status, 404);
});

test("DELETE by id works too", async () => {
  const created = await worker.api("POST", "/v1/links", { key, body: { url: "https://example.com/d2" } });
  const res = await worker.api("DELETE", `/v1/links/${created.json.id}`, { key });
  assert.equal(res.status, 200);
});
