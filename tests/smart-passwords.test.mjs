// Password-protected links: the visitor's form (CSRF-guarded, rate-limited
// per link), X-Link-Password for API clients, and the hash kept in D1/KV.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { pbkdf2Sync } from "node:crypto";
import { startWorker } from "./support/worker.mjs";
import { inOneWindow, ATTEMPT_WINDOW } from "./support/windows.mjs";

const IPHONE =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1";
const DESKTOP =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36";
const COOKIE = "__Host-sl_form";

let worker, key;
before(async () => {
  worker = await startWorker();
  ({ key } = await worker.account("Secrets", "pro"));
});
after(() => worker?.dispose());

async function create(body) {
  const res = await worker.api("POST", "/v1/links", { key, body });
  assert.equal(res.status, 201, res.text);
  return res.json;
}

/** GETs the form and returns its CSRF token (cookie and hidden field agree). */
async function formToken(path, ua = DESKTOP) {
  const res = await worker.fetch(path, { headers: { "User-Agent": ua, Accept: "text/html" } });
  assert.equal(res.status, 200, res.text);
  const cookie = res.headers.get("set-cookie").match(new RegExp(`${COOKIE}=([^;]+)`))[1];
  const field = res.text.match(/name="csrf" value="([^"]+)"/)[1];
  assert.equal(cookie, field);
  return cookie;
}

function post(path, { password, csrf, cookie = csrf, ua = DESKTOP, headers = {} }) {
  const body = new URLSearchParams({ password, csrf }).toString();
  return worker.fetch(path, {
    method: "POST",
    body,
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      "User-Agent": ua,
      Cookie: `${COOKIE}=${cookie}`,
      Origin: "http://short.test",
      "Sec-Fetch-Site": "same-origin",
      ...headers,
    },
  });
}

test("a protected link shows the password form with security headers and a CSRF cookie", async () => {
  await create({ url: "https://example.com/secret", slug: "locked", password: "open sesame" });
  const res = await worker.fetch("/locked?ref=x", { headers: { Accept: "text/html" } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("location"), null);
  assert.match(res.headers.get("content-type"), /^text\/html/);
  assert.match(res.text, /<form method="post" action="\/locked\?ref=x">/);
  assert.match(res.text, /type="password" name="password"/);
  assert.match(res.headers.get("content-security-policy"), /form-action 'self'/);
  assert.equal(res.headers.get("x-frame-options"), "DENY");
  assert.equal(res.headers.get("x-content-type-options"), "nosniff");
  assert.equal(res.headers.get("referrer-policy"), "same-origin");
  assert.equal(res.headers.get("cache-control"), "no-store");
  assert.match(res.headers.get("set-cookie"), /^__Host-sl_form=[0-9A-Za-z]{24}; Path=\/; Secure; HttpOnly; SameSite=Strict/);
  assert.doesNotMatch(res.text, /example\.com\/secret/);
});

test("the right password posted with the form gets a 303 to the destination, query forwarded", async () => {
  await create({ url: "https://example.com/secret", slug: "locked-ok", password: "open sesame", redirectType: 301 });
  const csrf = await formToken("/locked-ok");
  const res = await post("/locked-ok?ref=x", { password: "open sesame", csrf });
  assert.equal(res.status, 303);
  assert.equal(res.headers.get("location"), "https://example.com/secret?ref=x");
});

test("a wrong password shows the form again with an error", async () => {
  await create({ url: "https://example.com/secret", slug: "locked-wrong", password: "open sesame" });
  const csrf = await formToken("/locked-wrong");
  const res = await post("/locked-wrong", { password: "guess", csrf });
  assert.equal(res.status, 403);
  assert.match(res.text, /Wrong password/);
  assert.match(res.text, /<form method="post"/);
  assert.equal(res.headers.get("location"), null);
});

test("password + device target: the right password sends an iPhone to the ios target", async () => {
  await create({
    url: "https://example.com/web", slug: "locked-app", password: "pw",
    ios: "https://apps.apple.com/app/id1", utm: { source: "qr" },
  });
  const shown = await worker.fetch("/locked-app", { headers: { "User-Agent": IPHONE, Accept: "text/html" } });
  assert.equal(shown.status, 200);
  assert.match(shown.text, /Password required/);
  const csrf = await formToken("/locked-app", IPHONE);
  const res = await post("/locked-app", { password: "pw", csrf, ua: IPHONE });
  assert.equal(res.status, 303);
  assert.equal(res.headers.get("location"), "https://apps.apple.com/app/id1?utm_source=qr");
});

test("a post without the matching CSRF cookie is refused", async () => {
  await create({ url: "https://example.com/secret", slug: "locked-csrf", password: "pw" });
  const csrf = await formToken("/locked-csrf");
  const res = await post("/locked-csrf", { password: "pw", csrf, cookie: "somethingelse" });
  assert.equal(res.status, 403);
  assert.match(res.text, /expired/);
});

test("a cross-site post is refused even with a valid token", async () => {
  await create({ url: "https://example.com/secret", slug: "locked-xsite", password: "pw" });
  const csrf = await formToken("/locked-xsite");
  const res = await post("/locked-xsite", {
    password: "pw", csrf, headers: { "Sec-Fetch-Site": "cross-site", Origin: "https://evil.example" },
  });
  assert.equal(res.status, 403);
  assert.equal(res.headers.get("location"), null);
});

test("after 10 wrong passwords the link answers 429 with Retry-After, even to the right one", async () => {
  await inOneWindow(ATTEMPT_WINDOW);
  await create({ url: "https://example.com/secret", slug: "locked-limit", password: "right" });
  const csrf = await formToken("/locked-limit");
  for (let i = 0; i < 10; i++) {
    assert.equal((await post("/locked-limit", { password: `wrong${i}`, csrf })).status, 403);
  }
  const res = await post("/locked-limit", { password: "right", csrf });
  assert.equal(res.status, 429);
  assert.match(res.text, /Too many wrong passwords/);
  const retry = Number(res.headers.get("retry-after"));
  assert.ok(retry > 0 && retry <= 900, `Retry-After ${retry}`);
  const api = await worker.fetch("/locked-limit", { headers: { "X-Link-Password": "right", Accept: "application/json" } });
  assert.equal(api.status, 429);
  assert.equal(api.json.error.code, "rate_limited");
});

test("the limit is per link: another link's form still works", async () => {
  await create({ url: "https://example.com/other", slug: "locked-other", password: "right" });
  const csrf = await formToken("/locked-other");
  assert.equal((await post("/locked-other", { password: "right", csrf })).status, 303);
});

test("API clients may send X-Link-Password and get the link's redirect", async () => {
  await create({ url: "https://example.com/secret", slug: "locked-api", password: "pw", redirectType: 307 });
  const res = await worker.fetch("/locked-api", { headers: { "X-Link-Password": "pw" } });
  assert.equal(res.status, 307);
  assert.equal(res.headers.get("location"), "https://example.com/secret");
});

test("API clients get 401 password_required without it and 403 wrong_password with a wrong one", async () => {
  await create({ url: "https://example.com/secret", slug: "locked-api2", password: "pw" });
  const missing = await worker.fetch("/locked-api2", { headers: { Accept: "application/json" } });
  assert.equal(missing.status, 401);
  assert.equal(missing.json.error.code, "password_required");
  const wrong = await worker.fetch("/locked-api2", { headers: { Accept: "application/json", "X-Link-Password": "nope" } });
  assert.equal(wrong.status, 403);
  assert.equal(wrong.json.error.code, "wrong_password");
});

test("an expired protected link answers 410 without asking for the password", async () => {
  await create({ url: "https://example.com/secret", slug: "locked-exp", password: "pw", expiresAt: "2020-01-01T00:00:00Z" });
  assert.equal((await worker.fetch("/locked-exp")).status, 410);
});

test("the password is stored as a salted PBKDF2-SHA256 hash (100,000 iterations) and never returned", async () => {
  const a = await create({ url: "https://example.com/secret", slug: "hash-a", password: "same" });
  await create({ url: "https://example.com/secret", slug: "hash-b", password: "same" });
  const rows = await (await worker.d1())
    .prepare("SELECT slug, password_hash FROM links WHERE slug IN ('hash-a', 'hash-b') ORDER BY slug")
    .all();
  const [ha, hb] = rows.results.map((r) => r.password_hash);
  assert.match(ha, /^pbkdf2-sha256\$100000\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
  // An independent PBKDF2 (Node's) derives the same hash from the salt.
  const [, , salt, hash] = ha.split("$");
  const derived = pbkdf2Sync("same", Buffer.from(salt, "base64"), 100000, 32, "sha256");
  assert.equal(derived.toString("base64").replace(/=+$/, ""), hash);
  assert.notEqual(ha, hb);
  const kv = JSON.parse(await (await worker.kv()).get("hash-a"));
  assert.equal(kv.p, ha);
  assert.ok(!JSON.stringify(a).includes("same"));
  const list = await worker.api("GET", "/v1/links", { key });
  assert.ok(!list.text.includes("pbkdf2"));
});

test("PATCHing the password to null opens the link at once; setting one locks it", async () => {
  await create({ url: "https://example.com/secret", slug: "locked-patch", password: "pw" });
  let res = await worker.api("PATCH", "/v1/links/locked-patch", { key, body: { password: null } });
  assert.equal(res.json.hasPassword, false);
  assert.equal((await worker.fetch("/locked-patch")).status, 302);
  res = await worker.api("PATCH", "/v1/links/locked-patch", { key, body: { password: "new" } });
  assert.equal(res.json.has_password, true);
  assert.equal((await worker.fetch("/locked-patch", { headers: { Accept: "application/json" } })).status, 401);
  assert.equal((await worker.fetch("/locked-patch", { headers: { "X-Link-Password": "new" } })).status, 302);
});

test("the inspect page of a protected link hides where it goes", async () => {
  await create({ url: "https://example.com/hidden", slug: "locked-look", password: "pw", ios: "https://apps.apple.com/h" });
  const html = await worker.fetch("/locked-look+", { headers: { Accept: "text/html" } });
  assert.equal(html.status, 200);
  assert.doesNotMatch(html.text, /example\.com\/hidden|apps\.apple\.com/);
  const json = await worker.fetch("/locked-look+", { headers: { Accept: "application/json" } });
  assert.equal(json.json.url, null);
  assert.equal(json.json.ios, null);
  assert.equal(json.json.hasPassword, true);
});

test("POST to a link without a password is 405", async () => {
  await create({ url: "https://example.com/open", slug: "open-post" });
  const res = await worker.fetch("/open-post", { method: "POST" });
  assert.equal(res.status, 405);
  assert.equal(res.headers.get("allow"), "GET, HEAD");
});
