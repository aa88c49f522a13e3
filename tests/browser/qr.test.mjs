// The QR designer: live preview, contrast warning, download as PNG and SVG
// (both decoded back to the short URL), and the saved style on the public
// /{slug}/qr.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import jsQR from "jsqr";
import { PNG } from "pngjs";
import { Resvg } from "@resvg/resvg-js";
import { startApp, signUp, capture, email, PASSWORD } from "./support.mjs";

let app;
before(async () => {
  app = await startApp();
});
after(() => app?.close());

/** The text a PNG's QR code holds, or null. */
function decodePng(bytes) {
  const png = PNG.sync.read(bytes);
  return jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data ?? null;
}

/** The text an SVG's QR code holds, rasterised by resvg first. */
function decodeSvg(text) {
  const png = new Resvg(text, { fitTo: { mode: "width", value: 600 }, background: "#ffffff" }).render().asPng();
  return decodePng(png);
}

async function createLink(page, slug) {
  const csrf = await page.evaluate(async () => (await (await fetch("/v1/auth/session")).json()).csrfToken);
  const res = await page.request.post("/v1/links", { headers: { "X-CSRF-Token": csrf }, data: { url: "https://example.com/poster", slug } });
  assert.equal(res.status(), 201, await res.text());
  return res.json();
}

test("design a QR code, download it as PNG and SVG, and decode both", async () => {
  const page = await app.page();
  await signUp(page, email("qr"), PASSWORD);
  const link = await createLink(page, "poster");
  await page.goto(`/dashboard/links/${link.id}/qr`);
  await page.getByRole("heading", { name: "QR code", level: 1 }).waitFor();
  await page.getByRole("img", { name: `QR code for ${link.shortUrl}` }).waitFor();

  // Too little contrast: warned before the server is even asked.
  await page.getByLabel("Dots colour", { exact: true }).fill("#bbbbbb");
  await page.locator("#qr-contrast").filter({ hasText: "too low to scan" }).waitFor();
  await capture(page, "qr-low-contrast");

  await page.getByLabel("Dots colour", { exact: true }).fill("#1a237e");
  await page.locator("#qr-contrast").filter({ hasText: "good" }).waitFor();
  await page.getByLabel("Size (pixels)").fill("400");
  await page.getByLabel("Error correction").selectOption("Q");
  await capture(page, "qr");

  const [png] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download PNG" }).click()]);
  assert.equal(png.suggestedFilename(), "poster-qr.png");
  const pngBytes = readFileSync(await png.path());
  const image = PNG.sync.read(pngBytes);
  assert.deepEqual([image.width, image.height], [400, 400]);
  assert.equal(decodePng(pngBytes), `${link.shortUrl}?qr=1`);

  const [svg] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download SVG" }).click()]);
  assert.equal(svg.suggestedFilename(), "poster-qr.svg");
  const svgText = readFileSync(await svg.path(), "utf8");
  assert.match(svgText, /#1a237e/i);
  assert.equal(decodeSvg(svgText), `${link.shortUrl}?qr=1`);
  await page.context().close();
});

/** A 16×16 PNG logo of one colour, as a file to upload. */
function logoPng() {
  const png = new PNG({ width: 16, height: 16 });
  for (let i = 0; i < png.data.length; i += 4) png.data.set([0xe6, 0x51, 0x00, 0xff], i);
  return PNG.sync.write(png);
}

test("a logo uploaded in the designer is drawn on the code, which still decodes", async () => {
  const page = await app.page();
  await signUp(page, email("qrlogo"), PASSWORD);
  const link = await createLink(page, "logo-poster");
  await page.goto(`/dashboard/links/${link.id}/qr`);
  const preview = page.getByRole("img", { name: `QR code for ${link.shortUrl}` });
  await preview.waitFor();
  const before = await preview.getAttribute("src");
  await page.getByLabel("Upload an image").check();
  await page.getByLabel("Logo file (PNG, JPEG or SVG)").setInputFiles({ name: "logo.png", mimeType: "image/png", buffer: logoPng() });
  // Error correction goes to H with a logo, and the preview is redrawn with it.
  await page.waitForFunction((old) => document.querySelector(".qr-frame img")?.src !== old, before);
  assert.equal(await page.getByLabel("Error correction").inputValue(), "H");
  await capture(page, "qr-logo");
  const [png] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download PNG" }).click()]);
  const bytes = readFileSync(await png.path());
  const image = PNG.sync.read(bytes);
  const centre = (image.width * (image.height / 2) + image.width / 2) * 4;
  assert.deepEqual([...image.data.subarray(centre, centre + 3)], [0xe6, 0x51, 0x00], "the logo's colour at the centre");
  assert.equal(decodePng(bytes), `${link.shortUrl}?qr=1`);
  await page.context().close();
});

test("a saved style is what the public /{slug}/qr shows", async (t) => {
  // Saved styles are the hardening issue's endpoints (CONTRACTS.md); until
  // they are served, the designer says it cannot save, and this waits.
  const spec = await (await fetch(`${app.origin}/v1/openapi.json`)).json();
  if (!spec.paths["/v1/links/{idOrSlug}/qr-style"]) {
    t.skip("this server has no saved QR styles yet (PUT /v1/links/{idOrSlug}/qr-style)");
    return;
  }
  const page = await app.page();
  await signUp(page, email("qrstyle"), PASSWORD);
  const link = await createLink(page, "styled");
  await page.goto(`/dashboard/links/${link.id}/qr`);
  await page.getByLabel("Dots colour", { exact: true }).fill("#004d40");
  await page.getByLabel("Background colour", { exact: true }).fill("#fff8e1");
  await page.getByRole("button", { name: "Save style" }).click();
  await page.getByText("QR style saved.").waitFor();

  const res = await page.request.get(`/styled/qr`);
  assert.equal(res.status(), 200);
  const body = await res.text();
  assert.match(body, /#004d40/i);
  assert.match(body, /#fff8e1/i);
  assert.equal(decodeSvg(body), `${link.shortUrl}?qr=1`);

  // Reopened, the designer starts from the saved style.
  await page.reload();
  await page.getByLabel("Dots colour", { exact: true }).waitFor();
  assert.equal(await page.getByLabel("Dots colour", { exact: true }).inputValue(), "#004d40");
  await page.context().close();
});
