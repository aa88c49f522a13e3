// Smart routing (issue 12): geo targets, A/B test variants and social
// previews for link-unfurling bots. Set through the API in both spellings,
// kept in D1 and the KV record, honoured by GET /{slug} in the documented
// order (DESIGN.md §3): social preview, device target, geo target, A/B
// variant, destination. Analytics report the target served.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startWorker } from "./support/worker.mjs";

const IPHONE =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1";
const PIXEL =
  "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36";
const DESKTOP =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36";
const GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
const UNFURLERS = {
  Twitterbot: "Twitterbot/1.0",
  facebookexternalhit: "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
  LinkedInBot: "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
  Slackbot: "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
  Discordbot: "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
  TelegramBot: "TelegramBot (like TwitterBot)",
  WhatsApp: "WhatsApp/2.23.20.0 A",
  Applebot: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1.1 Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot)",
};

let worker, key;
before(async () => {
  worker = await startWorker();
  ({ key } = await worker.account("Routing", "pro"));
});
after(() => worker?.dispose());

const create = (body) => worker.createLink(key, body);
const patch = (slug, body) => worker.patchLink(key, slug, body);

/** One visit from `country` (request.cf.country), as `ua` from `ip`. */
function visit(slug, { ua = DESKTOP, country = "US", ip = "198.51.100.7", headers = {}, method = "GET" } = {}) {
  return worker.fetch(`/${slug}`, {
    method,
    headers: { "User-Agent": ua, "CF-Connecting-IP": ip, ...headers },
    cf: { country },
  });
}

const where = async (slug, options) => (await visit(slug, options)).headers.get("location");

const GEO = { US: "https://example.com/us", DE: "https://example.com/de" };
const HALVES = [
  { url: "https://example.com/a", percentage: 50 },
  { url: "https://example.com/b", percentage: 50 },
];
const OG = { title: "Spring sale", description: "Up to 50% off", image: "https://img.example/spring.png" };

// The two spellings of the one option that has two.
const SPELLINGS = { camelCase: "testVariants", snake_case: "test_variants" };

test("a new link has no geo targets, variants or preview", async () => {
  const link = await create({ url: "https://example.com/plain", slug: "route-plain" });
  assert.deepEqual(
    { geo: link.geo, testVariants: link.testVariants, test_variants: link.test_variants, og: link.og },
    { geo: null, testVariants: null, test_variants: null, og: null },
  );
});

for (const [dialect, variantsName] of Object.entries(SPELLINGS)) {
  const tag = dialect.replace("_", "-");

  test(`geo, ${variantsName} and og are accepted, returned in both spellings and stored in D1 (${dialect})`, async () => {
    const link = await create({
      url: "https://example.com/all", slug: `route-all-${tag}`,
      geo: { us: "https://example.com/us", DE: "https://example.com/de" },
      [variantsName]: HALVES,
      og: OG,
    });
    assert.deepEqual(link.geo, GEO);
    assert.deepEqual(link.testVariants, HALVES);
    assert.deepEqual(link.test_variants, HALVES);
    assert.deepEqual(link.og, OG);
    assert.deepEqual((await worker.api("GET", `/v1/links/${link.id}`, { key })).json, link);
    const row = await (await worker.d1())
      .prepare("SELECT geo, test_variants, og FROM links WHERE id = ?").bind(link.id).first();
    assert.deepEqual(JSON.parse(row.geo), GEO);
    assert.deepEqual(JSON.parse(row.test_variants), HALVES);
    assert.deepEqual(JSON.parse(row.og), OG);
  });

  test(`the KV record is version 3 with the routing options (${dialect})`, async () => {
    const link = await create({
      url: "https://example.com/kv", slug: `route-kv-${tag}`,
      geo: { DE: "https://example.com/de" }, [variantsName]: HALVES, og: { title: "T" },
    });
    assert.deepEqual(JSON.parse(await (await worker.kv()).get(`route-kv-${tag}`)), {
      v: 3, id: link.id, u: "https://example.com/kv",
      g: { DE: "https://example.com/de" },
      t: HALVES,
      o: { title: "T" },
    });
  });

  test(`PATCH sets each routing option and null clears it (${dialect})`, async () => {
    const slug = `route-patch-${tag}`;
    await create({ url: "https://example.com/p", slug });
    let link = await patch(slug, { geo: GEO, [variantsName]: HALVES, og: OG });
    assert.deepEqual([link.geo, link.testVariants, link.og], [GEO, HALVES, OG]);
    assert.equal(await where(slug, { country: "DE" }), "https://example.com/de");
    // Absent options stay as they are.
    link = await patch(slug, { title: "renamed" });
    assert.deepEqual([link.geo, link.test_variants, link.og], [GEO, HALVES, OG]);
    for (const name of ["geo", variantsName, "og"]) {
      link = await patch(slug, { [name]: null });
    }
    assert.deepEqual([link.geo, link.testVariants, link.test_variants, link.og], [null, null, null, null]);
    assert.equal(await where(slug, { country: "DE" }), "https://example.com/p");
    const res = await visit(slug, { ua: UNFURLERS.Slackbot });
    assert.equal(res.status, 302);
    const row = await (await worker.d1())
      .prepare("SELECT geo, test_variants, og FROM links WHERE slug = ?").bind(slug).first();
    assert.deepEqual(row, { geo: null, test_variants: null, og: null });
  });

  test(`a visitor keeps their variant (${dialect})`, async () => {
    const slug = `route-stable-${tag}`;
    await create({ url: "https://example.com/x", slug, [variantsName]: HALVES });
    for (const ip of ["203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.4"]) {
      const first = await where(slug, { ip });
      assert.match(first, /^https:\/\/example\.com\/[ab]$/);
      for (let i = 0; i < 5; i++) assert.equal(await where(slug, { ip }), first, ip);
    }
  });

  test(`visitors split by the percentages within tolerance (${dialect})`, async () => {
    const slug = `route-split-${tag}`;
    await create({
      url: "https://example.com/x", slug,
      [variantsName]: [
        { url: "https://example.com/a", percentage: 30 },
        { url: "https://example.com/b", percentage: 70 },
      ],
    });
    const counts = { "https://example.com/a": 0, "https://example.com/b": 0 };
    const visitors = 1000;
    for (let i = 0; i < visitors; i++) {
      counts[await where(slug, { ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` })] += 1;
    }
    // Binomial: 300 ± 14.5 (one standard deviation); allow four.
    assert.ok(Math.abs(counts["https://example.com/a"] - 300) <= 58, JSON.stringify(counts));
    assert.equal(counts["https://example.com/a"] + counts["https://example.com/b"], visitors);
  });
}

test("a geo target serves visitors of its country; others get the destination", async () => {
  await create({ url: "https://example.com/home", slug: "route-geo", geo: GEO });
  assert.equal(await where("route-geo", { country: "US" }), "https://example.com/us");
  assert.equal(await where("route-geo", { country: "DE" }), "https://example.com/de");
  assert.equal(await where("route-geo", { country: "FR" }), "https://example.com/home");
  // Tor and unknown countries match no target.
  assert.equal(await where("route-geo", { country: "T1" }), "https://example.com/home");
  assert.equal(await where("route-geo", { country: "XX" }), "https://example.com/home");
});

test("precedence: device target, then geo, then variant, then destination", async () => {
  await create({
    url: "https://example.com/home", slug: "route-order",
    ios: "https://apps.apple.com/app", android: "https://play.google.com/app",
    geo: { DE: "https://example.com/de" },
    testVariants: [
      { url: "https://example.com/a", percentage: 99 },
      { url: "https://example.com/b", percentage: 1 },
    ],
  });
  assert.equal(await where("route-order", { ua: IPHONE, country: "DE" }), "https://apps.apple.com/app");
  assert.equal(await where("route-order", { ua: PIXEL, country: "DE" }), "https://play.google.com/app");
  assert.equal(await where("route-order", { country: "DE" }), "https://example.com/de");
  const variant = await where("route-order", { country: "FR" });
  assert.match(variant, /^https:\/\/example\.com\/[ab]$/);
  // Without the test, the destination.
  await patch("route-order", { testVariants: null });
  assert.equal(await where("route-order", { country: "FR" }), "https://example.com/home");
});

test("UTM and the visitor's query apply to geo targets and variants too", async () => {
  await create({
    url: "https://example.com/home", slug: "route-utm", geo: { DE: "https://example.com/de" },
    testVariants: HALVES, utm: { campaign: "spring" },
  });
  const res = await worker.fetch("/route-utm?ref=x", { headers: { "User-Agent": DESKTOP }, cf: { country: "DE" } });
  assert.equal(res.headers.get("location"), "https://example.com/de?utm_campaign=spring&ref=x");
  const other = await worker.fetch("/route-utm?ref=x", { headers: { "User-Agent": DESKTOP }, cf: { country: "FR" } });
  assert.match(other.headers.get("location"), /^https:\/\/example\.com\/[ab]\?utm_campaign=spring&ref=x$/);
});

for (const [name, ua] of Object.entries(UNFURLERS)) {
  test(`${name} gets the social preview when og is set`, async () => {
    const slug = `route-og-${name.toLowerCase()}`;
    await create({ url: "https://example.com/story", slug, og: OG, ios: "https://apps.apple.com/app" });
    const res = await visit(slug, { ua });
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type"), /^text\/html/);
    assert.equal(res.headers.get("location"), null);
    assert.match(res.text, /<meta property="og:title" content="Spring sale">/);
    assert.match(res.text, /<meta property="og:image" content="https:\/\/img\.example\/spring\.png">/);
    assert.match(res.text, /<meta name="twitter:card" content="summary_large_image">/);
  });
}

test("the preview page carries Open Graph and Twitter Card tags and the security headers", async () => {
  await create({ url: "https://example.com/story", slug: "route-og-page", og: OG });
  const res = await visit("route-og-page", { ua: UNFURLERS.Twitterbot });
  assert.equal(res.status, 200);
  for (const tag of [
    '<title>Spring sale</title>',
    '<meta property="og:type" content="website">',
    '<meta property="og:title" content="Spring sale">',
    '<meta property="og:url" content="http://short.test/route-og-page">',
    '<meta name="twitter:title" content="Spring sale">',
    '<meta name="description" content="Up to 50% off">',
    '<meta property="og:description" content="Up to 50% off">',
    '<meta name="twitter:description" content="Up to 50% off">',
    '<meta property="og:image" content="https://img.example/spring.png">',
    '<meta name="twitter:image" content="https://img.example/spring.png">',
    '<meta name="twitter:card" content="summary_large_image">',
    '<a href="https://example.com/story" rel="noopener noreferrer nofollow">Continue</a>',
  ]) {
    assert.ok(res.text.includes(tag), tag);
  }
  assert.match(res.headers.get("content-security-policy"), /default-src 'none'/);
  assert.equal(res.headers.get("x-content-type-options"), "nosniff");
  assert.equal(res.headers.get("cache-control"), "private, max-age=0");
  assert.equal(res.headers.get("x-robots-tag"), "noindex");
});

test("everything in the preview page is escaped", async () => {
  await create({
    url: "https://example.com/story?a=1&b=2", slug: "route-og-escape",
    og: {
      title: `"><script>alert('t')</script>`,
      description: `Tom & Jerry's <b>"best"</b>`,
      image: `https://img.example/a.png?x=1&y="><script>`,
    },
  });
  const res = await visit("route-og-escape", { ua: UNFURLERS.facebookexternalhit });
  assert.equal(res.status, 200);
  assert.ok(!res.text.includes("<script>"), res.text);
  assert.ok(!res.text.includes("<b>"), res.text);
  assert.ok(
    res.text.includes('<meta property="og:title" content="&quot;&gt;&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt;">'),
    res.text,
  );
  assert.ok(
    res.text.includes('<meta property="og:description" content="Tom &amp; Jerry&#39;s &lt;b&gt;&quot;best&quot;&lt;/b&gt;">'),
    res.text,
  );
  // The URL parser percent-encodes what a URL cannot hold; `&` stays and is escaped.
  assert.ok(
    res.text.includes('<meta property="og:image" content="https://img.example/a.png?x=1&amp;y=%22%3E%3Cscript%3E">'),
    res.text,
  );
  assert.ok(res.text.includes('href="https://example.com/story?a=1&amp;b=2"'), res.text);
});

test("without og, unfurlers are redirected as before; with og, people and other bots still are", async () => {
  await create({ url: "https://example.com/plain-story", slug: "route-no-og" });
  const bot = await visit("route-no-og", { ua: UNFURLERS.Slackbot });
  assert.equal(bot.status, 302);
  assert.equal(bot.headers.get("location"), "https://example.com/plain-story");
  await create({ url: "https://example.com/story", slug: "route-og-people", og: OG });
  for (const ua of [DESKTOP, IPHONE, GOOGLEBOT]) {
    const res = await visit("route-og-people", { ua });
    assert.equal(res.status, 302, ua);
    assert.equal(res.headers.get("location"), "https://example.com/story", ua);
  }
});

test("a password comes before the preview: unfurlers see the password form, not the preview", async () => {
  await create({ url: "https://example.com/secret", slug: "route-og-password", og: OG, password: "s3cret" });
  const res = await visit("route-og-password", { ua: UNFURLERS.Slackbot });
  assert.equal(res.status, 200);
  assert.match(res.text, /Password required/);
  assert.ok(!res.text.includes("og:title"));
});

test("a disabled link with og is 410 for unfurlers too", async () => {
  await create({ url: "https://example.com/off", slug: "route-og-off", og: OG, disabled: true });
  assert.equal((await visit("route-og-off", { ua: UNFURLERS.Twitterbot })).status, 410);
});

test("a version 2 KV record (written before routing options) still redirects", async () => {
  const link = await create({ url: "https://example.com/new", slug: "route-kv-v2", geo: GEO });
  await (await worker.kv()).put(
    "route-kv-v2",
    JSON.stringify({ v: 2, id: link.id, u: "https://example.com/old", i: "https://apps.apple.com/old" }),
  );
  assert.equal(await where("route-kv-v2", { ua: IPHONE }), "https://apps.apple.com/old");
  assert.equal(await where("route-kv-v2", { country: "DE" }), "https://example.com/old");
});

/** Each bad body: [body, field, message fragment]. */
const BAD = [
  [{ geo: "US" }, "geo", "must be an object of country code to URL"],
  [{ geo: { USA: "https://example.com/" } }, "geo.USA", "'USA' is not an ISO 3166-1 alpha-2 country code"],
  [{ geo: { ZZ: "https://example.com/" } }, "geo.ZZ", "not an ISO 3166-1 alpha-2"],
  [{ geo: { US: "ftp://example.com/" } }, "geo.US", "must use http or https"],
  [{ geo: { US: "http://short.test/loop" } }, "geo.US", "would loop"],
  [{ geo: { US: "https://example.com/1", us: "https://example.com/2" } }, "geo.us", "repeats the country US"],
  [{ og: "Spring" }, "og", "must be an object"],
  [{ og: {} }, "og.title", "is required"],
  [{ og: { title: "x".repeat(201) } }, "og.title", "1 to 200 characters (got 201)"],
  [{ og: { title: "T", description: "x".repeat(501) } }, "og.description", "1 to 500 characters (got 501)"],
  [{ og: { title: "T", image: "http://img.example/a.png" } }, "og.image", "must be an https URL"],
  [{ og: { title: "T", image: "not a url" } }, "og.image", "must be an absolute URL"],
  [{ og: { title: "T", url: "https://example.com/" } }, "og.url", "not a preview field"],
];

/** Bad variant lists, sent under `name`. */
const badVariants = (name) => [
  [{ [name]: HALVES[0] }, name, "must be an array"],
  [{ [name]: [HALVES[0]] }, name, "2 to 4 variants (got 1)"],
  [{ [name]: [HALVES[0], HALVES[1], HALVES[0], HALVES[1], HALVES[0]] }, name, "2 to 4 variants (got 5)"],
  [{ [name]: [HALVES[0], { url: "https://example.com/b", percentage: 40 }] }, name, "add up to exactly 100 (got 90)"],
  [{ [name]: [HALVES[0], { url: "https://example.com/b", percentage: 0 }] }, `${name}[1].percentage`, "1 to 99 (got 0)"],
  [{ [name]: [HALVES[0], { url: "https://example.com/b" }] }, `${name}[1].percentage`, "is required"],
  [{ [name]: [{ url: "javascript:alert(1)", percentage: 50 }, HALVES[1]] }, `${name}[0].url`, "must use http or https"],
  [{ [name]: [HALVES[0], { url: "https://example.com/b", percentage: 50, weight: 2 }] }, `${name}[1].weight`, "not a variant field"],
];

/** Sends each bad body on create and on PATCH of `slug`: 400 naming the field. */
async function refuses(slug, cases) {
  await create({ url: "https://example.com/ok", slug });
  for (const [body, field, message] of cases) {
    for (const [method, path, full] of [
      ["POST", "/v1/links", { url: "https://example.com/x", ...body }],
      ["PATCH", `/v1/links/${slug}`, body],
    ]) {
      const res = await worker.api(method, path, { key, body: full });
      assert.equal(res.status, 400, `${method} ${JSON.stringify(body)}: ${res.text}`);
      assert.equal(res.json.error.code, "validation_error");
      assert.equal(res.json.error.field, field, JSON.stringify(body));
      assert.ok(res.json.error.message.includes(message), `${JSON.stringify(body)}: ${res.json.error.message}`);
    }
  }
  // The refused PATCHes changed nothing.
  const link = (await worker.api("GET", `/v1/links/${slug}`, { key })).json;
  assert.deepEqual([link.geo, link.testVariants, link.og], [null, null, null]);
}

test("each bad geo target or preview is a 400 naming the field, on create and PATCH", async () => {
  await refuses("route-bad", BAD);
});

for (const [dialect, name] of Object.entries(SPELLINGS)) {
  test(`each bad variant list is a 400 naming the field, on create and PATCH (${dialect})`, async () => {
    await refuses(`route-bad-${dialect.replace("_", "-")}`, badVariants(name));
  });
}

test("at most 50 geo targets", async () => {
  // 51 assigned codes.
  const codes = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU".split(" ");
  assert.equal(codes.length, 51);
  const geo = (n) => Object.fromEntries(codes.slice(0, n).map((c) => [c, `https://example.com/${c}`]));
  const res = await worker.api("POST", "/v1/links", { key, body: { url: "https://example.com/x", geo: geo(51) } });
  assert.equal(res.status, 400);
  assert.equal(res.json.error.field, "geo");
  assert.match(res.json.error.message, /at most 50 countries \(got 51\)/);
  const ok = await create({ url: "https://example.com/x", slug: "route-geo-50", geo: geo(50) });
  assert.equal(Object.keys(ok.geo).length, 50);
});

/** Polls the link's analytics until `done(report)`: clicks land after the redirect answers. */
async function analyticsWhen(slug, done, what) {
  const deadline = Date.now() + 10_000;
  let res;
  while (Date.now() < deadline) {
    res = await worker.api("GET", `/v1/links/${slug}/analytics?period=7d`, { key });
    if (res.status === 200 && done(res.json)) return res.json;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`timed out waiting for ${what}; last: ${res?.text}`);
}

test("analytics break clicks down by the target served", async () => {
  const slug = "route-stats";
  await create({
    url: "https://example.com/home", slug,
    ios: "https://apps.apple.com/app", android: "https://play.google.com/app",
    geo: { DE: "https://example.com/de" },
  });
  await visit(slug, { ua: IPHONE, ip: "10.1.0.1" });
  await visit(slug, { ua: PIXEL, ip: "10.1.0.2" });
  for (const ip of ["10.1.0.3", "10.1.0.4"]) await visit(slug, { country: "DE", ip });
  for (const ip of ["10.1.0.5", "10.1.0.6", "10.1.0.7"]) await visit(slug, { country: "FR", ip });
  const report = await analyticsWhen(slug, (r) => r.total_clicks === 7, "7 clicks");
  assert.deepEqual(report.targets, [
    { target: "default", clicks: 3 },
    { target: "geo:DE", clicks: 2 },
    { target: "android", clicks: 1 },
    { target: "ios", clicks: 1 },
  ]);
  assert.deepEqual(report.variants, []);
  assert.equal(report.unfurls, 0);
});

test("analytics report clicks and unique visitors per variant", async () => {
  const slug = "route-variant-stats";
  await create({ url: "https://example.com/home", slug, test_variants: HALVES });
  const variantOf = {};
  const visitors = Array.from({ length: 40 }, (_, i) => `10.2.0.${i + 1}`);
  for (const ip of visitors) {
    // Each visitor comes twice: a click each time, one unique visitor.
    variantOf[ip] = await where(slug, { ip });
    assert.equal(await where(slug, { ip }), variantOf[ip]);
  }
  const perVariant = (url) => visitors.filter((ip) => variantOf[ip] === url).length;
  const a = perVariant("https://example.com/a");
  const b = perVariant("https://example.com/b");
  assert.equal(a + b, 40);
  const report = await analyticsWhen(slug, (r) => r.total_clicks === 80, "80 clicks");
  assert.deepEqual(
    report.variants,
    [
      { variant: 1, clicks: 2 * a, uniqueClicks: a, unique_clicks: a },
      { variant: 2, clicks: 2 * b, uniqueClicks: b, unique_clicks: b },
    ].filter((v) => v.clicks > 0),
  );
  assert.deepEqual(
    report.targets.map((t) => t.target).sort(),
    ["variant:1", "variant:2"].filter((_, i) => [a, b][i] > 0),
  );
  assert.equal(report.unique_clicks, 40);
});

test("unfurls are counted apart from clicks and bot hits", async () => {
  const slug = "route-unfurls";
  await create({ url: "https://example.com/story", slug, og: OG });
  for (const ua of [UNFURLERS.Slackbot, UNFURLERS.Twitterbot, UNFURLERS.Discordbot]) {
    assert.equal((await visit(slug, { ua })).status, 200);
  }
  await visit(slug, { ua: GOOGLEBOT });
  await visit(slug, { ip: "10.3.0.1" });
  const report = await analyticsWhen(slug, (r) => r.unfurls === 3 && r.bots === 1 && r.total_clicks === 1, "3 unfurls");
  assert.equal(report.unique_clicks, 1);
  assert.deepEqual(report.targets, [{ target: "default", clicks: 1 }]);
});

test("an unfurl of a capped link consumes none of its clicks", async () => {
  const slug = "route-capped-og";
  await create({ url: "https://example.com/story", slug, og: OG, maxClicks: 1 });
  for (let i = 0; i < 3; i++) assert.equal((await visit(slug, { ua: UNFURLERS.Slackbot })).status, 200);
  assert.equal((await visit(slug, { ip: "10.4.0.1" })).status, 302);
  assert.equal((await visit(slug, { ip: "10.4.0.2" })).status, 410);
});
