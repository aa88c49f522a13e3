// Issue 16, finding 4 (Medium): the password guess limit could be raced
// (150 concurrent wrong guesses, 107 verified), bypassed (another Host, or
// workers.dev) and turned against real visitors (a stranger's ten wrong
// guesses locked everyone out). Now: an AttemptCounter Durable Object per
// link counts each guess before it is verified, per client (a salted hash
// of the address) and per link; hashes are PBKDF2 through WebCrypto.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { pbkdf2Sync, randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { startWorker } from "./support/worker.mjs";
import { inOneWindow, ATTEMPT_WINDOW } from "./support/windows.mjs";

let worker, key;
before(async () => {
  worker = await startWorker();
  ({ key } = await worker.account("Guarded", "pro", { limits: { perMinute: null, perHour: null } }));
});
after(() => worker?.dispose());

async function protect(slug, password = "right horse") {
  const res = await worker.api("POST", "/v1/links", { key, body: { url: `https://example.com/${slug}`, slug, password } });
  assert.equal(res.status, 201, res.text);
  return res.json;
}

/**
 * One guess with X-Link-Password, from `ip` (CF-Connecting-IP) and `host`.
 * Each test guesses from its own addresses: the per-client form limit
 * (PASSWORD_FORMS, 30 a minute) spans links.
 */
function guess(slug, password, { ip, host = "short.test" }) {
  return worker.fetch(`http://${host}/${slug}`, {
    headers: { "X-Link-Password": password, Accept: "application/json", "CF-Connecting-IP": ip },
  });
}

const count = (results, status) => results.filter((r) => r.status === status).length;

test("150 concurrent wrong guesses from one client: exactly 10 are verified, the rest refused unverified", async () => {
  await inOneWindow(ATTEMPT_WINDOW);
  await protect("raced");
  const results = await Promise.all(Array.from({ length: 150 }, (_, i) => guess("raced", `wrong-${i}`, { ip: "203.0.113.1" })));
  assert.equal(count(results, 403), 10, "verified (and wrong)");
  assert.equal(count(results, 429), 140, "refused before verifying");
  for (const r of results.filter((r) => r.status === 429)) {
    assert.equal(r.json.error.code, "rate_limited");
    const retry = Number(r.headers.get("retry-after"));
    assert.ok(retry > 0 && retry <= 900, `Retry-After ${retry}`);
  }
});

test("another Host header gets no fresh budget", async () => {
  await inOneWindow(ATTEMPT_WINDOW);
  await protect("any-host");
  const ip = "203.0.113.2";
  for (let i = 0; i < 10; i++) assert.equal((await guess("any-host", `w${i}`, { ip })).status, 403);
  for (const host of ["short.test", "other.test", "smartlinks.example.workers.dev"]) {
    assert.equal((await guess("any-host", "w", { ip, host })).status, 429, host);
  }
});

test("a stranger's wrong guesses lock out only the stranger: the right password still works for others", async () => {
  await inOneWindow(ATTEMPT_WINDOW);
  await protect("shared", "open sesame");
  for (let i = 0; i < 10; i++) assert.equal((await guess("shared", `nope${i}`, { ip: "198.51.100.66" })).status, 403);
  assert.equal((await guess("shared", "open sesame", { ip: "198.51.100.66" })).status, 429, "the stranger is locked");
  const visitor = await worker.fetch("/shared", {
    headers: { "X-Link-Password": "open sesame", "CF-Connecting-IP": "192.0.2.10" },
  });
  assert.equal(visitor.status, 302);
  assert.equal(visitor.headers.get("location"), "https://example.com/shared");
});

test("an IPv6 client is counted by its /64: new addresses in it get no fresh budget", async () => {
  await inOneWindow(ATTEMPT_WINDOW);
  await protect("six");
  for (let i = 0; i < 10; i++) assert.equal((await guess("six", "w", { ip: `2001:db8:1:2::${i + 1}` })).status, 403);
  assert.equal((await guess("six", "w", { ip: "2001:db8:1:2:ffff::1" })).status, 429);
  assert.equal((await guess("six", "w", { ip: "2001:db8:1:3::1" })).status, 403, "another /64");
});

test("guesses spread over many clients stop at the link's ceiling of 100 per window", async () => {
  await inOneWindow(ATTEMPT_WINDOW);
  await protect("botnet");
  const ips = Array.from({ length: 120 }, (_, i) => `198.18.${Math.floor(i / 200)}.${(i % 200) + 1}`);
  const results = await Promise.all(ips.map((ip) => guess("botnet", "wrong", { ip })));
  assert.equal(count(results, 403), 100);
  assert.equal(count(results, 429), 20);
});

test("right passwords do not use up the budget", async () => {
  await protect("regular", "pw");
  for (let i = 0; i < 15; i++) {
    const res = await worker.fetch("/regular", { headers: { "X-Link-Password": "pw", "CF-Connecting-IP": "203.0.113.99" } });
    assert.equal(res.status, 302, `visit ${i + 1}`);
  }
});

test("new hashes are PBKDF2-SHA256 at 100,000 iterations, as an independent PBKDF2 derives them", async () => {
  const link = await protect("hashed", "correct horse");
  const row = await (await worker.d1()).prepare("SELECT password_hash FROM links WHERE id = ?").bind(link.id).first();
  const [scheme, iterations, salt, hash] = row.password_hash.split("$");
  assert.deepEqual([scheme, iterations], ["pbkdf2-sha256", "100000"]);
  const derived = pbkdf2Sync("correct horse", Buffer.from(salt, "base64"), 100000, 32, "sha256");
  assert.equal(derived.toString("base64").replace(/=+$/, ""), hash);
});

test("an old 10,000-iteration hash still verifies, and is replaced at 100,000 on that visit", async () => {
  const link = await protect("legacy", "placeholder");
  const salt = randomBytes(16);
  const b64 = (b) => b.toString("base64").replace(/=+$/, "");
  const old = `pbkdf2-sha256$10000$${b64(salt)}$${b64(pbkdf2Sync("old secret", salt, 10000, 32, "sha256"))}`;
  const db = await worker.d1();
  await db.prepare("UPDATE links SET password_hash = ? WHERE id = ?").bind(old, link.id).run();
  const kv = await worker.kv();
  const record = JSON.parse(await kv.get("legacy"));
  await kv.put("legacy", JSON.stringify({ ...record, p: old }), { metadata: { id: link.id, v: 1 } });
  assert.equal((await guess("legacy", "placeholder", { ip: "203.0.113.3" })).status, 403);
  const res = await worker.fetch("/legacy", { headers: { "X-Link-Password": "old secret" } });
  assert.equal(res.status, 302);
  let stored;
  for (let i = 0; i < 50; i++) {
    stored = (await db.prepare("SELECT password_hash FROM links WHERE id = ?").bind(link.id).first()).password_hash;
    if (stored !== old) break;
    await sleep(100);
  }
  assert.match(stored, /^pbkdf2-sha256\$100000\$/);
  assert.equal(JSON.parse(await kv.get("legacy")).p, stored);
  assert.equal((await worker.fetch("/legacy", { headers: { "X-Link-Password": "old secret" } })).status, 302);
  // The hash is the server's business, not a change a client sees.
  assert.equal((await worker.api("GET", `/v1/links/${link.id}`, { key })).json.version, 1);
});

test("without its attempt counter no password is verified: 503, never an unlimited guess", async () => {
  const broken = await startWorker({ withoutDurableObjects: ["ATTEMPT_COUNTER"] });
  try {
    const { key: k } = await broken.account("Broken", "pro");
    await broken.api("POST", "/v1/links", { key: k, body: { url: "https://example.com/x", slug: "uncounted", password: "pw" } });
    const res = await broken.fetch("/uncounted", { headers: { "X-Link-Password": "pw", Accept: "application/json" } });
    assert.equal(res.status, 503);
    assert.equal(res.headers.get("retry-after"), "5");
    // Links without a password are untouched.
    await broken.api("POST", "/v1/links", { key: k, body: { url: "https://example.com/y", slug: "open" } });
    assert.equal((await broken.fetch("/open")).status, 302);
  } finally {
    await broken.dispose();
  }
});
