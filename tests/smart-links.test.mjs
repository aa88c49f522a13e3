// Smart-link options (issue 6): set through the API in both dialects,
// honoured by GET /{slug} at once. Passwords have their own file.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startWorker } from "./support/worker.mjs";

const IPHONE =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1";
const PIXEL =
  "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36";
const DESKTOP =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36";
const PAST = "2020-01-01T00:00:00Z";
const FUTURE = "2099-01-01T00:00:00Z";

let worker, key;
before(async () => {
  worker = await startWorker();
  ({ key } = await worker.account("Smart", "pro"));
});
after(() => worker?.dispose());

const create = (body) => worker.createLink(key, body);
const patch = (slug, body) => worker.patchLink(key, slug, body);

const visit = (path, ua = DESKTOP, headers = {}) =>
  worker.fetch(path, { headers: { "User-Agent": ua, ...headers } });

// The two dialects' spellings of each option that has two.
const DIALECTS = {
  camelCase: { expiresAt: "expiresAt", expiredUrl: "expiredUrl", redirectType: "redirectType", forwardQuery: "forwardQuery" },
  snake_case: { expiresAt: "expires_at", expiredUrl: "expired_url", redirectType: "redirect_type", forwardQuery: "forward_query" },
};

test("a new link has every option at its default, in both spellings", async () => {
  const link = await create({ url: "https://example.com/plain", slug: "plain" });
  assert.deepEqual(
    {
      ios: link.ios, android: link.android, expiresAt: link.expiresAt, expires_at: link.expires_at,
      expiredUrl: link.expiredUrl, expired_url: link.expired_url, hasPassword: link.hasPassword,
      has_password: link.has_password, redirectType: link.redirectType, redirect_type: link.redirect_type,
      forwardQuery: link.forwardQuery, forward_query: link.forward_query, utm: link.utm, tags: link.tags,
      disabled: link.disabled,
    },
    {
      ios: null, android: null, expiresAt: null, expires_at: null, expiredUrl: null, expired_url: null,
      hasPassword: false, has_password: false, redirectType: 302, redirect_type: 302,
      forwardQuery: true, forward_query: true, utm: null, tags: [], disabled: false,
    },
  );
});

for (const [dialect, n] of Object.entries(DIALECTS)) {
  test(`every option is accepted and returned (${dialect})`, async () => {
    const slug = `all-${dialect.replace("_", "-")}`;
    const link = await create({
      url: "https://example.com/all",
      slug,
      ios: "https://apps.apple.com/app/id1",
      android: "https://play.google.com/store/apps/details?id=x",
      [n.expiresAt]: "2099-01-01T01:00:00+01:00",
      [n.expiredUrl]: "https://example.com/over",
      password: "s3cret",
      [n.redirectType]: 307,
      [n.forwardQuery]: false,
      utm: { source: "news", medium: "email", campaign: "spring", term: "shoes", content: "hero" },
      tags: ["Spring", "q1"],
      disabled: false,
    });
    assert.equal(link.ios, "https://apps.apple.com/app/id1");
    assert.equal(link.android, "https://play.google.com/store/apps/details?id=x");
    assert.equal(link.expiresAt, "2099-01-01T00:00:00Z");
    assert.equal(link.expires_at, "2099-01-01T00:00:00Z");
    assert.equal(link.expiredUrl, "https://example.com/over");
    assert.equal(link.expired_url, "https://example.com/over");
    assert.equal(link.hasPassword, true);
    assert.equal(link.has_password, true);
    assert.equal(link.password, undefined);
    assert.equal(link.redirectType, 307);
    assert.equal(link.redirect_type, 307);
    assert.equal(link.forwardQuery, false);
    assert.equal(link.forward_query, false);
    assert.deepEqual(link.utm, { source: "news", medium: "email", campaign: "spring", term: "shoes", content: "hero" });
    assert.deepEqual(link.tags, ["spring", "q1"]);
    assert.equal(link.disabled, false);
    const read = await worker.api("GET", `/v1/links/${slug}`, { key });
    assert.deepEqual(read.json, link);
  });

  test(`an expired link answers 410 with a page (${dialect})`, async () => {
    const slug = `exp-${dialect.replace("_", "-")}`;
    await create({ url: "https://example.com/x", slug, [n.expiresAt]: PAST });
    const res = await visit(`/${slug}`, DESKTOP, { Accept: "text/html" });
    assert.equal(res.status, 410);
    assert.match(res.headers.get("content-type"), /^text\/html/);
    assert.match(res.text, /Link expired/);
    assert.equal(res.headers.get("x-content-type-options"), "nosniff");
    assert.equal(res.headers.get("x-frame-options"), "DENY");
    assert.match(res.headers.get("content-security-policy"), /default-src 'none'/);
  });

  test(`an expired link with a fallback redirects there with 302 (${dialect})`, async () => {
    const slug = `fb-${dialect.replace("_", "-")}`;
    await create({
      url: "https://example.com/x", slug, [n.expiresAt]: PAST,
      [n.expiredUrl]: "https://example.com/sold-out", [n.redirectType]: 301,
    });
    const res = await visit(`/${slug}?ref=a`);
    assert.equal(res.status, 302);
    assert.equal(res.headers.get("location"), "https://example.com/sold-out");
  });

  test(`redirectType 301, 307 and 308 set the status (${dialect})`, async () => {
    for (const status of [301, 307, 308]) {
      const slug = `rt-${status}-${dialect.replace("_", "-")}`;
      await create({ url: "https://example.com/rt", slug, [n.redirectType]: status });
      const res = await visit(`/${slug}`);
      assert.equal(res.status, status);
      assert.equal(res.headers.get("location"), "https://example.com/rt");
    }
  });

  test(`forwardQuery false keeps the visitor's query off the destination (${dialect})`, async () => {
    const slug = `nofwd-${dialect.replace("_", "-")}`;
    await create({ url: "https://example.com/p?a=1", slug, [n.forwardQuery]: false });
    assert.equal((await visit(`/${slug}?b=2`)).headers.get("location"), "https://example.com/p?a=1");
  });
}

test("a link whose expiry is in the future redirects normally", async () => {
  await create({ url: "https://example.com/soon", slug: "not-yet", expiresAt: FUTURE });
  const res = await visit("/not-yet");
  assert.equal(res.status, 302);
  assert.equal(res.headers.get("location"), "https://example.com/soon");
});

test("an expired link answers JSON 410 expired to API clients", async () => {
  await create({ url: "https://example.com/x", slug: "exp-json", expiresAt: PAST });
  const res = await visit("/exp-json", DESKTOP, { Accept: "application/json" });
  assert.equal(res.status, 410);
  assert.equal(res.json.error.code, "expired");
});

test("device targets send iPhone to ios, Android to android, others to url", async () => {
  await create({
    url: "https://example.com/web", slug: "app",
    ios: "https://apps.apple.com/app/id1", android: "https://play.google.com/store/apps/details?id=x",
  });
  assert.equal((await visit("/app", IPHONE)).headers.get("location"), "https://apps.apple.com/app/id1");
  assert.equal((await visit("/app", PIXEL)).headers.get("location"), "https://play.google.com/store/apps/details?id=x");
  assert.equal((await visit("/app", DESKTOP)).headers.get("location"), "https://example.com/web");
});

test("a device without its own target goes to url", async () => {
  await create({ url: "https://example.com/web", slug: "ios-only", ios: "https://apps.apple.com/app/id1" });
  assert.equal((await visit("/ios-only", PIXEL)).headers.get("location"), "https://example.com/web");
});

test("the visitor's query is forwarded, and the QR marker is not", async () => {
  await create({ url: "https://example.com/p", slug: "fwd" });
  assert.equal((await visit("/fwd?ref=tw&qr=1")).headers.get("location"), "https://example.com/p?ref=tw");
});

test("UTM parameters are appended to the destination", async () => {
  await create({ url: "https://example.com/p", slug: "utm", utm: { source: "news letter", campaign: "spring" } });
  assert.equal(
    (await visit("/utm")).headers.get("location"),
    "https://example.com/p?utm_source=news+letter&utm_campaign=spring",
  );
});

test("precedence: UTM over the destination's query, and the link's parameters over the visitor's", async () => {
  await create({
    url: "https://example.com/p?a=1&utm_source=dest&keep=yes#top",
    slug: "merge",
    utm: { source: "link", medium: "email" },
  });
  assert.equal(
    (await visit("/merge?utm_medium=visitor&a=2&qr=1")).headers.get("location"),
    "https://example.com/p?a=1&keep=yes&utm_source=link&utm_medium=email#top",
  );
});

test("device targets get the query and UTM too", async () => {
  await create({
    url: "https://example.com/web", slug: "app-utm",
    ios: "https://apps.apple.com/app/id1", utm: { source: "qr" },
  });
  assert.equal(
    (await visit("/app-utm?x=1", IPHONE)).headers.get("location"),
    "https://apps.apple.com/app/id1?utm_source=qr&x=1",
  );
});

test("a disabled link answers 410 and is still readable through the API", async () => {
  await create({ url: "https://example.com/off", slug: "off", disabled: true });
  const res = await visit("/off", DESKTOP, { Accept: "application/json" });
  assert.equal(res.status, 410);
  assert.equal(res.json.error.code, "disabled");
  const read = await worker.api("GET", "/v1/links/off", { key });
  assert.equal(read.status, 200);
  assert.equal(read.json.disabled, true);
});

test("disabling wins over an expiry fallback", async () => {
  await create({
    url: "https://example.com/x", slug: "off-exp", disabled: true,
    expiresAt: PAST, expiredUrl: "https://example.com/over",
  });
  assert.equal((await visit("/off-exp")).status, 410);
});

test("PATCHing options changes the redirect at once", async () => {
  await create({ url: "https://example.com/a", slug: "live" });
  await patch("live", { redirectType: 308, utm: { source: "x" } });
  let res = await visit("/live");
  assert.equal(res.status, 308);
  assert.equal(res.headers.get("location"), "https://example.com/a?utm_source=x");
  await patch("live", { disabled: true });
  assert.equal((await visit("/live")).status, 410);
  await patch("live", { disabled: false, redirect_type: null, utm: null, expires_at: PAST });
  assert.equal((await visit("/live")).status, 410);
  await patch("live", { expiresAt: null, ios: "https://apps.apple.com/x" });
  res = await visit("/live", IPHONE);
  assert.equal(res.status, 302);
  assert.equal(res.headers.get("location"), "https://apps.apple.com/x");
});

test("a PATCH without options leaves them as they were", async () => {
  await create({ url: "https://example.com/a", slug: "keep-opts", redirectType: 307, tags: ["x"] });
  const link = await patch("keep-opts", { title: "New title" });
  assert.equal(link.redirectType, 307);
  assert.deepEqual(link.tags, ["x"]);
  assert.equal((await visit("/keep-opts")).status, 307);
});

test("GET /v1/links?tag= lists only links with that tag", async () => {
  await create({ url: "https://example.com/1", slug: "tag-a", tags: ["Promo", "red"] });
  await create({ url: "https://example.com/2", slug: "tag-b", tags: ["promo"] });
  await create({ url: "https://example.com/3", slug: "tag-c", tags: ["blue"] });
  const res = await worker.api("GET", "/v1/links?tag=PROMO", { key });
  assert.equal(res.status, 200);
  assert.deepEqual(res.json.links.map((l) => l.slug), ["tag-b", "tag-a"]);
  assert.equal(res.json.total, 2);
});

test("retagging by PATCH moves the link between tag filters", async () => {
  await create({ url: "https://example.com/1", slug: "retag", tags: ["old-tag"] });
  await patch("retag", { tags: ["new-tag"] });
  const old = await worker.api("GET", "/v1/links?tag=old-tag", { key });
  const fresh = await worker.api("GET", "/v1/links?tag=new-tag", { key });
  assert.deepEqual(old.json.links.map((l) => l.slug), []);
  assert.deepEqual(fresh.json.links.map((l) => l.slug), ["retag"]);
});

test("another account's tags never show in my filter", async () => {
  const other = await worker.account("Other", "pro");
  await worker.api("POST", "/v1/links", {
    key: other.key, body: { url: "https://example.com/o", slug: "other-tagged", tags: ["shared"] },
  });
  const res = await worker.api("GET", "/v1/links?tag=shared", { key });
  assert.equal(res.json.total, 0);
});

test("a bad tag filter is a 400 naming tag", async () => {
  const res = await worker.api("GET", "/v1/links?tag=no%20spaces", { key });
  assert.equal(res.status, 400);
  assert.equal(res.json.error.code, "validation_error");
  assert.equal(res.json.error.field, "tag");
});

test("deleting a tagged link removes its tags", async () => {
  const link = await create({ url: "https://example.com/1", slug: "tagged-gone", tags: ["gone"] });
  await worker.api("DELETE", "/v1/links/tagged-gone", { key });
  const rows = await (await worker.d1()).prepare("SELECT COUNT(*) AS n FROM link_tags WHERE link_id = ?").bind(link.id).first();
  assert.equal(rows.n, 0);
});

test("each bad option is a 400 validation_error naming the field", async () => {
  const cases = [
    [{ expiresAt: "next tuesday" }, "expiresAt"],
    [{ expires_at: "2026-13-01T00:00:00Z" }, "expires_at"],
    [{ redirectType: 303 }, "redirectType"],
    [{ redirect_type: "301" }, "redirect_type"],
    [{ password: "x".repeat(129) }, "password"],
    [{ tags: Array.from({ length: 11 }, (_, i) => `t${i}`) }, "tags"],
    [{ tags: ["x".repeat(33)] }, "tags[0]"],
    [{ utm: { campaing: "typo" } }, "utm.campaing"],
    [{ ios: "not a url" }, "ios"],
    [{ android: "ftp://example.com/x" }, "android"],
    [{ expiredUrl: "javascript:alert(1)" }, "expiredUrl"],
    [{ expired_url: "http://short.test/loop" }, "expired_url"],
    [{ forwardQuery: "no" }, "forwardQuery"],
    [{ disabled: 1 }, "disabled"],
  ];
  for (const [extra, field] of cases) {
    const res = await worker.api("POST", "/v1/links", { key, body: { url: "https://example.com/v", ...extra } });
    assert.equal(res.status, 400, JSON.stringify(extra));
    assert.equal(res.json.error.code, "validation_error");
    assert.equal(res.json.error.field, field, JSON.stringify(extra));
  }
});

test("a bad option in a PATCH is a 400 and changes nothing", async () => {
  await create({ url: "https://example.com/a", slug: "patch-bad" });
  const res = await worker.api("PATCH", "/v1/links/patch-bad", { key, body: { redirectType: 300 } });
  assert.equal(res.status, 400);
  assert.equal(res.json.error.field, "redirectType");
  assert.equal((await visit("/patch-bad")).status, 302);
});

test("the KV record is version 3 with compact names", async () => {
  const link = await create({ url: "https://example.com/kv", slug: "kv-v2", redirectType: 307, disabled: true });
  const text = await (await worker.kv()).get("kv-v2");
  assert.deepEqual(JSON.parse(text), { v: 3, id: link.id, u: "https://example.com/kv", r: 307, d: true });
});

test("a version 1 KV record still redirects", async () => {
  const link = await create({ url: "https://example.com/new", slug: "kv-v1" });
  await (await worker.kv()).put("kv-v1", JSON.stringify({ v: 1, id: link.id, url: "https://example.com/old" }));
  const res = await visit("/kv-v1?x=1");
  assert.equal(res.status, 302);
  assert.equal(res.headers.get("location"), "https://example.com/old?x=1");
});

test("the inspect page shows the destination, title and creation date without redirecting", async () => {
  const link = await create({ url: "https://example.com/look?a=<b>", slug: "look", title: "Look & see" });
  const res = await visit("/look+", DESKTOP, { Accept: "text/html" });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("location"), null);
  assert.match(res.headers.get("content-type"), /^text\/html/);
  assert.match(res.text, /https:\/\/example\.com\/look\?a=%3Cb%3E/);
  assert.match(res.text, /Look &amp; see/);
  assert.ok(res.text.includes(link.createdAt));
  assert.equal(res.headers.get("x-frame-options"), "DENY");
  assert.equal(res.headers.get("x-content-type-options"), "nosniff");
  assert.ok(res.headers.get("content-security-policy"));
  assert.ok(res.headers.get("referrer-policy"));
});

test("the inspect page answers JSON to API clients", async () => {
  const link = await create({ url: "https://example.com/j", slug: "look-json", title: "T" });
  const res = await visit("/look-json+", DESKTOP, { Accept: "application/json" });
  assert.equal(res.status, 200);
  assert.equal(res.json.url, "https://example.com/j");
  assert.equal(res.json.original_url, "https://example.com/j");
  assert.equal(res.json.title, "T");
  assert.equal(res.json.createdAt, link.createdAt);
  assert.equal(res.json.created_at, link.createdAt);
  assert.equal(res.json.status, "active");
  assert.equal(res.json.hasPassword, false);
});

test("the inspect page of an unknown slug is 404", async () => {
  assert.equal((await visit("/nobody-here+")).status, 404);
});
