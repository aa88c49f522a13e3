// API key management (issue 3): /v1/api-keys, quotas by plan, scopes, revocation.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { startWorker } from "./support/worker.mjs";

const ALL_SCOPES = ["links:read", "links:write", "analytics:read", "qr:write", "keys:manage"];

let worker;
before(async () => {
  worker = await startWorker();
});
after(() => worker?.dispose());

const createKey = (key, body = {}) => worker.api("POST", "/v1/api-keys", { key, body });

function assertError(res, status, code, message) {
  assert.equal(res.status, status, res.text);
  assert.equal(res.json.error.code, code);
  if (message !== undefined) assert.equal(res.json.error.message, message);
}

test("POST /v1/api-keys returns the new secret once, with its id, name, prefix, scopes and time", async () => {
  const { key } = await worker.account("Creator", "pro");
  const res = await createKey(key, { name: "CI deploys", scopes: ["links:write", "links:read"] });
  assert.equal(res.status, 201);
  const created = res.json;
  assert.deepEqual(Object.keys(created).sort(), ["createdAt", "id", "key", "name", "prefix", "scopes"]);
  assert.match(created.id, /^key_[0-9A-Za-z]{12}$/);
  assert.match(created.key, /^sl_live_[0-9A-Za-z]{32}$/);
  assert.equal(created.prefix, created.key.slice(8, 16));
  assert.equal(created.name, "CI deploys");
  assert.deepEqual(created.scopes, ["links:read", "links:write"]);
  assert.match(created.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.equal(res.headers.get("location"), `/v1/api-keys/${created.id}`);
  assert.equal((await worker.api("GET", "/v1/links", { key: created.key })).status, 200);
  const shown = await worker.api("GET", `/v1/api-keys/${created.id}`, { key });
  assert.equal(shown.status, 200);
  assert.equal(shown.json.key, undefined);
  assert.ok(!shown.text.includes(created.key));
});

test("a key created without a body has the default name and every scope", async () => {
  const { key } = await worker.account("Defaults", "pro");
  const res = await createKey(key);
  assert.equal(res.status, 201);
  assert.equal(res.json.name, "API key");
  assert.deepEqual(res.json.scopes, ALL_SCOPES);
});

test("GET /v1/api-keys lists every key without secrets, with lastUsedAt and revocation state", async () => {
  const { key, apiKey } = await worker.account("Lister", "pro");
  const second = (await createKey(key, { name: "second" })).json;
  await worker.api("GET", "/v1/links", { key: second.key });
  assert.equal((await worker.api("DELETE", `/v1/api-keys/${second.id}`, { key })).status, 200);
  // last_used_at is written after the response (waitUntil): give it a moment.
  let res;
  for (let i = 0; i < 20; i++) {
    res = await worker.api("GET", "/v1/api-keys", { key });
    if (res.json.apiKeys.every((k) => k.lastUsedAt)) break;
    await sleep(50);
  }
  assert.equal(res.status, 200);
  assert.equal(res.json.total, 2);
  assert.ok(!res.text.includes(key) && !res.text.includes(second.key));
  const [first, revoked] = res.json.apiKeys;
  assert.deepEqual(Object.keys(first).sort(), ["active", "createdAt", "current", "id", "lastUsedAt", "name", "prefix", "revokedAt", "scopes"]);
  assert.equal(first.id, apiKey.id);
  assert.equal(first.name, "Default key");
  assert.equal(first.prefix, apiKey.prefix);
  assert.deepEqual(first.scopes, ALL_SCOPES);
  assert.equal(first.active, true);
  assert.equal(first.current, true);
  assert.equal(first.revokedAt, null);
  assert.match(first.lastUsedAt, /Z$/);
  assert.equal(revoked.id, second.id);
  assert.equal(revoked.active, false);
  assert.equal(revoked.current, false);
  assert.match(revoked.revokedAt, /Z$/);
  assert.match(revoked.lastUsedAt, /Z$/);
});

test("invalid key input answers 400 naming the field", async () => {
  const { key } = await worker.account("Validator", "pro");
  const cases = [
    [{ name: "" }, "name"],
    [{ name: "x".repeat(101) }, "name"],
    [{ scopes: "links:read" }, "scopes"],
    [{ scopes: [] }, "scopes"],
    [{ scopes: ["links:admin"] }, "scopes"],
    [{ scope: ["links:read"] }, "scope"],
  ];
  for (const [body, field] of cases) {
    const res = await createKey(key, body);
    assertError(res, 400, "validation_error");
    assert.equal(res.json.error.field, field, JSON.stringify(body));
  }
});

test("a revoked key answers 401 on its very next request", async () => {
  const { key } = await worker.account("Revoker", "pro");
  const doomed = (await createKey(key)).json;
  assert.equal((await worker.api("GET", "/v1/links", { key: doomed.key })).status, 200);
  const res = await worker.api("DELETE", `/v1/api-keys/${doomed.id}`, { key });
  assert.equal(res.status, 200);
  assert.equal(res.json.message, "API key revoked");
  assert.equal(res.json.apiKey.id, doomed.id);
  assert.equal(res.json.apiKey.active, false);
  assertError(await worker.api("GET", "/v1/links", { key: doomed.key }), 401, "unauthorized");
  // Revoking again changes nothing and still answers 200.
  assert.equal((await worker.api("DELETE", `/v1/api-keys/${doomed.id}`, { key })).status, 200);
});

test("a key may revoke itself when another stays active", async () => {
  const { key, apiKey } = await worker.account("SelfRevoker", "pro");
  const spare = (await createKey(key)).json;
  assert.equal((await worker.api("DELETE", `/v1/api-keys/${apiKey.id}`, { key })).status, 200);
  assertError(await worker.api("GET", "/v1/api-keys", { key }), 401, "unauthorized");
  assert.equal((await worker.api("GET", "/v1/api-keys", { key: spare.key })).status, 200);
});

test("the account's last active key cannot be revoked", async () => {
  const { key, apiKey } = await worker.account("Lonely", "pro");
  const res = await worker.api("DELETE", `/v1/api-keys/${apiKey.id}`, { key });
  assertError(
    res,
    400,
    "validation_error",
    `'${apiKey.id}' is this account's last active API key; create another key before revoking this one, or the account would be locked out`,
  );
  assert.equal((await worker.api("GET", "/v1/links", { key })).status, 200);
});

test("another account's key is 404 to read and to revoke", async () => {
  const alice = await worker.account("Alice", "pro");
  const bob = await worker.account("Bob", "pro");
  await createKey(alice.key);
  assertError(await worker.api("GET", `/v1/api-keys/${alice.apiKey.id}`, { key: bob.key }), 404, "not_found");
  assertError(await worker.api("DELETE", `/v1/api-keys/${alice.apiKey.id}`, { key: bob.key }), 404, "not_found");
  assert.equal((await worker.api("GET", "/v1/links", { key: alice.key })).status, 200);
  const list = await worker.api("GET", "/v1/api-keys", { key: bob.key });
  assert.deepEqual(list.json.apiKeys.map((k) => k.id), [bob.apiKey.id]);
});

test("the free plan allows one key: a second is 403 plan_limit", async () => {
  const { key } = await worker.account("Frugal", "free");
  assertError(
    await createKey(key),
    403,
    "plan_limit",
    "the free plan allows at most 1 active API key; revoke a key or upgrade the plan",
  );
});

test("the pro plan allows five active keys; revoking one frees its slot", async () => {
  const { key } = await worker.account("Quota", "pro");
  const made = [];
  for (let i = 0; i < 4; i++) {
    const res = await createKey(key, { name: `k${i}` });
    assert.equal(res.status, 201);
    made.push(res.json);
  }
  assertError(await createKey(key), 403, "plan_limit", "the pro plan allows at most 5 active API keys; revoke a key or upgrade the plan");
  assert.equal((await worker.api("DELETE", `/v1/api-keys/${made[0].id}`, { key })).status, 200);
  assert.equal((await createKey(key)).status, 201);
});

test("concurrent key creations never pass the plan's maximum", async () => {
  const { key } = await worker.account("Racer", "pro");
  const results = await Promise.all(Array.from({ length: 10 }, () => createKey(key)));
  assert.equal(results.filter((r) => r.status === 201).length, 4);
  assert.equal(results.filter((r) => r.status === 403).length, 6);
});

test("a key without a route's scope gets 403 forbidden naming the scope", async () => {
  const { key } = await worker.account("Scoped", "pro");
  const reader = (await createKey(key, { scopes: ["links:read"] })).json;
  assert.equal((await worker.api("GET", "/v1/links", { key: reader.key })).status, 200);
  assertError(
    await worker.api("POST", "/v1/links", { key: reader.key, body: { url: "https://example.com/" } }),
    403,
    "forbidden",
    "this API key lacks the 'links:write' scope this route needs",
  );
  assertError(
    await worker.api("GET", "/v1/api-keys", { key: reader.key }),
    403,
    "forbidden",
    "this API key lacks the 'keys:manage' scope this route needs",
  );
  // Every key may read its own account.
  assert.equal((await worker.api("GET", "/v1/account", { key: reader.key })).status, 200);
});

test("a key cannot create a key with a scope it lacks", async () => {
  const { key } = await worker.account("Escalator", "pro");
  const manager = (await createKey(key, { scopes: ["links:read", "keys:manage"] })).json;
  assertError(
    await createKey(manager.key, { scopes: ["links:write"] }),
    403,
    "forbidden",
    "this API key lacks the 'links:write' scope, so it cannot create a key that has it",
  );
  const res = await createKey(manager.key);
  assert.equal(res.status, 201);
  assert.deepEqual(res.json.scopes, ["links:read", "keys:manage"]);
});

test("wrong methods on key routes answer 405 with Allow", async () => {
  const { key } = await worker.account("Methods", "pro");
  const res = await worker.api("PUT", "/v1/api-keys", { key, body: {} });
  assertError(res, 405, "method_not_allowed");
  assert.equal(res.headers.get("allow"), "GET, HEAD, POST");
  const one = await worker.api("PATCH", "/v1/api-keys/key_000000000000", { key, body: {} });
  assert.equal(one.headers.get("allow"), "GET, HEAD, DELETE");
});
