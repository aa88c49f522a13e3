// GET /v1/account and the plan quotas on links (issue 3).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startWorker, ADMIN_TOKEN } from "./support/worker.mjs";

let worker;
before(async () => {
  worker = await startWorker();
});
after(() => worker?.dispose());

const createLink = (key, body = { url: "https://example.com/" }) => worker.api("POST", "/v1/links", { key, body });

function assertPlanLimit(res, message) {
  assert.equal(res.status, 403, res.text);
  assert.equal(res.json.error.code, "plan_limit");
  assert.equal(res.json.error.message, message);
}

test("GET /v1/account shows the plan, its limits, and usage of each", async () => {
  const { account, key } = await worker.account("Reader", "free");
  await createLink(key);
  const res = await worker.api("GET", "/v1/account", { key });
  assert.equal(res.status, 200);
  const body = res.json;
  assert.equal(body.id, account.id);
  assert.equal(body.name, "Reader");
  assert.equal(body.plan, "free");
  assert.equal(body.createdAt, account.createdAt);
  assert.deepEqual(body.limits, { perMinute: 60, perHour: 1000, maxLinks: 25, maxApiKeys: 1 });
  assert.deepEqual(body.usage.links, { used: 1, max: 25, remaining: 24 });
  assert.deepEqual(body.usage.apiKeys, { used: 1, max: 1, remaining: 0 });
  // Two requests so far (the link, this one); the look charged nothing.
  const { perMinute, perHour } = body.usage.requests;
  assert.equal(perMinute.limit, 60);
  assert.equal(perMinute.remaining, 58);
  assert.equal(perHour.limit, 1000);
  assert.equal(perHour.remaining, 998);
  assert.equal(String(perMinute.remaining), res.headers.get("x-ratelimit-remaining"));
  assert.equal(new Date(perMinute.resetAt).getTime(), perMinute.reset * 1000);
  const now = Date.now() / 1000;
  assert.ok(perMinute.reset > now && perMinute.reset <= now + 3, `minute reset ${perMinute.reset}`);
  assert.ok(perHour.reset > now && perHour.reset <= now + 3 * 3.6 + 1, `hour reset ${perHour.reset}`);
  const again = await worker.api("GET", "/v1/account", { key });
  assert.equal(again.json.usage.requests.perMinute.remaining, 57);
});

test("an unlimited window shows null, and an enterprise account can be unlimited throughout", async () => {
  const { account, key } = await worker.account("Big", "enterprise", { limits: { perMinute: null } });
  const res = await worker.api("GET", "/v1/account", { key });
  assert.equal(res.status, 200);
  assert.equal(res.json.id, account.id);
  assert.deepEqual(res.json.limits, { perMinute: null, perHour: null, maxLinks: null, maxApiKeys: null });
  assert.deepEqual(res.json.usage.links, { used: 0, max: null, remaining: null });
  assert.deepEqual(res.json.usage.apiKeys, { used: 1, max: null, remaining: null });
  assert.equal(res.json.usage.requests, null);

  const { key: business } = await worker.account("Biz", "business");
  const biz = (await worker.api("GET", "/v1/account", { key: business })).json;
  assert.equal(biz.usage.requests.perHour, null);
  assert.equal(biz.usage.requests.perMinute.limit, 1000);
});

test("the free plan allows 25 links: the 26th is 403 plan_limit naming plan and limit", async () => {
  const { key } = await worker.account("Free links", "free");
  for (let i = 0; i < 25; i++) assert.equal((await createLink(key)).status, 201, `link ${i + 1}`);
  assertPlanLimit(await createLink(key), "the free plan allows at most 25 links; delete a link or upgrade the plan");
});

test("deleting a link frees its slot", async () => {
  const { key } = await worker.account("Tight", "free", { limits: { maxLinks: 2 } });
  const first = (await createLink(key, { url: "https://example.com/1", slug: "tight-one" })).json;
  assert.equal((await createLink(key)).status, 201);
  // A taken slug would be 409, but the quota answers first.
  assertPlanLimit(await createLink(key, { url: "https://example.com/", slug: "tight-one" }), "the free plan allows at most 2 links; delete a link or upgrade the plan");
  assert.equal((await worker.api("DELETE", `/v1/links/${first.id}`, { key })).status, 200);
  assert.equal((await createLink(key)).status, 201);
  const usage = (await worker.api("GET", "/v1/account", { key })).json.usage.links;
  assert.deepEqual(usage, { used: 2, max: 2, remaining: 0 });
});

test("concurrent link creations never pass the plan's maximum", async () => {
  const { key } = await worker.account("Burst", "free", { limits: { maxLinks: 3 } });
  const results = await Promise.all(Array.from({ length: 12 }, () => createLink(key)));
  assert.equal(results.filter((r) => r.status === 201).length, 3);
  assert.equal(results.filter((r) => r.status === 403).length, 9);
  const list = await worker.api("GET", "/v1/links", { key });
  assert.equal(list.json.total, 3);
});

test("raising an account's link limit lets it create more at once", async () => {
  const { account, key } = await worker.account("Grows", "free", { limits: { maxLinks: 1 } });
  assert.equal((await createLink(key)).status, 201);
  assert.equal((await createLink(key)).status, 403);
  await worker.api("PATCH", `/v1/admin/accounts/${account.id}`, { key: ADMIN_TOKEN, body: { plan: "pro", limits: null } });
  assert.equal((await createLink(key)).status, 201);
  assert.deepEqual((await worker.api("GET", "/v1/account", { key })).json.usage.links, { used: 2, max: null, remaining: null });
});

test("only GET is allowed on /v1/account", async () => {
  const { key } = await worker.account("Methods", "pro");
  const res = await worker.api("POST", "/v1/account", { key, body: {} });
  assert.equal(res.status, 405);
  assert.equal(res.headers.get("allow"), "GET, HEAD");
});
