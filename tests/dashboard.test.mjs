// The dashboard as Workers Static Assets (issue 13): its pages are served
// before the worker runs, with their security headers; every other path
// still reaches the worker, so short links are never shadowed; the paths
// the dashboard uses are reserved from slugs.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startWorker } from "./support/worker.mjs";

let worker;
let key;
before(async () => {
  worker = await startWorker();
  ({ key } = await worker.account("Assets", "pro"));
});
after(() => worker?.dispose());

/** A top-level navigation, as a browser sends it. */
const navigate = (path) => worker.fetch(path, { headers: { Accept: "text/html", "Sec-Fetch-Mode": "navigate" } });

test("/ and the dashboard's client routes answer the app's page, with a strict Content-Security-Policy", async () => {
  for (const path of ["/", "/signin", "/signup?invite=x", "/dashboard", "/dashboard/links/new", "/dashboard/links/link_000000000000/qr", "/dashboard/settings"]) {
    const res = await navigate(path);
    assert.equal(res.status, 200, path);
    assert.equal(res.headers.get("content-type"), "text/html; charset=utf-8", path);
    assert.match(res.text, /<div id="app"><\/div>/, path);
    const csp = res.headers.get("content-security-policy");
    assert.match(csp, /default-src 'self'; script-src 'self'; style-src 'self';/, path);
    assert.match(csp, /frame-ancestors 'none'/, path);
    assert.equal(res.headers.get("x-frame-options"), "DENY", path);
    assert.equal(res.headers.get("x-content-type-options"), "nosniff", path);
  }
});

test("/docs is the API reference page, loading its own bundle", async () => {
  const res = await navigate("/docs");
  assert.equal(res.status, 200);
  assert.match(res.text, /<title>API reference · SmartLinks<\/title>/);
  const script = res.text.match(/src="(\/assets\/docs-[^"]+\.js)"/)?.[1];
  assert.ok(script, res.text);
  const bundle = await worker.fetch(script);
  assert.equal(bundle.status, 200);
  assert.equal(bundle.headers.get("cache-control"), "public, max-age=31536000, immutable");
});

test("a short link is still the worker's, for browsers navigating to it too", async () => {
  const created = await worker.api("POST", "/v1/links", { key, body: { url: "https://example.com/shop", slug: "shop" } });
  assert.equal(created.status, 201);
  const res = await navigate("/shop");
  assert.equal(res.status, 302);
  assert.equal(res.headers.get("location"), "https://example.com/shop");
  assert.equal((await navigate("/no-such-link")).status, 404);
  // Paths below the dashboard's that are not its routes are the worker's too.
  assert.equal((await navigate("/docs/qr")).status, 404);
  assert.equal((await navigate("/dashboard/qr")).status, 404);
  // A missing file where the dashboard's files live is a 404 page, not the app.
  const missing = await navigate("/assets/qr");
  assert.equal(missing.status, 404);
  assert.match(missing.text, /<h1>Not found<\/h1>/);
});

test("the dashboard's paths cannot be taken as slugs", async () => {
  for (const slug of ["dashboard", "signin", "signup", "docs", "assets", "Dashboard"]) {
    const res = await worker.api("POST", "/v1/links", { key, body: { url: "https://example.com/", slug } });
    assert.equal(res.status, 400, slug);
    assert.equal(res.json.error.field, "slug");
    assert.equal(res.json.error.message, `\`slug\` '${slug}' is reserved; choose another`);
  }
});
