// Issue 16, finding 2 (Medium): rate limits were per key, so an account
// with three keys got three times its plan's budget, and revoking and
// re-creating a key reset the hourly cap. And (Low) the 429 message named
// the plan even when an operator's override set the limit.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startWorker } from "./support/worker.mjs";

let worker;
before(async () => {
  worker = await startWorker();
});
after(() => worker?.dispose());

const list = (key) => worker.api("GET", "/v1/links", { key });

test("an account with three keys gets its budget once, not three times", async () => {
  const { key } = await worker.account("Three keys", "pro", { limits: { perMinute: null, perHour: 9 } });
  const keys = [key];
  for (const name of ["second", "third"]) {
    const res = await worker.api("POST", "/v1/api-keys", { key, body: { name } });
    assert.equal(res.status, 201);
    keys.push(res.json.key);
  }
  // Two of the nine requests went on creating the keys.
  const statuses = [];
  for (let i = 0; i < 12; i++) statuses.push((await list(keys[i % 3])).status);
  assert.deepEqual(statuses, [...Array(7).fill(200), ...Array(5).fill(429)]);
  const denied = await list(keys[2]);
  assert.equal(denied.json.error.code, "rate_limited");
  assert.equal(denied.headers.get("x-ratelimit-limit"), "9");
  assert.equal(denied.headers.get("x-ratelimit-remaining"), "0");
});

test("concurrent requests over all of an account's keys admit exactly the budget", async () => {
  const { key } = await worker.account("Parallel keys", "pro", { limits: { perMinute: null, perHour: 12 } });
  const second = (await worker.api("POST", "/v1/api-keys", { key, body: { name: "second" } })).json.key;
  const results = await Promise.all(Array.from({ length: 30 }, (_, i) => list(i % 2 ? key : second)));
  assert.equal(results.filter((r) => r.status === 200).length, 11);
  assert.equal(results.filter((r) => r.status === 429).length, 19);
});

test("revoking and re-creating a key does not reset the account's hourly cap", async () => {
  const { key } = await worker.account("Key cycler", "pro", { limits: { perMinute: null, perHour: 4 } });
  const spare = await worker.api("POST", "/v1/api-keys", { key, body: { name: "spare" } });
  assert.equal((await list(spare.json.key)).status, 200);
  assert.equal((await worker.api("DELETE", `/v1/api-keys/${spare.json.id}`, { key })).status, 200);
  const fresh = await worker.api("POST", "/v1/api-keys", { key, body: { name: "fresh" } });
  assert.equal(fresh.status, 201);
  // Four requests made: the fresh key starts with nothing left.
  const res = await list(fresh.json.key);
  assert.equal(res.status, 429);
  assert.equal(res.headers.get("x-ratelimit-limit"), "4");
});

test("the 429 message is worded from the limit in force, not the plan's name", async () => {
  const { key } = await worker.account("Overridden", "free", { limits: { perMinute: 2, perHour: 1000 } });
  await list(key);
  await list(key);
  const denied = await list(key);
  assert.equal(denied.status, 429);
  assert.match(denied.json.error.message, /^Rate limit exceeded: this account may make 2 requests per minute; retry in \d+ seconds$/);
  assert.doesNotMatch(denied.json.error.message, /plan/);
});
