// Every API error is {"error":{"code","message"}} with the right status.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startWorker } from "./support/worker.mjs";

let worker, key;
before(async () => {
  worker = await startWorker();
  ({ key } = await worker.account("Errors", "pro"));
});
after(() => worker?.dispose());

function assertError(res, status, code) {
  assert.equal(res.status, status, res.text);
  assert.equal(res.headers.get("content-type"), "application/json");
  assert.equal(res.json.error.code, code);
  assert.equal(typeof res.json.error.message, "string");
  assert.ok(res.json.error.message.length > 0);
}

test("no Authorization header answers 401 unauthorized", async () => {
  const res = await worker.api("GET", "/v1/links");
  assertError(res, 401, "unauthorized");
  assert.equal(res.headers.get("www-authenticate"), "Bearer");
});

test("a bad, malformed or oversized key answers 401", async () => {
  const cases = [
    "Bearer sl_live_00000000000000000000000000000000",
    "Bearer nonsense",
    `Basic ${Buffer.from("a:b").toString("base64")}`,
    "Bearer",
    `Bearer ${"x".repeat(10_000)}`,
  ];
  for (const authorization of cases) {
    const res = await worker.fetch("/v1/links", { headers: { Authorization: authorization } });
    assertError(res, 401, "unauthorized");
  }
});

test("the key scheme is case-insensitive", async () => {
  const res = await worker.fetch("/v1/links", { headers: { Authorization: `bearer ${key}` } });
  assert.equal(res.status, 200);
});

test("an unknown route answers 404 not_found", async () => {
  assertError(await worker.api("GET", "/v1/nothing-here", { key }), 404, "not_found");
  assertError(await worker.api("GET", "/v1/links/a/b/c", { key }), 404, "not_found");
});

test("a wrong method answers 405 with Allow", async () => {
  const res = await worker.api("PUT", "/v1/links", { key, body: {} });
  assertError(res, 405, "method_not_allowed");
  assert.equal(res.headers.get("allow"), "GET, HEAD, POST");
});

test("each invalid field answers 400 validation_error naming it", async () => {
  const long = "https://example.com/" + "a".repeat(8200);
  const cases = [
    [{}, "url", /`url` is required/],
    [{ url: 42 }, "url", /must be a string/],
    [{ url: "not a url" }, "url", /absolute URL/],
    [{ url: "javascript:alert(1)" }, "url", /http or https/],
    [{ url: "data:text/html,hi" }, "url", /http or https/],
    [{ url: "file:///etc/passwd" }, "url", /http or https/],
    [{ url: "vbscript:msgbox(1)" }, "url", /http or https/],
    [{ url: "https://example.com/\r\nX-Injected: 1" }, "url", /control characters/],
    [{ url: "http://short.test/loop" }, "url", /short domain/],
    [{ url: long }, "url", /at most 8192 bytes/],
    [{ url: "https://example.com", slug: "has space" }, "slug", /only letters/],
    [{ url: "https://example.com", slug: "../etc" }, "slug", /only letters/],
    [{ url: "https://example.com", slug: "a%2Fb" }, "slug", /only letters/],
    [{ url: "https://example.com", shortCode: "x".repeat(65) }, "shortCode", /at most 64/],
    [{ url: "https://example.com", slug: "link_abc" }, "slug", /link_/],
    [{ url: "https://example.com", slug: "health" }, "slug", /reserved/],
    [{ url: "https://example.com", slug: "a", shortCode: "b" }, "slug", /either/],
    [{ url: "https://example.com", title: "t".repeat(513) }, "title", /at most 512/],
    [{ url: "https://example.com", metadata: [1] }, "metadata", /JSON object/],
    [{ url: "https://example.com", metadata: { big: "x".repeat(5000) } }, "metadata", /at most 4096 bytes/],
    [{ url: "https://example.com", shortcode: "typo" }, "shortcode", /unknown field `shortcode`/],
  ];
  for (const [body, field, message] of cases) {
    const res = await worker.api("POST", "/v1/links", { key, body });
    assertError(res, 400, "validation_error");
    assert.equal(res.json.error.field, field, JSON.stringify(body).slice(0, 80));
    assert.match(res.json.error.message, message);
  }
  assert.equal((await worker.api("GET", "/v1/links", { key })).json.total, 0, "nothing was stored");
});

test("malformed JSON answers 400", async () => {
  const res = await worker.api("POST", "/v1/links", { key, body: '{"url": "https://e.com",' });
  assertError(res, 400, "validation_error");
  assert.match(res.json.error.message, /not valid JSON/);
});

test("a body that is not an object answers 400", async () => {
  const res = await worker.api("POST", "/v1/links", { key, body: "[1,2]" });
  assertError(res, 400, "validation_error");
  assert.match(res.json.error.message, /must be a JSON object/);
});

test("deeply nested metadata answers 400, not a crash", async () => {
  const nested = "[".repeat(10_000) + "]".repeat(10_000);
  const res = await worker.api("POST", "/v1/links", { key, body: `{"url":"https://e.com","metadata":${nested}}` });
  assertError(res, 400, "validation_error");
});

test("a body over 64 KiB answers 413", async () => {
  const res = await worker.api("POST", "/v1/links", {
    key,
    body: { url: "https://example.com", title: "x".repeat(70 * 1024) },
  });
  assertError(res, 413, "payload_too_large");
});

test("a 2 MiB body answers 413", async () => {
  const res = await worker.api("POST", "/v1/links", { key, body: "x".repeat(2 * 1024 * 1024) });
  assertError(res, 413, "payload_too_large");
});

test("a non-JSON content type answers 415", async () => {
  for (const type of ["text/plain", "application/x-www-form-urlencoded"]) {
    const res = await worker.api("POST", "/v1/links", {
      key,
      body: "url=https://example.com",
      headers: { "Content-Type": type },
    });
    assertError(res, 415, "unsupported_media_type");
    assert.match(res.json.error.message, /application\/json/);
  }
});

test("JSON with a charset parameter is accepted", async () => {
  const res = await worker.api("POST", "/v1/links", {
    key,
    body: { url: "https://example.com/charset" },
    headers: { "Content-Type": "application/json; charset=utf-8" },
  });
  assert.equal(res.status, 201);
});

test("GET /health answers 200 without auth", async () => {
  const res = await worker.fetch("/health");
  assert.equal(res.status, 200);
  assert.deepEqual(res.json, { status: "ok" });
});

test("API responses allow cross-origin use and are never cached", async () => {
  const res = await worker.api("GET", "/v1/links", { key });
  assert.equal(res.headers.get("access-control-allow-origin"), "*");
  assert.equal(res.headers.get("cache-control"), "no-store");
  const preflight = await worker.fetch("/v1/links", { method: "OPTIONS" });
  assert.equal(preflight.status, 204);
  assert.match(preflight.headers.get("access-control-allow-headers"), /Authorization/);
});

test("GET /v1/openapi.json serves the OpenAPI 3.1 contract without auth", async () => {
  const res = await worker.api("GET", "/v1/openapi.json");
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "application/json");
  assert.equal(res.json.openapi, "3.1.0");
  assert.ok(res.json.paths["/v1/links"].post);
});
