// The operator API: accounts (create, list, read, change, suspend, delete)
// and reissuing a key.
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

const BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36";
const admin = (method, path, body) => worker.api(method, path, { key: ADMIN_TOKEN, body });

async function link(key, slug) {
  const res = await worker.api("POST", "/v1/links", { key, body: { url: `https://example.com/${slug}`, slug } });
  assert.equal(res.status, 201, res.text);
  return res.json;
}

test("GET /v1/admin/accounts lists accounts oldest first, a page at a time, with their usage", async () => {
  const first = await worker.account("Lister One", "free");
  const second = await worker.account("Lister Two", "pro");
  const third = await worker.account("Lister Three", "business");
  await link(second.key, "lister-link");
  const page1 = await admin("GET", "/v1/admin/accounts?search=lister&pageSize=2");
  assert.equal(page1.status, 200);
  assert.deepEqual(
    { total: page1.json.total, page: page1.json.page, limit: page1.json.limit, pageSize: page1.json.pageSize, totalPages: page1.json.totalPages },
    { total: 3, page: 1, limit: 2, pageSize: 2, totalPages: 2 },
  );
  assert.deepEqual(page1.json.accounts, [
    { ...first.account, usage: { links: 0, apiKeys: 1 } },
    { ...second.account, usage: { links: 1, apiKeys: 1 } },
  ]);
  const page2 = await admin("GET", "/v1/admin/accounts?search=LISTER&page=2&limit=2");
  assert.deepEqual(page2.json.accounts, [{ ...third.account, usage: { links: 0, apiKeys: 1 } }]);
});

test("the account listing filters by plan, state and id", async () => {
  const { account } = await worker.account("Filtered", "enterprise");
  const byPlan = await admin("GET", "/v1/admin/accounts?plan=enterprise&search=filtered");
  assert.deepEqual(byPlan.json.accounts.map((a) => a.id), [account.id]);
  const byId = await admin("GET", `/v1/admin/accounts?search=${account.id}`);
  assert.deepEqual(byId.json.accounts.map((a) => a.id), [account.id]);
  await admin("PATCH", `/v1/admin/accounts/${account.id}`, { state: "suspended" });
  const suspended = await admin("GET", "/v1/admin/accounts?state=suspended&search=filtered");
  assert.deepEqual(suspended.json.accounts.map((a) => [a.id, a.state]), [[account.id, "suspended"]]);
  const active = await admin("GET", "/v1/admin/accounts?state=active&search=filtered");
  assert.equal(active.json.total, 0);
});

test("invalid listing parameters answer 400 naming them", async () => {
  for (const [query, field] of [["plan=gold", "plan"], ["state=closed", "state"], ["pageSize=101", "pageSize"], ["page=0", "page"]]) {
    const res = await admin("GET", `/v1/admin/accounts?${query}`);
    assert.equal(res.status, 400, query);
    assert.equal(res.json.error.field, field);
  }
});

test("GET /v1/admin/accounts/{id} shows the account and its usage", async () => {
  const { account, key } = await worker.account("Reader", "pro");
  await link(key, "reader-1");
  await link(key, "reader-2");
  await worker.api("POST", "/v1/api-keys", { key, body: { name: "second" } });
  const res = await admin("GET", `/v1/admin/accounts/${account.id}`);
  assert.equal(res.status, 200);
  assert.deepEqual(res.json, { account: { ...account, state: "active", usage: { links: 2, apiKeys: 2 } } });
  const missing = await admin("GET", "/v1/admin/accounts/acct_000000000000");
  assert.equal(missing.status, 404);
  assert.equal(missing.json.error.code, "not_found");
});

test("a new account is active", async () => {
  const { account } = await worker.account("Fresh");
  assert.equal(account.state, "active");
});

test("a suspended account's keys answer 403 forbidden saying so, until it is resumed", async () => {
  const { account, key } = await worker.account("Suspendable", "pro");
  const suspended = await admin("PATCH", `/v1/admin/accounts/${account.id}`, { state: "suspended" });
  assert.equal(suspended.status, 200);
  assert.equal(suspended.json.account.state, "suspended");
  for (const [method, path] of [["GET", "/v1/links"], ["GET", "/v1/account"], ["POST", "/v1/links"]]) {
    const res = await worker.api(method, path, { key, body: method === "POST" ? { url: "https://example.com/x" } : undefined });
    assert.equal(res.status, 403, `${method} ${path}`);
    assert.deepEqual(res.json, {
      error: {
        code: "forbidden",
        message: "this API key's account is suspended; its keys are refused until the operator resumes it",
      },
    });
    assert.equal(res.headers.get("x-ratelimit-limit"), null, "a refused key costs no rate limit");
  }
  const resumed = await admin("PATCH", `/v1/admin/accounts/${account.id}`, { state: "active" });
  assert.equal(resumed.json.account.state, "active");
  assert.equal((await worker.api("GET", "/v1/links", { key })).status, 200);
});

test("a suspended account's links keep redirecting and counting clicks", async () => {
  const { account, key } = await worker.account("Billing Hold", "pro");
  const created = await link(key, "still-works");
  await admin("PATCH", `/v1/admin/accounts/${account.id}`, { state: "suspended" });
  const res = await worker.fetch("/still-works", { headers: { "User-Agent": BROWSER } });
  assert.equal(res.status, 302);
  assert.equal(res.headers.get("location"), "https://example.com/still-works");
  const deadline = Date.now() + 10_000;
  let clicks = 0;
  while (clicks !== 1 && Date.now() < deadline) {
    const report = await worker.clickReport(created.id);
    clicks = report.counts.filter((c) => c.dimension === "clicks").reduce((sum, c) => sum + c.count, 0);
    if (clicks !== 1) await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(clicks, 1);
});

test("a PATCH to an unknown state answers 400 naming state", async () => {
  const { account } = await worker.account("Stateful");
  const res = await admin("PATCH", `/v1/admin/accounts/${account.id}`, { state: "deleted" });
  assert.equal(res.status, 400);
  assert.equal(res.json.error.field, "state");
});

test("POST /v1/admin/accounts/{id}/keys issues a new key with every scope, shown once", async () => {
  const { account, key } = await worker.account("Lost Key", "pro");
  const res = await admin("POST", `/v1/admin/accounts/${account.id}/keys`, { name: "Laptop" });
  assert.equal(res.status, 201);
  const { apiKey, revokedKeys } = res.json;
  assert.equal(revokedKeys, 0);
  assert.equal(apiKey.name, "Laptop");
  assert.match(apiKey.key, /^sl_live_[0-9A-Za-z]{32}$/);
  assert.deepEqual(apiKey.scopes, ["links:read", "links:write", "analytics:read", "qr:write", "keys:manage"]);
  assert.equal((await worker.api("GET", "/v1/links", { key: apiKey.key })).status, 200);
  assert.equal((await worker.api("GET", "/v1/links", { key })).status, 200, "the other key still works");
  const listed = await worker.api("GET", "/v1/api-keys", { key: apiKey.key });
  assert.ok(!listed.text.includes(apiKey.key), "the secret is never shown again");
});

test("reissuing with revokeOthers revokes every other key of the account", async () => {
  const { account, key } = await worker.account("Leaked", "pro");
  const second = await worker.api("POST", "/v1/api-keys", { key, body: { name: "ci" } });
  const other = await worker.account("Bystander", "pro");
  const res = await admin("POST", `/v1/admin/accounts/${account.id}/keys`, { revokeOthers: true });
  assert.equal(res.status, 201);
  assert.equal(res.json.revokedKeys, 2);
  assert.equal(res.json.apiKey.name, "Reissued key");
  for (const old of [key, second.json.key]) assert.equal((await worker.api("GET", "/v1/links", { key: old })).status, 401);
  assert.equal((await worker.api("GET", "/v1/links", { key: res.json.apiKey.key })).status, 200);
  assert.equal((await worker.api("GET", "/v1/links", { key: other.key })).status, 200, "other accounts' keys are untouched");
});

test("reissuing past the plan's key limit answers 403 plan_limit unless revokeOthers", async () => {
  const { account, key } = await worker.account("Free Tier", "free");
  const res = await admin("POST", `/v1/admin/accounts/${account.id}/keys`, {});
  assert.equal(res.status, 403);
  assert.equal(res.json.error.code, "plan_limit");
  assert.match(res.json.error.message, /revokeOthers/);
  const replaced = await admin("POST", `/v1/admin/accounts/${account.id}/keys`, { revokeOthers: true });
  assert.equal(replaced.status, 201);
  assert.equal((await worker.api("GET", "/v1/links", { key })).status, 401);
});

test("reissuing for an unknown account answers 404, and unknown fields 400", async () => {
  assert.equal((await admin("POST", "/v1/admin/accounts/acct_000000000000/keys", {})).status, 404);
  const { account } = await worker.account("Typo");
  const res = await admin("POST", `/v1/admin/accounts/${account.id}/keys`, { revoke_others: true });
  assert.equal(res.status, 400);
  assert.equal(res.json.error.field, "revoke_others");
});

test("DELETE /v1/admin/accounts/{id} deletes its links, their redirects and clicks, its keys and itself", async () => {
  const { account, key } = await worker.account("Doomed Inc", "pro");
  const kept = await worker.account("Neighbour", "pro");
  const doomed = await link(key, "doomed-account-link");
  const tagged = await worker.api("POST", "/v1/links", { key, body: { url: "https://example.com/t", slug: "doomed-tagged", tags: ["x"] } });
  const neighbour = await link(kept.key, "neighbour-link");
  await worker.fetch("/doomed-account-link", { headers: { "User-Agent": BROWSER } });
  const deadline = Date.now() + 10_000;
  while ((await worker.clickReport(doomed.id)).counts.length === 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.notDeepEqual((await worker.clickReport(doomed.id)).counts, []);

  const res = await admin("DELETE", `/v1/admin/accounts/${account.id}`);
  assert.equal(res.status, 200);
  assert.deepEqual(res.json, { message: "Account deleted successfully" });

  assert.equal((await worker.fetch("/doomed-account-link")).status, 404);
  assert.equal((await worker.fetch("/doomed-tagged")).status, 404);
  assert.equal(await (await worker.kv()).get("doomed-account-link"), null);
  assert.deepEqual((await worker.clickReport(doomed.id)).counts, []);
  assert.equal((await worker.api("GET", "/v1/links", { key })).status, 401);
  const db = await worker.d1();
  for (const [table, column] of [["accounts", "id"], ["api_keys", "account_id"], ["links", "account_id"], ["link_tags", "account_id"]]) {
    const { results } = await db.prepare(`SELECT * FROM ${table} WHERE ${column} = ?`).bind(account.id).all();
    assert.deepEqual(results, [], table);
  }
  assert.equal((await admin("GET", `/v1/admin/accounts/${account.id}`)).status, 404);
  assert.equal((await admin("DELETE", `/v1/admin/accounts/${account.id}`)).status, 404);
  assert.ok(tagged.json.id);
  assert.equal((await worker.fetch("/neighbour-link")).status, 302, "other accounts' links are untouched");
  assert.equal((await worker.api("GET", `/v1/links/${neighbour.id}`, { key: kept.key })).status, 200);
});

test("an account with more links than one DELETE removes answers 202 until the last", async () => {
  const { account, key } = await worker.account("Big", "enterprise", { limits: { perMinute: null, perHour: null } });
  for (let i = 0; i < 101; i++) await link(key, `big-${i}`);
  const first = await admin("DELETE", `/v1/admin/accounts/${account.id}`);
  assert.equal(first.status, 202);
  assert.deepEqual(first.json, { message: "deleted 100 links; 1 remain: repeat the DELETE to go on", remainingLinks: 1 });
  const meanwhile = await admin("GET", `/v1/admin/accounts/${account.id}`);
  assert.equal(meanwhile.json.account.state, "suspended", "nothing can be added while it is deleted");
  assert.deepEqual(meanwhile.json.account.usage, { links: 1, apiKeys: 1 });
  const last = await admin("DELETE", `/v1/admin/accounts/${account.id}`);
  assert.equal(last.status, 200);
  assert.equal((await admin("GET", `/v1/admin/accounts/${account.id}`)).status, 404);
});
