// The client against the real worker in workerd: create, list through several
// pages, patch, analytics, QR, keys, account, delete. Run by the repo's
// tests/sdks.test.mjs, which starts the worker and passes SMARTLINKS_BASE_URL
// and SMARTLINKS_API_KEY (a fresh pro account).
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  SmartLinks,
  NotFoundError,
  SlugTakenError,
  ValidationError,
  ForbiddenError,
  UnauthorizedError,
} from "../dist/index.js";

const BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36";
const client = new SmartLinks();

test("a link's whole life through the TypeScript SDK", async () => {
  // Create seven links, one with a custom short code.
  const created = [];
  for (let i = 0; i < 7; i++) {
    const params = { url: `https://example.com/ts/${i}`, tags: ["sdk"], ...(i === 0 ? { shortCode: "ts-custom" } : {}) };
    created.push(await client.links.create(params));
  }
  assert.equal(created[0].shortCode, "ts-custom");
  assert.equal(created[0].url, "https://example.com/ts/0");
  assert.deepEqual(created[0].tags, ["sdk"]);

  const taken = await client.links.create({ url: "https://example.com/", shortCode: "ts-custom" }).catch((e) => e);
  assert.ok(taken instanceof SlugTakenError, `${taken}`);
  assert.equal(taken.status, 409);
  const invalid = await client.links.create({ url: "ftp://example.com/" }).catch((e) => e);
  assert.ok(invalid instanceof ValidationError, `${invalid}`);
  assert.equal(invalid.field, "url");

  // List through three pages, newest first.
  const first = await client.links.list({ pageSize: 3 });
  assert.deepEqual([first.total, first.totalPages, first.data.length], [7, 3, 3]);
  const ids = [];
  for await (const link of client.links.list({ pageSize: 3 })) ids.push(link.id);
  assert.deepEqual(ids, created.map((l) => l.id).reverse());

  // Patch: rename and retitle; the old short code is gone.
  const updated = await client.links.update("ts-custom", { title: "Updated", shortCode: "ts-renamed", maxClicks: 100 });
  assert.deepEqual([updated.title, updated.shortCode, updated.maxClicks], ["Updated", "ts-renamed", 100]);
  await assert.rejects(client.links.get("ts-custom"), NotFoundError);
  const cleared = await client.links.update(updated.id, { title: null });
  assert.equal(cleared.title, null);

  // Analytics: one browser click, seen in both styles.
  const visit = await fetch(updated.shortUrl, { redirect: "manual", headers: { "User-Agent": BROWSER } });
  assert.equal(visit.status, 302);
  assert.equal(visit.headers.get("location"), "https://example.com/ts/0");
  let report;
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; ) {
    report = await client.links.analytics(updated.id, { period: "24h" });
    if (report.clicks === 1) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.equal(report.clicks, 1);
  assert.equal(report.shortCode, "ts-renamed");
  assert.equal(report.platforms.web, 1);
  assert.equal(report.clicksByHour?.reduce((sum, h) => sum + h.clicks, 0), 1);
  const today = new Date().toISOString().slice(0, 10);
  const ranged = await client.links.analytics("ts-renamed", { from: today, to: today });
  assert.equal(ranged.clicks, 1);
  assert.deepEqual(ranged.clicksByDate, [{ date: today, clicks: 1 }]);

  // QR codes: bytes and data URLs.
  const png = await client.links.qrCode(updated.id, { format: "png", size: 128 });
  assert.equal(png.contentType, "image/png");
  assert.deepEqual([...png.data.slice(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
  assert.ok(png.etag);
  const svg = await client.qrCodes.create({ shortCode: "ts-renamed", style: { dotsColor: "#1a237e" } });
  assert.equal(svg.format, "svg");
  assert.match(new TextDecoder().decode(svg.data), /<svg/);
  const dataUrl = await client.qrCodes.createDataUrl({ linkId: updated.id, format: "png", size: 64 });
  assert.match(dataUrl.dataUrl, /^data:image\/png;base64,/);
  assert.equal((await client.links.qrCodeDataUrl("ts-renamed")).format, "svg");

  // API keys: a read-only key reads but cannot write; revoked, it is refused.
  const key = await client.apiKeys.create({ name: "read only", scopes: ["links:read"] });
  assert.match(key.key, /^sl_live_/);
  const readOnly = new SmartLinks({ apiKey: key.key });
  assert.equal((await readOnly.links.list()).total, 7);
  await assert.rejects(readOnly.links.create({ url: "https://example.com/" }), ForbiddenError);
  assert.ok((await client.apiKeys.list()).some((k) => k.id === key.id && k.active));
  assert.equal((await client.apiKeys.get(key.id)).name, "read only");
  const revoked = await client.apiKeys.revoke(key.id);
  assert.equal(revoked.active, false);
  await assert.rejects(readOnly.links.list(), UnauthorizedError);

  // The account.
  const account = await client.account.get();
  assert.equal(account.plan, "pro");
  assert.equal(account.usage.links.used, 7);

  // Delete everything.
  for (const link of created) await client.links.delete(link.id);
  await assert.rejects(client.links.get(updated.id), NotFoundError);
  assert.equal((await client.links.list()).total, 0);
});
