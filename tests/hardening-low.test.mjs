// Issue 16, the Low findings: scope lock-out, loops through other short
// hosts and loopback aliases, SHORT_BASE_URL required in production, the
// visitor's query overriding the link's, ambiguous input (duplicate JSON
// keys, userinfo, bidi controls), per-client limits on public paths, and
// the unreachable slug `qr`.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startWorker, ADMIN_TOKEN } from "./support/worker.mjs";
import { inOneWindow, MINUTE } from "./support/windows.mjs";

let worker, key;
before(async () => {
  worker = await startWorker();
  ({ key } = await worker.account("Careful", "pro", { limits: { perMinute: null, perHour: null, maxApiKeys: 10 } }));
});
after(() => worker?.dispose());

const post = (body, path = "/v1/links", k = key) => worker.api("POST", path, { key: k, body });

/**
 * The Rate Limiting binding counts in fixed windows of a wall-clock minute
 * (Miniflare's as Cloudflare's), so a burst that straddles a minute's end
 * starts a fresh count and is not throttled. The bursts below start with at
 * least 15 s of their minute left.
 */
function assertInvalid(res, field, message) {
  assert.equal(res.status, 400, res.text);
  assert.equal(res.json.error.code, "validation_error");
  assert.equal(res.json.error.field, field);
  if (message) assert.match(res.json.error.message, message);
}

test("scope lock-out: a keys:manage-only key cannot revoke a key with more scopes (403)", async () => {
  const manager = (await post({ name: "manager", scopes: ["keys:manage"] }, "/v1/api-keys")).json;
  const writer = (await post({ name: "writer", scopes: ["links:read", "links:write"] }, "/v1/api-keys")).json;
  const res = await worker.api("DELETE", `/v1/api-keys/${writer.id}`, { key: manager.key });
  assert.equal(res.status, 403);
  assert.equal(res.json.error.code, "forbidden");
  assert.match(res.json.error.message, /lacks the 'links:read' scope that '.*' has/);
  assert.equal((await worker.api("GET", "/v1/links", { key: writer.key })).status, 200, "still active");
  // A key it could have created itself, it may revoke.
  const peer = (await post({ name: "peer", scopes: ["keys:manage"] }, "/v1/api-keys")).json;
  assert.equal((await worker.api("DELETE", `/v1/api-keys/${peer.id}`, { key: manager.key })).status, 200);
});

test("loops: loopback aliases of a local short host are refused", async () => {
  for (const url of ["http://localhost:8831/x", "http://[::ffff:127.0.0.1]:8831/x", "http://127.0.0.2:8831/x", "http://[::1]:8831/x"]) {
    const res = await post({ url }, "http://127.0.0.1:8831/v1/links");
    assertInvalid(res, "url", /short domain 127\.0\.0\.1:8831 itself \(that would loop\)/);
  }
  assert.equal((await post({ url: "http://localhost:8832/x" }, "http://127.0.0.1:8831/v1/links")).status, 201, "another port");
});

test("loops: every configured short host is checked, not only the request's", async () => {
  const configured = await startWorker({ bindings: { SHORT_BASE_URL: "https://sl.example", SHORT_HOSTS: "go.example.com, smartlinks.acme.workers.dev" } });
  try {
    const { key: k } = await configured.account("Hosts", "pro");
    for (const url of ["https://sl.example/a", "https://go.example.com/a", "https://SMARTLINKS.acme.workers.dev./a", "https://short.test/a"]) {
      const res = await configured.api("POST", "/v1/links", { key: k, body: { url } });
      assert.equal(res.status, 400, url);
      assert.equal(res.json.error.field, "url");
    }
  } finally {
    await configured.dispose();
  }
});

test("SHORT_BASE_URL: a Host header never becomes the shortUrl, and a deploy without it refuses to guess", async () => {
  const deployed = await startWorker({ bindings: { SHORT_BASE_URL: "https://sl.example", SHORT_BASE_FROM_REQUEST: "" } });
  try {
    const { key: k } = await deployed.account("Prod", "pro");
    const res = await deployed.fetch("http://evil.example/v1/links", {
      method: "POST",
      headers: { Authorization: `Bearer ${k}`, "Content-Type": "application/json", Host: "evil.example" },
      body: JSON.stringify({ url: "https://example.com/", slug: "hosted" }),
    });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.json.shortUrl, "https://sl.example/hosted");
  } finally {
    await deployed.dispose();
  }
  const unset = await startWorker({ bindings: { SHORT_BASE_URL: "", SHORT_BASE_FROM_REQUEST: "" } });
  try {
    const { key: k } = await unset.account("Unset", "pro");
    const res = await unset.fetch("http://evil.example/v1/links", {
      method: "POST",
      headers: { Authorization: `Bearer ${k}`, "Content-Type": "application/json" },
      body: JSON.stringify({ url: "https://example.com/" }),
    });
    assert.equal(res.status, 500);
    assert.equal(res.json.error.code, "internal_error");
    assert.match(res.json.error.message, /SHORT_BASE_URL is not set/);
    assert.ok(!res.text.includes("evil.example"));
  } finally {
    await unset.dispose();
  }
});

test("the link's query parameters win over the visitor's; the visitor only adds new names", async () => {
  await post({ url: "https://shop.example/checkout?next=/cart&aff=owner", slug: "aff-link", utm: { source: "newsletter" } });
  const res = await worker.fetch("/aff-link?next=https://evil.example&aff=thief&utm_source=spam&ref=tw");
  assert.equal(res.status, 302);
  assert.equal(res.headers.get("location"), "https://shop.example/checkout?next=/cart&aff=owner&utm_source=newsletter&ref=tw");
});

test("a JSON body naming a key twice is 400 naming it, not last-one-wins", async () => {
  const dup = (text) => worker.api("POST", "/v1/links", { key, body: text });
  assertInvalid(await dup('{"url":"https://good.example/","url":"https://evil.example/"}'), "url", /given twice/);
  assertInvalid(await dup('{"url":"https://a.example/","metadata":{"owner":"a","owner":"b"}}'), "metadata.owner");
  assertInvalid(await dup('{"shortCode":"x","shortCode":"y","url":"https://a.example/"}'), "shortCode");
});

test("a destination with a user name or password before the host is 400", async () => {
  for (const [field, body] of [
    ["url", { url: "https://good.com@evil.com/" }],
    ["url", { url: "https://good.com:pw@evil.com/" }],
    ["ios", { url: "https://a.example/", ios: "https://apps.apple.com@evil.com/" }],
  ]) {
    assertInvalid(await post(body), field, /user name or password before the host/);
  }
});

test("bidirectional control characters in titles and metadata strings are 400", async () => {
  assertInvalid(await post({ url: "https://a.example/", title: "Invoice \u202Efdp.exe" }), "title", /bidirectional control/);
  assertInvalid(await post({ url: "https://a.example/", metadata: { note: ["ok", "a\u2066b"] } }), "metadata.note.1");
  assertInvalid(await post({ url: "https://a.example/", metadata: { ["k\u200F"]: 1 } }), "metadata.k\u200F");
  const link = (await post({ url: "https://a.example/", slug: "bidi-patch" })).json;
  assertInvalid(await worker.api("PATCH", `/v1/links/${link.id}`, { key, body: { title: "\u2067x" } }), "title");
  // Right-to-left text itself is fine.
  assert.equal((await post({ url: "https://a.example/", title: "שלום عالم" })).status, 201);
});

test("failed authentication is limited per client (strict): 429 after 10 a minute; valid keys and loopback are not throttled", async () => {
  await inOneWindow(MINUTE);
  const ip = { "CF-Connecting-IP": "198.51.100.7" };
  const bad = (headers = {}) => worker.api("GET", "/v1/links", { key: "sl_live_0000000000000000000000000000000x", headers });
  for (let i = 0; i < 10; i++) assert.equal((await bad(ip)).status, 401, `failure ${i + 1}`);
  const throttled = await bad(ip);
  assert.equal(throttled.status, 429);
  assert.equal(throttled.json.error.code, "rate_limited");
  assert.equal(throttled.headers.get("retry-after"), "60");
  assert.match(throttled.json.error.message, /too many failed authentications from this address/);
  // The operator token shares the budget.
  assert.equal((await worker.api("POST", "/v1/admin/accounts", { key: "wrong", body: {}, headers: ip })).status, 429);
  // A valid key from the same address is served; so is the operator.
  assert.equal((await worker.api("GET", "/v1/links", { key, headers: ip })).status, 200);
  assert.equal((await worker.api("POST", "/v1/admin/reconcile?pages=1", { key: ADMIN_TOKEN, headers: ip })).status, 200);
  // npm start, the tests and the benchmark come from loopback: never throttled.
  for (let i = 0; i < 15; i++) assert.equal((await bad()).status, 401);
});

test("password guesses are limited per client across links (30 a minute)", async () => {
  await inOneWindow(MINUTE);
  for (const slug of ["pf-1", "pf-2", "pf-3", "pf-4"]) await post({ url: "https://a.example/", slug, password: "pw" });
  const guess = (slug) => worker.fetch(`/${slug}`, {
    headers: { "X-Link-Password": "wrong", Accept: "application/json", "CF-Connecting-IP": "198.51.100.8" },
  });
  for (const slug of ["pf-1", "pf-2", "pf-3"]) {
    for (let i = 0; i < 10; i++) assert.equal((await guess(slug)).status, 403);
  }
  const throttled = await guess("pf-4");
  assert.equal(throttled.status, 429);
  assert.equal(throttled.headers.get("retry-after"), "60");
});

test("public QR codes are limited per client (generous, 120 a minute); redirects and inspect pages are not", async () => {
  await inOneWindow(MINUTE);
  await post({ url: "https://a.example/", slug: "busy" });
  const from = { "CF-Connecting-IP": "198.51.100.9" };
  for (let i = 0; i < 120; i++) assert.equal((await worker.fetch("/busy/qr", { headers: from })).status, 200, `QR ${i + 1}`);
  const throttled = await worker.fetch("/busy/qr", { headers: { ...from, Accept: "application/json" } });
  assert.equal(throttled.status, 429);
  assert.equal(throttled.json.error.code, "rate_limited");
  assert.equal(throttled.headers.get("retry-after"), "60");
  for (let i = 0; i < 150; i++) {
    assert.equal((await worker.fetch("/busy", { headers: from })).status, 302);
    assert.equal((await worker.fetch("/busy+", { headers: from })).status, 200);
  }
});

test("`qr` and the other path words the worker uses are reserved slugs", async () => {
  for (const slug of ["qr", "QR", "docs", "dashboard", "assets", "health", "v1", "api", "login", "signup", "logout", "settings", "links", "static", "favicon", "robots"]) {
    assertInvalid(await post({ url: "https://a.example/", slug }), "slug", /reserved/);
  }
});
