// Storage faults: redirects keep working from KV when D1 is down, and the
// API answers 503 with the JSON error body, never 500 with internals.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startWorker, ADMIN_TOKEN } from "./support/worker.mjs";

let worker;
before(async () => {
  // No migrations: D1 has no tables, so every query fails.
  worker = await startWorker({ migrate: false });
  const kv = await worker.kv();
  await kv.put("cached", JSON.stringify({ v: 1, id: "link_000000000001", url: "https://example.com/cached" }));
});
after(() => worker?.dispose());

test("a redirect in KV still works while D1 is unavailable", async () => {
  const res = await worker.fetch("/cached");
  assert.equal(res.status, 302);
  assert.equal(res.headers.get("location"), "https://example.com/cached");
});

test("a KV miss while D1 is unavailable is a 503 page, not a false 404", async () => {
  const page = await worker.fetch("/not-in-kv");
  assert.equal(page.status, 503);
  assert.equal(page.headers.get("retry-after"), "5");
  assert.match(page.text, /Temporarily unavailable/);
  const json = await worker.fetch("/not-in-kv", { headers: { Accept: "application/json" } });
  assert.equal(json.status, 503);
  assert.equal(json.json.error.code, "service_unavailable");
});

test("the API answers 503 service_unavailable with Retry-After when D1 is down", async () => {
  const res = await worker.api("GET", "/v1/links", { key: "sl_live_" + "a".repeat(32) });
  assert.equal(res.status, 503);
  assert.equal(res.headers.get("retry-after"), "5");
  assert.deepEqual(res.json, {
    error: { code: "service_unavailable", message: "storage is temporarily unavailable; retry in a few seconds" },
  });
});

test("the operator API answers 503 too, leaking no SQL", async () => {
  const res = await worker.api("POST", "/v1/admin/accounts", { key: ADMIN_TOKEN, body: { name: "X" } });
  assert.equal(res.status, 503);
  assert.equal(res.json.error.code, "service_unavailable");
  assert.doesNotMatch(res.text, /SQL|table|D1/i);
});

test("health does not depend on storage", async () => {
  assert.equal((await worker.fetch("/health")).status, 200);
});

test("with both Durable Objects unreachable, redirects and the API still answer", async () => {
  const isolated = await startWorker({ withoutDurableObjects: ["CLICK_COUNTER", "RATE_LIMITER"] });
  try {
    const { key } = await isolated.account("No objects", "free");
    const created = await isolated.api("POST", "/v1/links", { key, body: { url: "https://example.com/no-do", slug: "no-do" } });
    assert.equal(created.status, 201);
    const redirect = await isolated.fetch("/no-do");
    assert.equal(redirect.status, 302);
    assert.equal(redirect.headers.get("location"), "https://example.com/no-do");
    const listed = await isolated.api("GET", "/v1/links", { key });
    assert.equal(listed.status, 200);
    assert.equal(listed.json.total, 1);
    // The analytics store itself is what is missing: a retryable 503, not a 500.
    const analytics = await isolated.api("GET", "/v1/links/no-do/analytics", { key });
    assert.equal(analytics.status, 503);
    assert.equal(analytics.json.error.code, "service_unavailable");
  } finally {
    await isolated.dispose();
  }
});
