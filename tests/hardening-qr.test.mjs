// Issue 16, finding 3 (Medium): `GET /{slug}/qr?logo=` was an anonymous
// fetch proxy and CPU amplifier. The public route now renders the style the
// link's owner saved (`/v1/links/{idOrSlug}/qr-style`), whose logo is
// fetched, vetted, decoded and scaled down once, at save time; a visitor
// may choose only the format. One byte cap; the pixel cap lowered to what
// is ever drawn.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import jsQR from "jsqr";
import { PNG } from "pngjs";
import { startWorker, ORIGIN } from "./support/worker.mjs";

let worker, key, readOnly, link;
before(async () => {
  worker = await startWorker();
  ({ key } = await worker.account("Styled", "pro", { limits: { perMinute: null, perHour: null } }));
  readOnly = (await worker.api("POST", "/v1/api-keys", { key, body: { scopes: ["links:read"] } })).json.key;
  link = (await worker.api("POST", "/v1/links", { key, body: { url: "https://example.com/styled", slug: "styled" } })).json;
});
after(() => worker?.dispose());

const dataUrl = (type, bytes) => `data:${type};base64,${Buffer.from(bytes).toString("base64")}`;

/** A PNG of `width`×`height`: solid `rgb`, or a noisy gradient (hard to compress). */
function png(width, height, rgb = null) {
  const image = new PNG({ width, height });
  for (let i = 0; i < width * height; i++) {
    const [x, y] = [i % width, Math.floor(i / width)];
    const px = rgb ?? [(x * 7) % 256, (y * 13) % 256, (x * y) % 256];
    image.data.set([...px, 255], i * 4);
  }
  return PNG.sync.write(image);
}

async function image(path, headers = {}) {
  const res = await worker.mf.dispatchFetch(new URL(path, ORIGIN), { headers: { "Accept-Encoding": "identity", ...headers } });
  return { status: res.status, type: res.headers.get("content-type"), bytes: Buffer.from(await res.arrayBuffer()) };
}

const putStyle = (body, k = key) => worker.api("PUT", `/v1/links/${link.id}/qr-style`, { key: k, body });

test("the public QR code refuses a visitor's logo with 400 naming it", async () => {
  for (const logo of ["https://example.com/logo.png", dataUrl("image/png", png(2048, 2048, [0, 0, 0]))]) {
    const res = await worker.fetch(`/styled/qr?logo=${encodeURIComponent(logo)}&v=${Math.random()}`, {
      headers: { Accept: "application/json" },
    });
    assert.equal(res.status, 400, res.text);
    assert.equal(res.json.error.code, "validation_error");
    assert.equal(res.json.error.field, "logo");
    assert.match(res.json.error.message, /cannot be chosen here.*qr-style.*only `format`/);
  }
});

test("the public QR code refuses every other visitor-chosen option, cache-busters included", async () => {
  for (const query of ["size=2048", "dotsColor=%23ff0000", "backgroundColor=%23000000", "margin=0", "errorCorrection=H", "v=123"]) {
    const res = await worker.fetch(`/styled/qr?${query}`, { headers: { Accept: "application/json" } });
    assert.equal(res.status, 400, query);
    assert.equal(res.json.error.field, query.split("=")[0]);
  }
  assert.equal((await image("/styled/qr?format=png")).status, 200);
});

test("a link without a saved style has the defaults", async () => {
  const res = await worker.api("GET", `/v1/links/${link.id}/qr-style`, { key: readOnly });
  assert.equal(res.status, 200);
  assert.deepEqual(res.json, {
    dotsColor: "#000000", backgroundColor: "#ffffff", size: 512, margin: 4, errorCorrection: "M", logo: null, updatedAt: null,
  });
});

test("the owner saves colours, size, margin, error correction and a logo; the public code draws them", async () => {
  const res = await putStyle({
    dotsColor: "#1a237e", backgroundColor: "#fff8e1", size: 400, margin: 2, errorCorrection: "q",
    logo: dataUrl("image/png", png(120, 120, [220, 30, 60])),
  });
  assert.equal(res.status, 200, res.text);
  assert.deepEqual({ ...res.json, updatedAt: undefined }, {
    dotsColor: "#1a237e", backgroundColor: "#fff8e1", size: 400, margin: 2, errorCorrection: "Q",
    logo: { contentType: "image/png", width: 120, height: 120, bytes: res.json.logo.bytes }, updatedAt: undefined,
  });
  assert.match(res.json.updatedAt, /^\d{4}-\d\d-\d\dT/);
  assert.deepEqual((await worker.api("GET", `/v1/links/${link.id}/qr-style`, { key })).json, res.json);
  const drawn = await image("/styled/qr?format=png");
  assert.equal(drawn.status, 200);
  const pixels = PNG.sync.read(drawn.bytes);
  assert.equal(pixels.width, 400);
  const at = (x, y) => [...pixels.data.slice((y * 400 + x) * 4, (y * 400 + x) * 4 + 3)];
  assert.deepEqual(at(200, 200), [220, 30, 60], "the saved logo at the centre");
  assert.deepEqual(at(1, 1), [0xff, 0xf8, 0xe1], "the saved background");
  assert.equal(jsQR(pixels.data, 400, 400).data, `${ORIGIN}/styled?qr=1`);
  // Only the format varies: the SVG carries the saved logo too.
  const svg = await image("/styled/qr");
  assert.match(svg.bytes.toString("utf8"), /<image [^>]*href="data:image\/png;base64,/);
});

test("absent fields keep their saved value and null resets one; \"logo\": null removes the logo", async () => {
  await putStyle({ size: 300, logo: dataUrl("image/png", png(50, 50, [0, 0, 0])) });
  const kept = await putStyle({ margin: null });
  assert.equal(kept.json.size, 300);
  assert.equal(kept.json.margin, 4);
  assert.equal(kept.json.logo.width, 50);
  const removed = await putStyle({ logo: null });
  assert.equal(removed.json.logo, null);
  assert.doesNotMatch((await image("/styled/qr")).bytes.toString("utf8"), /<image /);
});

test("a logo larger than is ever drawn is decoded once and stored scaled down to 916 px", async () => {
  const res = await putStyle({ logo: dataUrl("image/png", png(1000, 500, [10, 120, 200])) });
  assert.equal(res.status, 200, res.text);
  assert.deepEqual([res.json.logo.contentType, res.json.logo.width, res.json.logo.height], ["image/png", 916, 458]);
  const row = await (await worker.d1()).prepare("SELECT logo, logo_width, logo_height FROM link_qr_styles WHERE link_id = ?").bind(link.id).first();
  const stored = PNG.sync.read(Buffer.from(row.logo, "base64"));
  assert.deepEqual([stored.width, stored.height, row.logo_width, row.logo_height], [916, 458, 916, 458]);
  assert.ok(Buffer.from(row.logo, "base64").length <= 512 * 1024);
  await putStyle({ logo: null });
});

test("the 2048² logo of the report is refused at save time by the lowered pixel cap", async () => {
  const logo = dataUrl("image/png", png(2048, 2048, [0, 0, 0]));
  assert.ok(logo.length < 40_000, "a small data URL declaring a huge image");
  const res = await putStyle({ logo });
  assert.equal(res.status, 400);
  assert.equal(res.json.error.field, "logo");
  assert.match(res.json.error.message, /2048x2048 pixels; at most 1048576 pixels \(1024x1024\)/);
});

test("a data URL logo is bounded by the 64 KiB body; the decoded logo by the one 512 KiB cap", async () => {
  const res = await putStyle({ logo: dataUrl("image/png", Buffer.alloc(64 * 1024, 1)) });
  assert.equal(res.status, 413);
  const noisy = await putStyle({ logo: dataUrl("image/png", png(150, 100)) });
  assert.equal(noisy.status, 200, noisy.text);
  assert.ok(noisy.json.logo.bytes <= 512 * 1024);
  await putStyle({ logo: null });
});

test("saving needs links:write, reading links:read; another account's link is 404", async () => {
  const denied = await putStyle({ size: 300 }, readOnly);
  assert.equal(denied.status, 403);
  assert.match(denied.json.error.message, /links:write/);
  const { key: other } = await worker.account("Other", "pro");
  assert.equal((await worker.api("GET", `/v1/links/${link.id}/qr-style`, { key: other })).status, 404);
  assert.equal((await worker.api("PUT", `/v1/links/${link.id}/qr-style`, { key: other, body: {} })).status, 404);
});

test("bad style fields are 400 naming them, and nothing is saved", async () => {
  await putStyle({ size: 256 });
  for (const [body, field] of [
    [{ dotsColor: "red" }, "dotsColor"],
    [{ size: 5000 }, "size"],
    [{ errorCorrection: "Z" }, "errorCorrection"],
    [{ dotsColor: "#eeeeee" }, "dotsColor"],
    [{ logo: "https://10.0.0.1/x.png" }, "logo"],
    [{ logo: "http://example.com/x.png" }, "logo"],
    [{ format: "png" }, "format"],
  ]) {
    const res = await putStyle(body);
    assert.equal(res.status, 400, JSON.stringify(body));
    assert.equal(res.json.error.field, field, res.json.error.message);
  }
  assert.equal((await worker.api("GET", `/v1/links/${link.id}/qr-style`, { key })).json.size, 256);
});

test("DELETE forgets the style; the authenticated QR route still takes per-request options", async () => {
  await putStyle({ size: 300, dotsColor: "#004d40" });
  const styled = await image(`/v1/links/${link.id}/qr?format=png`, { Authorization: `Bearer ${key}` });
  assert.equal(PNG.sync.read(styled.bytes).width, 300, "the saved style is the starting point");
  const custom = await image(`/v1/links/${link.id}/qr?format=png&size=200`, { Authorization: `Bearer ${key}` });
  assert.equal(PNG.sync.read(custom.bytes).width, 200);
  const reset = await worker.api("DELETE", `/v1/links/${link.id}/qr-style`, { key });
  assert.equal(reset.status, 200);
  assert.equal(reset.json.updatedAt, null);
  assert.equal(PNG.sync.read((await image("/styled/qr?format=png")).bytes).width, 512);
});

test("deleting a link deletes its saved style", async () => {
  const doomed = (await worker.api("POST", "/v1/links", { key, body: { url: "https://example.com/d", slug: "styled-doomed" } })).json;
  await worker.api("PUT", `/v1/links/${doomed.id}/qr-style`, { key, body: { size: 256 } });
  await worker.api("DELETE", `/v1/links/${doomed.id}`, { key });
  const row = await (await worker.d1()).prepare("SELECT COUNT(*) AS n FROM link_qr_styles WHERE link_id = ?").bind(doomed.id).first();
  assert.equal(row.n, 0);
});
