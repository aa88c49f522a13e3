// Issue 16, finding 1 (High): renames raced and deleted links kept
// redirecting. Conditional writes (link versions, 409 `conflict`), the slug
// history and the reconciliation pass (Cron Trigger and operator).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startWorker, ADMIN_TOKEN } from "./support/worker.mjs";

let worker, key;
before(async () => {
  worker = await startWorker();
  ({ key } = await worker.account("Racer", "pro", { limits: { perMinute: null, perHour: null } }));
});
after(() => worker?.dispose());

async function create(body) {
  const res = await worker.api("POST", "/v1/links", { key, body });
  assert.equal(res.status, 201, res.text);
  return res.json;
}

const redirects = async (slug) => (await worker.fetch(`/${slug}`)).status === 302;
const inKv = async (slug) => (await (await worker.kv()).get(slug)) !== null;

test("eight parallel renames: the ones made from a stale read answer 409 conflict, and only the final slug stays in KV", async () => {
  const link = await create({ url: "https://example.com/race", slug: "race-0" });
  const slugs = Array.from({ length: 8 }, (_, i) => `race-${i + 1}`);
  const answers = await Promise.all(
    slugs.map((slug) => worker.api("PATCH", `/v1/links/${link.id}`, { key, body: { slug } })),
  );
  const won = answers.filter((r) => r.status === 200);
  const lost = answers.filter((r) => r.status !== 200);
  assert.ok(won.length >= 1, "at least one rename applies");
  for (const r of lost) {
    assert.equal(r.status, 409, r.text);
    assert.equal(r.json.error.code, "conflict");
    assert.match(r.json.error.message, /changed since version \d+ was read .*GET it again and retry/);
  }
  // Each applied rename moved the version by one, from 1.
  assert.deepEqual(won.map((r) => r.json.version).sort(), won.map((_, i) => i + 2));
  const final = (await worker.api("GET", `/v1/links/${link.id}`, { key })).json;
  assert.equal(final.version, won.length + 1);
  for (const slug of ["race-0", ...slugs]) {
    assert.equal(await inKv(slug), slug === final.slug, `KV ${slug}`);
    assert.equal(await redirects(slug), slug === final.slug, `redirect ${slug}`);
  }
  // After the DELETE, nothing the link ever published redirects.
  assert.equal((await worker.api("DELETE", `/v1/links/${link.id}`, { key })).status, 200);
  for (const slug of ["race-0", ...slugs]) {
    assert.equal(await inKv(slug), false, `KV ${slug} after delete`);
    assert.equal((await worker.fetch(`/${slug}`)).status, 404, slug);
  }
});

test("a PATCH racing a DELETE never leaves either slug redirecting (5 tries)", async () => {
  for (let i = 0; i < 5; i++) {
    const link = await create({ url: "https://example.com/pd", slug: `pd-${i}` });
    const [patched, deleted] = await Promise.all([
      worker.api("PATCH", `/v1/links/${link.id}`, { key, body: { slug: `pd-${i}-renamed` } }),
      worker.api("DELETE", `/v1/links/${link.id}`, { key }),
    ]);
    assert.ok([200, 404, 409].includes(patched.status), patched.text);
    assert.equal(deleted.status, 200, deleted.text);
    assert.equal((await worker.api("GET", `/v1/links/${link.id}`, { key })).status, 404);
    for (const slug of [`pd-${i}`, `pd-${i}-renamed`]) {
      assert.equal(await inKv(slug), false, `KV ${slug}, try ${i}`);
      assert.equal((await worker.fetch(`/${slug}`)).status, 404, `${slug}, try ${i}`);
    }
  }
});

test("links carry their version, in the body and as ETag", async () => {
  const link = await create({ url: "https://example.com/v", slug: "versioned" });
  assert.equal(link.version, 1);
  const read = await worker.api("GET", "/v1/links/versioned", { key });
  assert.equal(read.headers.get("etag"), '"1"');
  const patched = await worker.api("PATCH", "/v1/links/versioned", { key, body: { title: "t" } });
  assert.equal(patched.json.version, 2);
  assert.equal(patched.headers.get("etag"), '"2"');
});

test("If-Match with a stale version is 409 conflict and changes nothing; the current one applies", async () => {
  await create({ url: "https://example.com/im", slug: "if-match" });
  await worker.api("PATCH", "/v1/links/if-match", { key, body: { title: "second" } });
  const stale = await worker.api("PATCH", "/v1/links/if-match", {
    key, body: { slug: "if-match-stale" }, headers: { "If-Match": '"1"' },
  });
  assert.equal(stale.status, 409);
  assert.equal(stale.json.error.code, "conflict");
  assert.equal(
    stale.json.error.message,
    "the link changed since version 1 was read (it is now version 2); GET it again and retry",
  );
  assert.equal((await worker.fetch("/if-match-stale")).status, 404);
  const current = await worker.api("PATCH", "/v1/links/if-match", {
    key, body: { title: "third" }, headers: { "If-Match": '"2"' },
  });
  assert.equal(current.status, 200);
  assert.equal(current.json.version, 3);
});

test("the body's version works like If-Match, and the two must agree", async () => {
  await create({ url: "https://example.com/bv", slug: "body-version" });
  const stale = await worker.api("PATCH", "/v1/links/body-version", { key, body: { version: 7, title: "x" } });
  assert.equal(stale.status, 409);
  const both = await worker.api("PATCH", "/v1/links/body-version", {
    key, body: { version: 1, title: "x" }, headers: { "If-Match": '"2"' },
  });
  assert.equal(both.status, 400);
  assert.equal(both.json.error.field, "version");
  const ok = await worker.api("PATCH", "/v1/links/body-version", { key, body: { version: 1, title: "x" } });
  assert.equal(ok.status, 200);
  const bad = await worker.api("PATCH", "/v1/links/body-version", { key, body: { title: "y" }, headers: { "If-Match": "2" } });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error.field, "If-Match");
});

test("DELETE with a stale If-Match is 409 and the link stays", async () => {
  await create({ url: "https://example.com/dm", slug: "delete-match" });
  await worker.api("PATCH", "/v1/links/delete-match", { key, body: { title: "moved on" } });
  const res = await worker.api("DELETE", "/v1/links/delete-match", { key, headers: { "If-Match": '"1"' } });
  assert.equal(res.status, 409);
  assert.equal(res.json.error.code, "conflict");
  assert.equal((await worker.fetch("/delete-match")).status, 302);
  assert.equal((await worker.api("DELETE", "/v1/links/delete-match", { key, headers: { "If-Match": '"2"' } })).status, 200);
});

test("a delete removes every slug the link published, even one a lost KV delete left behind", async () => {
  const link = await create({ url: "https://example.com/h", slug: "hist-a" });
  await worker.api("PATCH", `/v1/links/${link.id}`, { key, body: { slug: "hist-b" } });
  await worker.api("PATCH", `/v1/links/${link.id}`, { key, body: { slug: "hist-c" } });
  // As if the KV delete of the first rename had been lost:
  const kv = await worker.kv();
  await kv.put("hist-a", JSON.stringify({ v: 2, id: link.id, u: "https://example.com/h" }));
  assert.equal(await redirects("hist-a"), true);
  const rows = await (await worker.d1())
    .prepare("SELECT slug FROM link_slugs WHERE link_id = ? ORDER BY slug")
    .bind(link.id)
    .all();
  assert.deepEqual(rows.results.map((r) => r.slug), ["hist-a", "hist-b", "hist-c"]);
  assert.equal((await worker.api("DELETE", `/v1/links/${link.id}`, { key })).status, 200);
  for (const slug of ["hist-a", "hist-b", "hist-c"]) {
    assert.equal((await worker.fetch(`/${slug}`)).status, 404, slug);
  }
});

test("a slug another link takes over leaves the first link's history", async () => {
  const first = await create({ url: "https://example.com/1", slug: "handed-over" });
  await worker.api("PATCH", `/v1/links/${first.id}`, { key, body: { slug: "handed-away" } });
  const second = await create({ url: "https://example.com/2", slug: "handed-over" });
  assert.equal((await worker.api("DELETE", `/v1/links/${first.id}`, { key })).status, 200);
  const res = await worker.fetch("/handed-over");
  assert.equal(res.status, 302);
  assert.equal(res.headers.get("location"), "https://example.com/2");
  await worker.api("DELETE", `/v1/links/${second.id}`, { key });
});

test("the Cron Trigger's reconciliation removes orphaned records and rewrites stale ones", async () => {
  const link = await create({ url: "https://example.com/live", slug: "recon-live" });
  const kv = await worker.kv();
  // An orphan: a record no live link holds (a rename or delete that was lost).
  await kv.put("recon-ghost", JSON.stringify({ v: 2, id: "link_ghost000000", u: "https://evil.example/" }), {
    metadata: { id: "link_ghost000000", v: 1 },
  });
  // A stale record for a live link, without the version label.
  await kv.put("recon-live", JSON.stringify({ v: 2, id: link.id, u: "https://example.com/old" }));
  assert.equal((await worker.fetch("/recon-ghost")).headers.get("location"), "https://evil.example/");
  await worker.scheduled();
  assert.equal(await kv.get("recon-ghost"), null);
  assert.equal((await worker.fetch("/recon-ghost")).status, 404);
  const { value, metadata } = await kv.getWithMetadata("recon-live");
  assert.equal(JSON.parse(value).u, "https://example.com/live");
  assert.deepEqual(metadata, { id: link.id, v: 1 });
  // The walk finished, so the next run starts again from the beginning.
  const state = await (await worker.d1()).prepare("SELECT cursor FROM reconcile_state").first();
  assert.equal(state.cursor, null);
});

test("an operator runs the reconciliation on demand and gets a report", async () => {
  const kv = await worker.kv();
  await kv.put("recon-orphan", JSON.stringify({ v: 2, id: "link_orphan00000", u: "https://example.com/" }));
  const res = await worker.api("POST", "/v1/admin/reconcile", { key: ADMIN_TOKEN });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.complete, true);
  assert.equal(res.json.cursor, null);
  assert.ok(res.json.removed >= 1 && res.json.scanned >= 1, res.text);
  assert.equal(await kv.get("recon-orphan"), null);
  // Everything now matches D1: a second run changes nothing.
  const again = await worker.api("POST", "/v1/admin/reconcile?pages=1", { key: ADMIN_TOKEN });
  assert.equal(again.json.removed, 0);
  assert.equal(again.json.republished, 0);
  const denied = await worker.api("POST", "/v1/admin/reconcile", { key });
  assert.equal(denied.status, 401);
  const bad = await worker.api("POST", "/v1/admin/reconcile?pages=9", { key: ADMIN_TOKEN });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error.field, "pages");
});

/**
 * A link at `reserved`, as if it had taken the word before a release
 * reserved it: its slug moved there in D1, its history and KV, behind the
 * API's back.
 */
async function linkOnReservedWord(reserved) {
  const before = `kept-before-${reserved}`;
  const link = await create({ url: `https://example.com/${reserved}`, slug: before });
  const db = await worker.d1();
  await db.batch([
    db.prepare("UPDATE links SET slug = ? WHERE id = ?").bind(reserved, link.id),
    db.prepare("UPDATE link_slugs SET slug = ? WHERE slug = ?").bind(reserved, before),
  ]);
  const kv = await worker.kv();
  const { value, metadata } = await kv.getWithMetadata(before);
  await kv.put(reserved, value, { metadata });
  await kv.delete(before);
  return link;
}

test("a link whose slug a later release reserved still redirects, and the API still finds it by that slug", async () => {
  const link = await linkOnReservedWord("admin");

  const visit = await worker.fetch("/admin");
  assert.equal(visit.status, 302);
  assert.equal(visit.headers.get("location"), "https://example.com/admin");
  const read = await worker.api("GET", "/v1/links/admin", { key });
  assert.equal(read.status, 200, read.text);
  assert.equal(read.json.id, link.id);
  assert.equal(read.json.slug, "admin");
  // The word stays reserved for new links.
  const taken = await worker.api("POST", "/v1/links", { key, body: { url: "https://example.com/new", slug: "admin" } });
  assert.equal(taken.status, 400, taken.text);
  assert.equal(taken.json.error.field, "slug");
  assert.equal(taken.json.error.message, "`slug` 'admin' is reserved; choose another");
});

test("a link whose slug a later release reserved can be edited with that slug sent back, and no other link can take the word", async () => {
  const link = await linkOnReservedWord("settings");
  const read = (await worker.api("GET", `/v1/links/${link.id}`, { key })).json;

  // A client sending back the link it read, with one field changed.
  const edited = await worker.api("PATCH", `/v1/links/${link.id}`, {
    key,
    body: { url: read.url, shortCode: read.slug, title: "Edited", version: read.version },
  });
  assert.equal(edited.status, 200, edited.text);
  assert.equal(edited.json.slug, "settings");
  assert.equal(edited.json.title, "Edited");
  assert.equal(edited.json.version, read.version + 1);
  assert.equal((await worker.fetch("/settings")).status, 302);

  const other = await create({ url: "https://example.com/other", slug: "not-settings" });
  const taken = await worker.api("PATCH", `/v1/links/${other.id}`, { key, body: { shortCode: "settings" } });
  assert.equal(taken.status, 400, taken.text);
  assert.equal(taken.json.error.code, "validation_error");
  assert.equal(taken.json.error.field, "shortCode");
  assert.equal(taken.json.error.message, "`shortCode` 'settings' is reserved; choose another");
  const unchanged = await worker.api("GET", `/v1/links/${other.id}`, { key });
  assert.equal(unchanged.json.slug, "not-settings");
  assert.equal(unchanged.json.version, 1);
});
