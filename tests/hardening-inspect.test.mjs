// Issue 16, finding 5 (Medium): `/{slug}+` revealed what dead links hide:
// the destination and title of disabled, expired and capped links, and the
// title of password links. Now a dead link shows only its status.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { startWorker } from "./support/worker.mjs";

const SECRET_URL = "https://example.com/secret-launch-plan";
const SECRET_TITLE = "Project Nightjar (confidential)";

let worker, key;
before(async () => {
  worker = await startWorker();
  ({ key } = await worker.account("Hider", "pro", { limits: { perMinute: null, perHour: null } }));
});
after(() => worker?.dispose());

async function create(body) {
  const res = await worker.api("POST", "/v1/links", {
    key, body: { url: SECRET_URL, title: SECRET_TITLE, ios: "https://apps.apple.com/app/id9", ...body },
  });
  assert.equal(res.status, 201, res.text);
  return res.json;
}

async function inspect(slug) {
  const json = await worker.fetch(`/${slug}+`, { headers: { Accept: "application/json" } });
  const html = await worker.fetch(`/${slug}+`, { headers: { Accept: "text/html" } });
  assert.equal(json.status, 200);
  assert.equal(html.status, 200);
  return { json: json.json, html: html.text };
}

function assertOnlyStatus({ json, html }, slug, status) {
  assert.deepEqual(json, {
    slug, shortCode: slug, shortUrl: `http://short.test/${slug}`, short_url: `http://short.test/${slug}`,
    url: null, original_url: null, ios: null, android: null, title: null,
    createdAt: null, created_at: null, status, hasPassword: false, has_password: false,
  });
  for (const secret of [SECRET_URL, "secret-launch-plan", "Nightjar", "apps.apple.com"]) {
    assert.ok(!html.includes(secret), `the page reveals ${secret}`);
  }
  assert.match(html, new RegExp(`<dt>Status</dt><dd>${status}</dd>`));
}

test("a disabled link's inspect page shows only its status", async () => {
  await create({ slug: "dead-disabled", disabled: true });
  assertOnlyStatus(await inspect("dead-disabled"), "dead-disabled", "disabled");
});

test("an expired link's inspect page shows only its status, not even its fallback", async () => {
  await create({ slug: "dead-expired", expiresAt: "2020-01-01T00:00:00Z", expiredUrl: "https://example.com/fallback-secret" });
  const page = await inspect("dead-expired");
  assertOnlyStatus(page, "dead-expired", "expired");
  assert.ok(!page.html.includes("fallback-secret"));
});

test("a capped link's inspect page shows only its status once its clicks are used up", async () => {
  const link = await create({ slug: "dead-capped", maxClicks: 1 });
  const browser = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36";
  assert.equal((await worker.fetch("/dead-capped", { headers: { "User-Agent": browser } })).status, 302);
  // The counter pushes the total to D1 within a second or so.
  for (let i = 0; i < 50; i++) {
    const row = await (await worker.d1()).prepare("SELECT clicks FROM links WHERE id = ?").bind(link.id).first();
    if (row.clicks >= 1) break;
    await sleep(100);
  }
  assertOnlyStatus(await inspect("dead-capped"), "dead-capped", "capped");
});

test("a password link's inspect page hides its title as well as its destinations", async () => {
  await create({ slug: "locked-title", password: "pw" });
  const { json, html } = await inspect("locked-title");
  assert.deepEqual([json.url, json.ios, json.title, json.status, json.hasPassword], [null, null, null, "active", true]);
  assert.match(json.createdAt, /^\d{4}-/);
  assert.ok(!html.includes("Nightjar") && !html.includes("secret-launch-plan"));
  assert.match(html, /protected by a password/);
});

test("a live open link still shows where it goes", async () => {
  await create({ slug: "alive" });
  const { json, html } = await inspect("alive");
  assert.deepEqual([json.url, json.title, json.status], [SECRET_URL, SECRET_TITLE, "active"]);
  assert.ok(html.includes(SECRET_URL));
});
