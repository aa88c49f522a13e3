// QR codes: every image is read back by decoders this project did not write
// (jsQR on pixels from pngjs for PNG, from resvg for SVG), and the decoded text
// must be the link's short URL plus the scan marker.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import jsQR from "jsqr";
import { PNG } from "pngjs";
import { Resvg } from "@resvg/resvg-js";
import { startWorker, ORIGIN } from "./support/worker.mjs";

const fixture = (name) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
const dataUrl = (type, bytes) => `data:${type};base64,${Buffer.from(bytes).toString("base64")}`;

let worker, alice, bob, link, scanUrl;
before(async () => {
  worker = await startWorker();
  alice = (await worker.account("Alice", "pro")).key;
  bob = (await worker.account("Bob", "pro")).key;
  link = (await worker.api("POST", "/v1/links", { key: alice, body: { url: "https://alice.example/page", slug: "qr-link" } })).json;
  scanUrl = `${ORIGIN}/qr-link?qr=1`;
});
after(() => worker?.dispose());

/** A request whose body is kept as bytes (images are binary). */
async function raw(path, { method = "GET", key, body, headers = {} } = {}) {
  // identity: otherwise the runtime gzips SVG and drops Content-Length, as Cloudflare does.
  const init = { method, headers: { "Accept-Encoding": "identity", ...headers }, redirect: "manual" };
  if (key) init.headers.Authorization = `Bearer ${key}`;
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const res = await worker.mf.dispatchFetch(new URL(path, ORIGIN), init);
  const bytes = Buffer.from(await res.arrayBuffer());
  let json;
  try {
    json = JSON.parse(bytes.toString("utf8"));
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, bytes, json };
}

const qr = (body, opts = {}) => raw("/v1/qr-codes", { method: "POST", key: alice, body, ...opts });

/** RGBA pixels composited over white, as a phone sees the code on a white page. */
function overWhite({ width, height, data }) {
  const out = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < out.length; i += 4) {
    const a = data[i + 3] / 255;
    for (let c = 0; c < 3; c++) out[i + c] = Math.round(data[i + c] * a + 255 * (1 - a));
    out[i + 3] = 255;
  }
  return { width, height, data: out };
}

function pixelsOf(bytes, type) {
  if (type === "image/png") {
    const png = PNG.sync.read(bytes);
    return { width: png.width, height: png.height, data: png.data };
  }
  assert.equal(type, "image/svg+xml");
  const rendered = new Resvg(bytes.toString("utf8"), { background: "rgba(0,0,0,0)" }).render();
  return { width: rendered.width, height: rendered.height, data: rendered.pixels };
}

/** Decodes the QR code in an image response; returns text and pixel size. */
function scan(res) {
  const type = res.headers.get("Content-Type");
  const image = pixelsOf(res.bytes, type);
  const seen = overWhite(image);
  const code = jsQR(seen.data, seen.width, seen.height);
  assert.ok(code, `no QR code found in the ${type} image`);
  return { text: code.data, width: image.width, height: image.height, raw: image };
}

function assertImage(res, type) {
  assert.equal(res.status, 200, res.bytes.toString("utf8").slice(0, 300));
  assert.equal(res.headers.get("Content-Type"), type);
  assert.equal(res.headers.get("Content-Length"), String(res.bytes.length));
  assert.match(res.headers.get("ETag"), /^"[0-9a-f]{32}"$/);
}

function assertInvalid(res, field) {
  assert.equal(res.status, 400, res.bytes.toString("utf8"));
  assert.equal(res.json.error.code, "validation_error");
  assert.equal(res.json.error.field, field, res.json.error.message);
  assert.ok(res.json.error.message.length > 0);
}

test("POST /v1/qr-codes by linkId answers an SVG that scans to the short URL with the marker", async () => {
  const res = await qr({ linkId: link.id });
  assertImage(res, "image/svg+xml");
  assert.equal(res.headers.get("Cache-Control"), "private, max-age=86400");
  assert.equal(res.headers.get("Vary"), "Accept");
  const svg = res.bytes.toString("utf8");
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="512" height="512" viewBox="0 0 \d+ \d+"/);
  assert.equal((svg.match(/<path/g) ?? []).length, 1);
  const { text, width } = scan(res);
  assert.equal(text, scanUrl);
  assert.equal(width, 512);
});

test("PNG codes are exactly size x size and scan at several sizes", async () => {
  for (const size of [64, 200, 256, 512, 1024, 2048]) {
    const res = await qr({ linkId: link.id, format: "png", size });
    assertImage(res, "image/png");
    const { text, width, height } = scan(res);
    assert.deepEqual([text, width, height], [scanUrl, size, size], `size ${size}`);
  }
});

test("SVG codes scan at several sizes", async () => {
  for (const size of [128, 333, 1024]) {
    const res = await qr({ slug: "qr-link", size });
    assertImage(res, "image/svg+xml");
    const { text, width } = scan(res);
    assert.deepEqual([text, width], [scanUrl, size]);
  }
});

test("all four error-correction levels scan in both formats, denser as the level rises", async () => {
  for (const format of ["svg", "png"]) {
    let previous = 0;
    for (const level of ["L", "M", "Q", "H"]) {
      const res = await qr({ linkId: link.id, format, size: 400, errorCorrection: level });
      assertImage(res, format === "png" ? "image/png" : "image/svg+xml");
      assert.equal(scan(res).text, scanUrl, `${format} ${level}`);
      if (format === "svg") {
        const modules = Number(/viewBox="0 0 (\d+)/.exec(res.bytes.toString("utf8"))[1]);
        assert.ok(modules >= previous, `${level}: ${modules} modules after ${previous}`);
        previous = modules;
      }
    }
  }
});

test("custom colours are used exactly and still scan", async () => {
  const style = { dotsColor: "#1a237e", backgroundColor: "#fff8e1" };
  const svg = await qr({ linkId: link.id, style });
  assert.equal(scan(svg).text, scanUrl);
  assert.match(svg.bytes.toString("utf8"), /<rect [^>]*fill="#fff8e1"\/><path fill="#1a237e" d="M/);
  const png = await qr({ linkId: link.id, format: "png", size: 300, style });
  const { text, raw: image } = scan(png);
  assert.equal(text, scanUrl);
  const colours = new Set();
  for (let i = 0; i < image.data.length; i += 4) colours.add(image.data.slice(i, i + 4).join(","));
  assert.deepEqual([...colours].sort(), ["255,248,225,255", "26,35,126,255"]);
});

test("a transparent background stays transparent and the code still scans", async () => {
  const style = { backgroundColor: "#ffffff00" };
  const png = await qr({ linkId: link.id, format: "png", size: 256, style });
  const { text, raw: image } = scan(png);
  assert.equal(text, scanUrl);
  assert.equal(image.data[3], 0, "corner pixel alpha");
  const svg = await qr({ linkId: link.id, style });
  assert.equal(scan(svg).text, scanUrl);
  assert.ok(!svg.bytes.toString("utf8").includes("<rect"));
});

test("a PNG logo is composited into PNG output, forcing level H, and the code scans", async () => {
  const logo = new PNG({ width: 80, height: 80 });
  for (let y = 0; y < 80; y++)
    for (let x = 0; x < 80; x++) {
      const i = (y * 80 + x) * 4;
      const inside = (x - 40) ** 2 + (y - 40) ** 2 < 36 * 36;
      logo.data.set([220, 30, 60, inside ? 255 : 0], i);
    }
  const res = await qr({ linkId: link.id, format: "png", size: 600, errorCorrection: "L", style: { logo: dataUrl("image/png", PNG.sync.write(logo)) } });
  assertImage(res, "image/png");
  const { text, raw: image } = scan(res);
  assert.equal(text, scanUrl);
  const centre = (300 * 600 + 300) * 4;
  assert.deepEqual([...image.data.slice(centre, centre + 3)], [220, 30, 60], "logo colour at the centre");
});

test("a baseline JPEG logo is composited and the code scans", async () => {
  const res = await qr({ linkId: link.id, format: "png", size: 500, style: { logo: dataUrl("image/jpeg", fixture("logo.jpg")) } });
  assertImage(res, "image/png");
  assert.equal(scan(res).text, scanUrl);
});

test("a progressive JPEG logo is composited and the code scans", async () => {
  const res = await qr({ linkId: link.id, format: "png", size: 500, style: { logo: dataUrl("image/jpeg", fixture("logo-progressive.jpg")) } });
  assertImage(res, "image/png");
  const { text, raw: image } = scan(res);
  assert.equal(text, scanUrl);
  // The fixture's centre is purple (about #813b81); JPEG and resampling move it a little.
  const centre = (250 * 500 + 250) * 4;
  const [r, g, b] = image.data.slice(centre, centre + 3);
  for (const [got, want] of [[r, 129], [g, 59], [b, 129]]) assert.ok(Math.abs(got - want) <= 12, `centre ${[r, g, b]}`);
});

test("SVG output embeds the logo as a data URI and scans", async () => {
  const logo = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle cx="5" cy="5" r="5" fill="#e91e63"/></svg>';
  const res = await qr({ linkId: link.id, size: 500, style: { logo: dataUrl("image/svg+xml", logo) } });
  assertImage(res, "image/svg+xml");
  assert.match(res.bytes.toString("utf8"), /<image [^>]*href="data:image\/svg\+xml;base64,/);
  assert.equal(scan(res).text, scanUrl);
});

test("an SVG logo cannot go into PNG output", async () => {
  const res = await qr({ linkId: link.id, format: "png", style: { logo: dataUrl("image/svg+xml", "<svg xmlns='http://www.w3.org/2000/svg'/>") } });
  assertInvalid(res, "style.logo");
});

test("Accept: application/json answers format, size and a data URL of the same image", async () => {
  const res = await qr({ linkId: link.id, format: "png", size: 320 }, { headers: { Accept: "application/json" } });
  assert.equal(res.status, 200);
  assert.match(res.headers.get("Content-Type"), /^application\/json/);
  assert.deepEqual(Object.keys(res.json).sort(), ["dataUrl", "format", "size"]);
  assert.equal(res.json.format, "png");
  assert.equal(res.json.size, 320);
  const [, type, b64] = /^data:([^;]+);base64,(.+)$/.exec(res.json.dataUrl);
  assert.equal(type, "image/png");
  const image = { headers: new Headers({ "Content-Type": type }), bytes: Buffer.from(b64, "base64") };
  const { text, width } = scan(image);
  assert.deepEqual([text, width], [scanUrl, 320]);
});

test("a plain url is encoded as given, without the scan marker", async () => {
  const res = await qr({ url: "https://example.com/menu?table=4", format: "png", size: 256 });
  assertImage(res, "image/png");
  assert.equal(scan(res).text, "https://example.com/menu?table=4");
});

test("GET /v1/links/{idOrSlug}/qr takes the options as query parameters", async () => {
  for (const ref of [link.id, link.slug]) {
    const res = await raw(`/v1/links/${ref}/qr?format=png&size=300&margin=2&errorCorrection=Q&dotsColor=%23003300`, { key: alice });
    assertImage(res, "image/png");
    assert.equal(res.headers.get("Cache-Control"), "private, max-age=86400");
    const { text, width } = scan(res);
    assert.deepEqual([text, width], [scanUrl, 300]);
  }
});

test("GET /v1/links/{idOrSlug}/qr needs an API key", async () => {
  const res = await raw(`/v1/links/${link.id}/qr`);
  assert.equal(res.status, 401);
  assert.equal(res.json.error.code, "unauthorized");
});

test("the public GET /{slug}/qr answers an SVG by default, cacheable by anyone", async () => {
  const res = await raw("/qr-link/qr");
  assertImage(res, "image/svg+xml");
  assert.equal(res.headers.get("Cache-Control"), "public, max-age=86400");
  assert.equal(scan(res).text, scanUrl);
});

test("the public GET /{slug}/qr takes only a format; the rest is the link's saved style", async () => {
  const res = await raw("/qr-link/qr?format=png");
  assertImage(res, "image/png");
  const { text, width } = scan(res);
  assert.deepEqual([text, width], [scanUrl, 512]);
  assertInvalid(await raw("/qr-link/qr?size=256", { headers: { Accept: "application/json" } }), "size");
});

test("the public GET of an unknown slug is 404", async () => {
  const res = await raw("/no-such-link/qr", { headers: { Accept: "application/json" } });
  assert.equal(res.status, 404);
  assert.equal(res.json.error.code, "not_found");
});

test("If-None-Match with the ETag answers 304 without a body", async () => {
  const first = await raw("/qr-link/qr");
  const etag = first.headers.get("ETag");
  const again = await raw("/qr-link/qr", { headers: { "If-None-Match": etag } });
  assert.equal(again.status, 304);
  assert.equal(again.headers.get("ETag"), etag);
  assert.equal(again.bytes.length, 0);
  const other = await raw("/qr-link/qr?format=png");
  assert.notEqual(other.headers.get("ETag"), etag);
});

test("an unknown link is 404, by id, by slug, and for another account's link", async () => {
  for (const body of [{ linkId: "link_000000000000" }, { slug: "nope" }]) {
    const res = await qr(body);
    assert.equal(res.status, 404);
    assert.equal(res.json.error.code, "not_found");
  }
  const theirs = await qr({ linkId: link.id }, { key: bob });
  assert.equal(theirs.status, 404);
  assert.equal(theirs.json.error.code, "not_found");
  const get = await raw(`/v1/links/${link.slug}/qr`, { key: bob });
  assert.equal(get.status, 404);
  assert.equal(get.json.error.code, "not_found");
});

test("bad options are 400 validation_error naming the field", async () => {
  const cases = [
    [{ size: 63 }, "size"],
    [{ size: 2049 }, "size"],
    [{ size: "big" }, "size"],
    [{ size: 300.5 }, "size"],
    [{ format: "gif" }, "format"],
    [{ margin: 17 }, "margin"],
    [{ margin: -1 }, "margin"],
    [{ errorCorrection: "X" }, "errorCorrection"],
    [{ style: { dotsColor: "blue" } }, "style.dotsColor"],
    [{ style: { backgroundColor: "#12345" } }, "style.backgroundColor"],
    [{ style: { dotsColor: "#cccccc" } }, "style"],
    [{ style: { dotsColor: "#ffffff", backgroundColor: "#000000" } }, "style"],
    [{ style: "red" }, "style"],
    [{ style: { color: "#000" } }, "style.color"],
    [{ colour: "#000" }, "colour"],
    [{ format: "png", size: 64, margin: 16, errorCorrection: "H" }, "size"],
  ];
  for (const [options, field] of cases) {
    assertInvalid(await qr({ linkId: link.id, ...options }), field);
  }
});

test("the target must be exactly one of linkId, slug and url, and a valid url", async () => {
  assertInvalid(await qr({}), "linkId");
  assertInvalid(await qr({ linkId: link.id, url: "https://example.com" }), "linkId");
  assertInvalid(await qr({ url: "javascript:alert(1)" }), "url");
  assertInvalid(await qr({ url: `https://example.com/${"a".repeat(1500)}`, errorCorrection: "H" }), "url");
  assertInvalid(await qr({ url: `https://example.com/${"a".repeat(1500)}`, style: { logo: dataUrl("image/jpeg", fixture("logo.jpg")) } }), "url");
});

test("logos on internal hosts or other schemes are refused without fetching", async () => {
  for (const logo of [
    "http://127.0.0.1/logo.png",
    "http://10.0.0.1/logo.png",
    "http://example.com/logo.png",
    "https://169.254.169.254/latest/meta-data/",
    "https://localhost/logo.png",
    "https://[::1]/logo.png",
    "https://[::ffff:127.0.0.1]/logo.png",
    "https://192.168.0.10/logo.png",
    "https://100.64.0.1/logo.png",
    "https://2130706433/logo.png",
    "https://metadata.google.internal/logo.png",
    "https://intranet/logo.png",
    "file:///etc/passwd",
    "ftp://example.com/logo.png",
  ]) {
    const res = await qr({ linkId: link.id, style: { logo } });
    assertInvalid(res, "style.logo");
  }
});

test("logos that are not images or undecodable are refused", async () => {
  for (const logo of [
    "data:text/html;base64,PGgxPmhpPC9oMT4=",
    "data:image/png,notbase64",
    dataUrl("image/png", Buffer.from("\x89PNG\r\n\x1a\nnot really a png", "latin1")),
    dataUrl("image/jpeg", Buffer.from("\xff\xd8\xffnot a jpeg", "latin1")),
    dataUrl("image/png", Buffer.from("plain text")),
  ]) {
    const res = await qr({ linkId: link.id, format: "png", style: { logo } });
    assertInvalid(res, "style.logo");
  }
});

test("bad query options on the GET forms are 400 naming the parameter", async () => {
  for (const [query, field] of [
    ["size=abc", "size"],
    ["format=bmp", "format"],
    ["errorCorrection=Z", "errorCorrection"],
    ["dotsColor=%23zzz", "style.dotsColor"],
    ["logo=https%3A%2F%2F10.0.0.1%2Fx.png", "style.logo"],
    ["colour=red", "colour"],
  ]) {
    assertInvalid(await raw(`/v1/links/${link.id}/qr?${query}`, { key: alice }), field);
  }
});

test("other methods on the QR routes are 405 with Allow", async () => {
  const get = await raw("/v1/qr-codes", { key: alice });
  assert.equal(get.status, 405);
  assert.equal(get.headers.get("Allow"), "POST");
  const post = await raw(`/v1/links/${link.id}/qr`, { method: "POST", key: alice, body: {} });
  assert.equal(post.status, 405);
  assert.equal(post.headers.get("Allow"), "GET, HEAD");
});
