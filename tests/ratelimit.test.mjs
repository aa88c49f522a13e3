// Per-account rate limiting (issue 3, per account since issue 16): the
// account's RateLimiter Durable Object decides every authenticated /v1
// request; its headers go on every such response.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { startWorker } from "./support/worker.mjs";

const RATE_HEADERS = ["x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset", "ratelimit-policy", "ratelimit"];

let worker;
before(async () => {
  worker = await startWorker();
});
after(() => worker?.dispose());

/** A fresh account whose limits override its plan's; returns its key. */
async function keyWith(limits, plan = "free") {
  return (await worker.account(`Limited ${Math.random()}`, plan, { limits })).key;
}

const list = (key) => worker.api("GET", "/v1/links", { key });

function assertRateLimited(res, message) {
  assert.equal(res.status, 429, res.text);
  assert.equal(res.json.error.code, "rate_limited");
  assert.equal(res.json.error.message, message);
}

test("a limit of N admits exactly N requests, then answers 429 naming the window", async () => {
  const key = await keyWith({ perMinute: 100, perHour: 5 });
  const first = Date.now();
  for (let i = 0; i < 5; i++) {
    const res = await list(key);
    assert.equal(res.status, 200, `request ${i + 1}`);
    assert.equal(res.headers.get("x-ratelimit-limit"), "5");
    assert.equal(res.headers.get("x-ratelimit-remaining"), String(4 - i));
  }
  const denied = await list(key);
  // 5 an hour: one request comes back 720 s after the first was admitted,
  // so the wait is 720 s less whatever the six requests took.
  const elapsed = Math.ceil((Date.now() - first) / 1000);
  const retryAfter = Number(denied.headers.get("retry-after"));
  assert.ok(retryAfter <= 720 && retryAfter >= 720 - elapsed, `retry-after ${retryAfter}, ${elapsed} s elapsed`);
  assertRateLimited(
    denied,
    `Rate limit exceeded: this account may make 5 requests per hour; retry in ${retryAfter} seconds`,
  );
});

test("concurrent requests: exactly the limit succeed", async () => {
  const key = await keyWith({ perMinute: null, perHour: 20 });
  const results = await Promise.all(Array.from({ length: 40 }, () => list(key)));
  const statuses = results.map((r) => r.status);
  assert.equal(statuses.filter((s) => s === 200).length, 20);
  assert.equal(statuses.filter((s) => s === 429).length, 20);
  const remaining = results.filter((r) => r.status === 200).map((r) => Number(r.headers.get("x-ratelimit-remaining")));
  assert.deepEqual(remaining.sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i));
});

test("headers are present and consistent on 2xx, 4xx and 429 responses", async () => {
  const key = await keyWith({ perMinute: 3, perHour: 1000 });
  const start = Math.floor(Date.now() / 1000);
  const responses = [
    await list(key),
    await worker.api("GET", "/v1/links/no-such-link", { key }),
    await worker.api("POST", "/v1/links", { key, body: { url: "ftp://x" } }),
    await list(key),
  ];
  assert.deepEqual(responses.map((r) => r.status), [200, 404, 400, 429]);
  responses.forEach((res, i) => {
    // The 429 charged nothing: it reads like the request before it.
    const charged = Math.min(i, 2) + 1;
    const remaining = 3 - charged;
    for (const name of RATE_HEADERS) assert.ok(res.headers.get(name), `${name} on response ${i}`);
    assert.equal(res.headers.get("x-ratelimit-limit"), "3");
    assert.equal(res.headers.get("x-ratelimit-remaining"), String(remaining));
    assert.equal(res.headers.get("ratelimit-policy"), '"minute";q=3;w=60, "hour";q=1000;w=3600');
    const [, r, t] = res.headers.get("ratelimit").match(/^"minute";r=(\d+);t=(\d+)$/);
    assert.equal(Number(r), remaining);
    // Each request takes 20 s to drain: the window is full again in charged·20 s.
    assert.ok(Number(t) > 20 * (charged - 1) && Number(t) <= 20 * charged, `t=${t}`);
    const reset = Number(res.headers.get("x-ratelimit-reset"));
    assert.ok(Math.abs(reset - (start + Number(t))) <= 2, `reset ${reset} vs now+t ${start + Number(t)}`);
    const exposed = res.headers.get("access-control-expose-headers");
    for (const name of [...RATE_HEADERS, "retry-after"]) assert.ok(exposed.toLowerCase().includes(name), name);
  });
  assert.equal(responses[2].json.error.code, "validation_error");
  // One request's drain, 20 s, less the little time the test took.
  assert.match(responses[3].headers.get("retry-after"), /^(19|20)$/);
  assert.equal(responses[0].headers.get("retry-after"), null);
});

test("Retry-After is whole seconds and the request succeeds after waiting that long", async () => {
  const key = await keyWith({ perMinute: 6 });
  for (let i = 0; i < 6; i++) assert.equal((await list(key)).status, 200);
  const denied = await list(key);
  assertRateLimited(denied, "Rate limit exceeded: this account may make 6 requests per minute; retry in 10 seconds");
  const retryAfter = denied.headers.get("retry-after");
  assert.match(retryAfter, /^\d+$/);
  await sleep(Number(retryAfter) * 1000);
  const res = await list(key);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("x-ratelimit-remaining"), "0");
});

test("one account's exhaustion limits every key of that account and no other account", async () => {
  const { key } = await worker.account("Busy", "pro", { limits: { perHour: 2 } });
  const other = await keyWith({ perHour: 2 });
  const second = await worker.api("POST", "/v1/api-keys", { key, body: { name: "second" } });
  assert.equal(second.status, 201);
  // Creating the second key was the account's first request.
  assert.equal((await list(key)).status, 200);
  assert.equal((await list(key)).status, 429);
  assert.equal((await list(second.json.key)).status, 429);
  const res = await list(other);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("x-ratelimit-remaining"), "1");
});

test("a changed plan limit applies on the very next request", async () => {
  const { account, key } = await worker.account("Upgrader", "free", { limits: { perHour: 1 } });
  assert.equal((await list(key)).status, 200);
  assert.equal((await list(key)).status, 429);
  const patched = await worker.api("PATCH", `/v1/admin/accounts/${account.id}`, {
    key: "test-admin-token-0123456789",
    body: { limits: { perHour: 3 } },
  });
  assert.equal(patched.status, 200);
  const res = await list(key);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("x-ratelimit-limit"), "3");
  assert.equal(res.headers.get("x-ratelimit-remaining"), "1");
});

test("an account with every window unlimited is never refused and gets no rate-limit headers", async () => {
  const key = await keyWith({ perMinute: null, perHour: null }, "enterprise");
  for (let i = 0; i < 3; i++) {
    const res = await list(key);
    assert.equal(res.status, 200);
    for (const name of RATE_HEADERS) assert.equal(res.headers.get(name), null, name);
  }
});

test("unauthenticated requests carry no rate-limit headers", async () => {
  const res = await worker.api("GET", "/v1/links", { key: "sl_live_00000000000000000000000000000000" });
  assert.equal(res.status, 401);
  for (const name of RATE_HEADERS) assert.equal(res.headers.get(name), null, name);
});

test("when the limiter cannot be reached, requests are served (fail open), never 500", async () => {
  // The same build, started without the RATE_LIMITER binding: the worker's
  // call to the Durable Object fails for real.
  const broken = await startWorker({ withoutDurableObjects: ["RATE_LIMITER"] });
  try {
    const { key } = await broken.account("Open", "free", { limits: { perHour: 1 } });
    for (let i = 0; i < 3; i++) {
      const res = await broken.api("GET", "/v1/links", { key });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.headers.get("x-ratelimit-limit"), null);
    }
    const created = await broken.api("POST", "/v1/links", { key, body: { url: "https://example.com/" } });
    assert.equal(created.status, 201);
  } finally {
    await broken.dispose();
  }
});
