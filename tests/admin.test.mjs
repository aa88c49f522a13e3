// The operator API: accounts and their first key.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startWorker, ADMIN_TOKEN } from "./support/worker.mjs";

let worker;
before(async () => {
  worker = await startWorker();
});
after(() => worker?.dispose());

test("POST /v1/admin/accounts creates an account and shows its key once", async () => {
  const res = await worker.api("POST", "/v1/admin/accounts", { key: ADMIN_TOKEN, body: { name: "Acme", plan: "business" } });
  assert.equal(res.status, 201);
  const { account, apiKey } = res.json;
  assert.match(account.id, /^acct_[0-9A-Za-z]{12}$/);
  assert.equal(account.name, "Acme");
  assert.equal(account.plan, "business");
  assert.match(account.createdAt, /Z$/);
  assert.deepEqual(account.limits, { perMinute: 1000, perHour: null, maxLinks: null, maxApiKeys: 25 });
  assert.match(apiKey.id, /^key_[0-9A-Za-z]{12}$/);
  assert.match(apiKey.key, /^sl_live_[0-9A-Za-z]{32}$/);
  assert.equal(apiKey.prefix, apiKey.key.slice(8, 16));
  assert.equal(apiKey.name, "Default key");
  assert.deepEqual(apiKey.scopes, ["links:read", "links:write", "analytics:read", "qr:write", "keys:manage"]);
  assert.equal(apiKey.createdAt, account.createdAt);
  const use = await worker.api("GET", "/v1/links", { key: apiKey.key });
  assert.equal(use.status, 200);
});

test("the key is stored hashed, never in clear", async () => {
  const { apiKey } = (await worker.api("POST", "/v1/admin/accounts", { key: ADMIN_TOKEN, body: { name: "Hash" } })).json;
  const rows = await (await worker.d1()).prepare("SELECT * FROM api_keys WHERE id = ?").bind(apiKey.id).all();
  const row = rows.results[0];
  assert.equal(row.prefix, apiKey.prefix);
  assert.match(row.secret_hash, /^[0-9a-f]{64}$/);
  assert.ok(!JSON.stringify(rows.results).includes(apiKey.key));
});

test("a missing or wrong operator token answers 401", async () => {
  for (const key of [undefined, "wrong", ADMIN_TOKEN + "x", ADMIN_TOKEN.slice(0, -1)]) {
    const res = await worker.api("POST", "/v1/admin/accounts", { key, body: { name: "X" } });
    assert.equal(res.status, 401);
    assert.equal(res.json.error.code, "unauthorized");
  }
});

test("an API key is not an operator token", async () => {
  const { key } = await worker.account("Tenant");
  const res = await worker.api("POST", "/v1/admin/accounts", { key, body: { name: "X" } });
  assert.equal(res.status, 401);
});

test("invalid account input answers 400 naming the field", async () => {
  const cases = [
    [{}, "name"],
    [{ name: "A", plan: "platinum" }, "plan"],
    [{ name: "A", limits: { perMinute: -5 } }, "limits.perMinute"],
    [{ name: "A", extra: 1 }, "extra"],
  ];
  for (const [body, field] of cases) {
    const res = await worker.api("POST", "/v1/admin/accounts", { key: ADMIN_TOKEN, body });
    assert.equal(res.status, 400);
    assert.equal(res.json.error.field, field);
  }
});

test("PATCH /v1/admin/accounts/{id} changes plan and limit overrides", async () => {
  const { account } = await worker.account("Grower", "free");
  const res = await worker.api("PATCH", `/v1/admin/accounts/${account.id}`, {
    key: ADMIN_TOKEN,
    body: { plan: "enterprise", limits: { perMinute: 5000, perHour: 100000 } },
  });
  assert.equal(res.status, 200);
  assert.equal(res.json.account.plan, "enterprise");
  assert.deepEqual(res.json.account.limits, { perMinute: 5000, perHour: 100000, maxLinks: null, maxApiKeys: null });
  const cleared = await worker.api("PATCH", `/v1/admin/accounts/${account.id}`, { key: ADMIN_TOKEN, body: { limits: null } });
  assert.deepEqual(cleared.json.account.limits, { perMinute: 1000, perHour: null, maxLinks: null, maxApiKeys: null });
});

test("PATCH of an unknown account answers 404", async () => {
  const res = await worker.api("PATCH", "/v1/admin/accounts/acct_000000000000", { key: ADMIN_TOKEN, body: { plan: "pro" } });
  assert.equal(res.status, 404);
  assert.equal(res.json.error.code, "not_found");
});
