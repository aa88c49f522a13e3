// Hostile input, each with its expected answer: nothing crashes, nothing is
// injected, nothing is stored that should not be.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startWorker } from "./support/worker.mjs";

let worker, key;
before(async () => {
  worker = await startWorker();
  ({ key } = await worker.account("Hostile", "pro"));
});
after(() => worker?.dispose());

async function create(body) {
  return worker.api("POST", "/v1/links", { key, body });
}

test("control characters anywhere in a destination are refused", async () => {
  for (const c of ["\r", "\n", "\t", "\u0000", "\u007f", "\u0085"]) {
    const res = await create({ url: `https://example.com/a${c}b` });
    assert.equal(res.status, 400, JSON.stringify(c));
    assert.equal(res.json.error.field, "url");
  }
});

test("control characters in titles are refused", async () => {
  const res = await create({ url: "https://example.com/", title: "a\r\nSet-Cookie: x=1" });
  assert.equal(res.status, 400);
  assert.equal(res.json.error.field, "title");
});

test("a Location header can never carry an injected header", async () => {
  const res = await create({ url: "https://example.com/%0d%0aSet-Cookie:%20x=1", slug: "encoded-crlf" });
  assert.equal(res.status, 201);
  const redirect = await worker.fetch("/encoded-crlf");
  assert.equal(redirect.status, 302);
  assert.equal(redirect.headers.get("location"), "https://example.com/%0d%0aSet-Cookie:%20x=1");
  assert.equal(redirect.headers.get("set-cookie"), null);
});

test("IDN and percent-encoded hosts are stored in ASCII form", async () => {
  const idn = await create({ url: "https://bücher.example/straße" });
  assert.equal(idn.status, 201);
  assert.equal(idn.json.url, "https://xn--bcher-kva.example/stra%C3%9Fe");
  const encoded = await create({ url: "https://ex%61mple.com/" });
  assert.equal(encoded.status, 201);
  assert.equal(encoded.json.url, "https://example.com/");
});

test("a destination on the short domain is refused whatever its spelling", async () => {
  for (const url of ["http://short.test/x", "https://SHORT.TEST/x", "http://short.test./x", "http://sh%6Frt.test/x"]) {
    const res = await create({ url });
    assert.equal(res.status, 400, url);
    assert.match(res.json.error.message, /short domain/);
  }
});

test("a 100 KB URL is refused without echoing it", async () => {
  const url = "https://example.com/" + "a".repeat(100 * 1024);
  const res = await create({ url });
  assert.equal(res.status, 413);
  assert.ok(res.text.length < 1000);
});

test("SQL metacharacters in every text field are stored and returned verbatim", async () => {
  const sql = `'; DROP TABLE links; -- " \\ %_`;
  const res = await create({ url: `https://example.com/?q=${encodeURIComponent(sql)}`, title: sql, metadata: { [sql]: sql } });
  assert.equal(res.status, 201);
  assert.equal(res.json.title, sql);
  assert.deepEqual(res.json.metadata, { [sql]: sql });
  const found = await worker.api("GET", `/v1/links?search=${encodeURIComponent(sql)}`, { key });
  assert.equal(found.json.total, 1);
  assert.equal(found.json.links[0].id, res.json.id);
});

test("oversized and malformed Authorization headers are 401, never 500", async () => {
  const cases = ["Bearer " + "x".repeat(8 * 1024), "Bearer\tsl_live_x", "Bearer  ", "Token abc", "Bearer sl_live_" + "é".repeat(32)];
  for (const authorization of cases) {
    const res = await worker.fetch("/v1/links", { headers: { Authorization: authorization } });
    assert.equal(res.status, 401, authorization.slice(0, 20));
    assert.equal(res.json.error.code, "unauthorized");
  }
});

test("error messages never echo the presented key", async () => {
  const secret = "sl_live_" + "Z".repeat(32);
  const res = await worker.fetch("/v1/links", { headers: { Authorization: `Bearer ${secret}` } });
  assert.equal(res.status, 401);
  assert.ok(!res.text.includes(secret));
});

test("path traversal and encoded slashes never reach another resource", async () => {
  const paths = ["/v1/links/..%2F..%2Fadmin", "/v1/links/%2e%2e", "/v1/links/a%2Fb", "/v1/links/..", "/v1/links/%00"];
  for (const path of paths) {
    const res = await worker.api("GET", path, { key });
    assert.ok([400, 404].includes(res.status), `${path}: ${res.status}`);
    assert.ok(res.json.error.code);
  }
});

test("huge page numbers and negative limits are 400, not 500", async () => {
  for (const query of ["page=1e9", "page=-1", "limit=-5", "limit=1e3", "page=18446744073709551616"]) {
    const res = await worker.api("GET", `/v1/links?${query}`, { key });
    assert.equal(res.status, 400, query);
    assert.equal(res.json.error.code, "validation_error");
  }
});

test("a JSON body with a wrong content type is 415, with none is 415", async () => {
  const wrong = await worker.fetch("/v1/links", {
    method: "POST",
    headers: { Authorization: `Bearer ${key}`, "Content-Type": "text/plain" },
    body: JSON.stringify({ url: "https://example.com" }),
  });
  assert.equal(wrong.status, 415);
  const none = await worker.fetch("/v1/links", {
    method: "POST",
    headers: { Authorization: `Bearer ${key}` },
    body: new Uint8Array(Buffer.from(JSON.stringify({ url: "https://example.com" }))),
  });
  assert.equal(none.status, 415);
});
