// Unit tests of the client against a scripted local HTTP server: what it
// sends, how it maps errors, retries, times out and pages.
import { test, describe, beforeEach, afterEach } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import {
  SmartLinks,
  VERSION,
  USER_AGENT,
  APIError,
  APIConnectionError,
  APITimeoutError,
  ValidationError,
  UnauthorizedError,
  ForbiddenError,
  PlanLimitError,
  NotFoundError,
  MethodNotAllowedError,
  SlugTakenError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  RateLimitError,
  InternalServerError,
  ServiceUnavailableError,
} from "../dist/index.js";
import { fakeServer, json, apiError, slow, rawLink } from "./fake-server.mjs";

const KEY = "sl_live_0123456789abcdefghijklmnopqrstuv";
let server;
let client;

beforeEach(async () => {
  server = await fakeServer();
  client = new SmartLinks({ apiKey: KEY, baseUrl: server.url });
});
afterEach(() => server.close());

describe("configuration", () => {
  test("the version and user agent match package.json", () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
    assert.equal(pkg.name, "@smartlinks/sdk");
    assert.equal(VERSION, pkg.version);
    assert.equal(USER_AGENT, `smartlinks-typescript/${pkg.version}`);
  });

  test("the key and base URL come from the environment when not passed", async () => {
    server.reply(json(200, rawLink(1)));
    process.env.SMARTLINKS_API_KEY = "sl_live_fromenv";
    process.env.SMARTLINKS_BASE_URL = `${server.url}/v1/`;
    try {
      const fromEnv = new SmartLinks();
      assert.equal(fromEnv.baseUrl, server.url);
      await fromEnv.links.get("s1");
      assert.equal(server.requests[0].headers.authorization, "Bearer sl_live_fromenv");
      assert.equal(server.requests[0].url.pathname, "/v1/links/s1");
    } finally {
      delete process.env.SMARTLINKS_API_KEY;
      delete process.env.SMARTLINKS_BASE_URL;
    }
  });

  test("a missing key or base URL names the argument and the variable", () => {
    assert.throws(() => new SmartLinks({ baseUrl: server.url }), /`apiKey`.*SMARTLINKS_API_KEY/);
    assert.throws(() => new SmartLinks({ apiKey: KEY }), /`baseUrl`.*SMARTLINKS_BASE_URL/);
  });

  test("every request carries the key, the user agent and JSON headers", async () => {
    server.reply(json(201, rawLink(1)));
    await client.links.create({ url: "https://example.com/", shortCode: "s1", title: "T" });
    const [request] = server.requests;
    assert.equal(request.method, "POST");
    assert.equal(request.url.pathname, "/v1/links");
    assert.equal(request.headers.authorization, `Bearer ${KEY}`);
    assert.equal(request.headers["user-agent"], `smartlinks-typescript/${VERSION}`);
    assert.equal(request.headers["content-type"], "application/json");
    assert.equal(request.headers.accept, "application/json");
    assert.deepEqual(request.body, { url: "https://example.com/", shortCode: "s1", title: "T" });
  });

  test("in a browser the client leaves the User-Agent to the browser", async () => {
    server.reply(json(200, rawLink(1)));
    const original = Object.getOwnPropertyDescriptor(globalThis, "navigator");
    Object.defineProperty(globalThis, "navigator", {
      value: { userAgent: "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0" },
      configurable: true,
    });
    try {
      await client.links.get("s1");
    } finally {
      if (original) Object.defineProperty(globalThis, "navigator", original);
      else delete globalThis.navigator;
    }
    assert.notEqual(server.requests[0].headers["user-agent"], USER_AGENT);
  });
});

describe("models", () => {
  test("a link keeps one name per field, and fields the client does not know yet", async () => {
    server.reply(json(200, rawLink(1, { geo: { US: "https://example.com/us" } })));
    const link = await client.links.get("s1");
    assert.equal(link.shortCode, "s1");
    assert.equal(link.shortUrl, "https://smart.link/s1");
    assert.equal(link.url, "https://example.com/");
    assert.equal(link.createdAt, "2026-02-01T10:00:00Z");
    for (const alias of ["slug", "short_url", "original_url", "created_at", "updated_at", "has_password", "redirect_type"]) {
      assert.equal(alias in link, false, alias);
    }
    assert.deepEqual(link.geo, { US: "https://example.com/us" });
  });

  test("ids and short codes are escaped into the path", async () => {
    server.reply(json(200, rawLink(1)));
    await client.links.get("a/b c");
    assert.equal(server.requests[0].url.pathname, "/v1/links/a%2Fb%20c");
  });

  test("analytics by period, or by from/to with dates, in one shape", async () => {
    const report = {
      linkId: "link_000000000001",
      slug: "s1",
      period: { from: "2026-02-01T00:00:00Z", to: "2026-02-07T23:59:59Z" },
      metrics: { clicks: 3, uniqueClicks: 2, platforms: { ios: 1, android: 0, web: 2 } },
      total_clicks: 3,
      unique_clicks: 2,
      clicks_by_date: [{ date: "2026-02-01", clicks: 3 }],
      countries: [{ country: "US", clicks: 3 }],
      devices: [],
      referrers: [{ referrer: "direct", clicks: 3 }],
      browsers: [],
      os: [],
      sources: [{ source: "link", clicks: 3 }],
      qr_clicks: 0,
      bots: 1,
      unfurls: 2,
      targets: [{ target: "variant:1", clicks: 2 }, { target: "geo:DE", clicks: 1 }],
      variants: [{ variant: 1, clicks: 2, uniqueClicks: 1, unique_clicks: 1 }],
    };
    server.reply(json(200, report));
    const byPeriod = await client.links.analytics("s1", { period: "7d" });
    await client.links.analytics("s1", { from: new Date("2026-02-01T00:00:00Z"), to: "2026-02-07" });
    assert.equal(server.requests[0].url.search, "?period=7d");
    assert.equal(server.requests[1].url.searchParams.get("from"), "2026-02-01T00:00:00.000Z");
    assert.equal(server.requests[1].url.searchParams.get("to"), "2026-02-07");
    assert.deepEqual(byPeriod, {
      linkId: "link_000000000001",
      shortCode: "s1",
      period: report.period,
      clicks: 3,
      uniqueClicks: 2,
      platforms: { ios: 1, android: 0, web: 2 },
      clicksByDate: [{ date: "2026-02-01", clicks: 3 }],
      countries: [{ country: "US", clicks: 3 }],
      devices: [],
      referrers: [{ referrer: "direct", clicks: 3 }],
      browsers: [],
      os: [],
      sources: [{ source: "link", clicks: 3 }],
      qrClicks: 0,
      bots: 1,
      unfurls: 2,
      targets: [{ target: "variant:1", clicks: 2 }, { target: "geo:DE", clicks: 1 }],
      variants: [{ variant: 1, clicks: 2, uniqueClicks: 1 }],
    });
  });

  test("a QR code comes as bytes with its type and ETag", async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
    server.reply((_req, res) => {
      res.writeHead(200, { "content-type": "image/png", etag: '"abc"' });
      res.end(png);
    });
    const image = await client.qrCodes.create({ linkId: "link_000000000001", format: "png", size: 128 });
    assert.deepEqual(image, { format: "png", contentType: "image/png", data: new Uint8Array(png), etag: '"abc"' });
    assert.match(server.requests[0].headers.accept, /image\/png/);
    assert.deepEqual(server.requests[0].body, { linkId: "link_000000000001", format: "png", size: 128 });
  });

  test("a QR code as a data URL asks for JSON", async () => {
    server.reply(json(200, { format: "svg", size: 300, dataUrl: "data:image/svg+xml;base64,PHN2Zy8+" }));
    const qr = await client.links.qrCodeDataUrl("s1", { size: 300 });
    assert.equal(qr.dataUrl, "data:image/svg+xml;base64,PHN2Zy8+");
    assert.equal(server.requests[0].headers.accept, "application/json");
    assert.equal(server.requests[0].url.pathname, "/v1/links/s1/qr");
    assert.equal(server.requests[0].url.search, "?size=300");
  });
});

describe("errors", () => {
  const cases = [
    [400, "validation_error", ValidationError],
    [401, "unauthorized", UnauthorizedError],
    [403, "forbidden", ForbiddenError],
    [403, "plan_limit", PlanLimitError],
    [404, "not_found", NotFoundError],
    [405, "method_not_allowed", MethodNotAllowedError],
    [409, "slug_taken", SlugTakenError],
    [413, "payload_too_large", PayloadTooLargeError],
    [415, "unsupported_media_type", UnsupportedMediaTypeError],
    [429, "rate_limited", RateLimitError],
    [500, "internal_error", InternalServerError],
    [503, "service_unavailable", ServiceUnavailableError],
  ];
  for (const [status, code, Class] of cases) {
    test(`${status} ${code} is a ${Class.name} carrying status, code, message, field and request id`, async () => {
      server.reply(apiError(status, code, `about ${code}`, { field: "url" }, { "cf-ray": "8f00aa-TST", "retry-after": "0" }));
      const error = await client.links.create({ url: "https://example.com/" }, { maxRetries: 0 }).catch((e) => e);
      assert.ok(error instanceof Class, `${error?.name}`);
      assert.ok(error instanceof APIError);
      assert.equal(error.name, Class.name);
      assert.equal(error.status, status);
      assert.equal(error.code, code);
      assert.equal(error.message, `about ${code}`);
      assert.equal(error.field, "url");
      assert.equal(error.requestId, "8f00aa-TST");
    });
  }

  test("x-request-id is preferred to cf-ray", async () => {
    server.reply(apiError(404, "not_found", "no", {}, { "x-request-id": "req_1", "cf-ray": "ray" }));
    const error = await client.links.get("x").catch((e) => e);
    assert.equal(error.requestId, "req_1");
  });

  test("a body that is not an API error maps by status and keeps the text", async () => {
    server.reply((_req, res) => res.writeHead(502, { "content-type": "text/html" }).end("<h1>Bad gateway</h1>"));
    const error = await client.links.get("x", { maxRetries: 0 }).catch((e) => e);
    assert.ok(error instanceof InternalServerError);
    assert.equal(error.status, 502);
    assert.equal(error.code, undefined);
    assert.equal(error.body, "<h1>Bad gateway</h1>");
    assert.equal(error.requestId, undefined);
  });
});

describe("retries", () => {
  test("a 429 is retried after Retry-After seconds, even for a POST", async () => {
    server.reply(apiError(429, "rate_limited", "slow down", {}, { "retry-after": "1" }), json(201, rawLink(1)));
    const started = Date.now();
    const link = await client.links.create({ url: "https://example.com/" });
    assert.equal(link.shortCode, "s1");
    assert.equal(server.requests.length, 2);
    assert.ok(Date.now() - started >= 950, "waited for Retry-After");
  });

  test("a Retry-After beyond maxRetryDelay is not waited for", async () => {
    server.reply(apiError(429, "rate_limited", "slow down", {}, { "retry-after": "3600" }));
    const error = await client.links.get("s1").catch((e) => e);
    assert.ok(error instanceof RateLimitError);
    assert.equal(error.retryAfter, 3600);
    assert.equal(server.requests.length, 1);
  });

  test("a 5xx on a GET is retried with backoff until it succeeds", async () => {
    server.reply(apiError(503, "service_unavailable", "busy"), apiError(500, "internal_error", "oops"), json(200, rawLink(1)));
    const link = await client.links.get("s1");
    assert.equal(link.id, "link_000000000001");
    assert.equal(server.requests.length, 3);
  });

  test("retries stop at maxRetries and the last error is thrown", async () => {
    server.reply(apiError(503, "service_unavailable", "busy"));
    const error = await client.links.delete("s1", { maxRetries: 1 }).catch((e) => e);
    assert.ok(error instanceof ServiceUnavailableError);
    assert.equal(server.requests.length, 2);
  });

  test("maxRetries: 0 on the client turns retries off", async () => {
    const noRetries = new SmartLinks({ apiKey: KEY, baseUrl: server.url, maxRetries: 0 });
    server.reply(apiError(500, "internal_error", "oops"));
    await assert.rejects(noRetries.links.get("s1"), InternalServerError);
    assert.equal(server.requests.length, 1);
  });

  test("a 5xx on a POST or PATCH is not retried: it may have taken effect", async () => {
    server.reply(apiError(500, "internal_error", "oops"));
    await assert.rejects(client.links.create({ url: "https://example.com/" }), InternalServerError);
    await assert.rejects(client.links.update("s1", { title: "x" }), InternalServerError);
    assert.equal(server.requests.length, 2);
  });

  test("a QR render is a POST that is safe to retry", async () => {
    server.reply(apiError(503, "service_unavailable", "busy", {}, { "retry-after": "0" }), (_req, res) =>
      res.writeHead(200, { "content-type": "image/svg+xml" }).end("<svg/>"),
    );
    const image = await client.qrCodes.create({ url: "https://example.com/" });
    assert.equal(new TextDecoder().decode(image.data), "<svg/>");
    assert.equal(server.requests.length, 2);
  });

  test("4xx answers other than 429 are never retried", async () => {
    server.reply(apiError(404, "not_found", "no such link"));
    await assert.rejects(client.links.get("nope"), NotFoundError);
    assert.equal(server.requests.length, 1);
  });
});

describe("timeouts and network errors", () => {
  test("no answer within the timeout is an APITimeoutError, retried for a GET", async () => {
    server.reply(slow(2_000, json(200, rawLink(1))));
    const error = await client.links.get("s1", { timeout: 100, maxRetries: 1 }).catch((e) => e);
    assert.ok(error instanceof APITimeoutError, `${error}`);
    assert.ok(error instanceof APIConnectionError);
    assert.equal(server.requests.length, 2);
  });

  test("a timed-out POST is not retried", async () => {
    server.reply(slow(2_000, json(201, rawLink(1))));
    const timed = new SmartLinks({ apiKey: KEY, baseUrl: server.url, timeout: 100 });
    await assert.rejects(timed.links.create({ url: "https://example.com/" }), APITimeoutError);
    assert.equal(server.requests.length, 1);
  });

  test("a refused connection is an APIConnectionError after the retries", async () => {
    const closed = await fakeServer();
    const url = closed.url;
    await closed.close();
    const offline = new SmartLinks({ apiKey: KEY, baseUrl: url, maxRetries: 1 });
    const error = await offline.links.get("s1").catch((e) => e);
    assert.ok(error instanceof APIConnectionError, `${error}`);
    assert.equal(error instanceof APITimeoutError, false);
    assert.match(error.message, /Could not reach/);
  });

  test("the caller's abort signal stops the call without retrying", async () => {
    server.reply(slow(2_000, json(200, rawLink(1))));
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("user gave up")), 50);
    await assert.rejects(client.links.get("s1", { signal: controller.signal }), /user gave up/);
    assert.equal(server.requests.length, 1);
  });
});

describe("pagination", () => {
  function pages(total, size) {
    const links = Array.from({ length: total }, (_, i) => rawLink(total - i));
    return (request, res) => {
      const page = Number(request.url.searchParams.get("page"));
      const pageSize = Number(request.url.searchParams.get("pageSize") ?? 20);
      const body = {
        links: links.slice((page - 1) * pageSize, page * pageSize),
        total,
        page,
        limit: pageSize,
        pageSize,
        totalPages: Math.ceil(total / pageSize),
      };
      json(200, body)(request, res);
    };
  }

  test("awaiting list() gives one page with its counts", async () => {
    server.reply(pages(5, 2));
    const page = await client.links.list({ pageSize: 2, search: "ex" });
    assert.deepEqual(page.data.map((l) => l.shortCode), ["s5", "s4"]);
    assert.equal(page.total, 5);
    assert.equal(page.totalPages, 3);
    assert.equal(page.hasNextPage(), true);
    assert.equal(server.requests[0].url.search, "?page=1&pageSize=2&search=ex");
    const next = await page.nextPage();
    assert.deepEqual(next.data.map((l) => l.shortCode), ["s3", "s2"]);
  });

  test("iterating list() walks every page, sending only pageSize", async () => {
    server.reply(pages(5, 2));
    const codes = [];
    for await (const link of client.links.list({ pageSize: 2 })) codes.push(link.shortCode);
    assert.deepEqual(codes, ["s5", "s4", "s3", "s2", "s1"]);
    assert.deepEqual(server.requests.map((r) => r.url.searchParams.get("page")), ["1", "2", "3"]);
    assert.ok(server.requests.every((r) => !r.url.searchParams.has("limit")));
  });

  test("a link pushed onto the next page by a newer one is not repeated", async () => {
    server.reply(
      json(200, { links: [rawLink(3), rawLink(2)], total: 3, page: 1, limit: 2, pageSize: 2, totalPages: 2 }),
      json(200, { links: [rawLink(2), rawLink(1)], total: 4, page: 2, limit: 2, pageSize: 2, totalPages: 2 }),
    );
    const codes = [];
    for await (const link of client.links.list({ pageSize: 2 })) codes.push(link.shortCode);
    assert.deepEqual(codes, ["s3", "s2", "s1"]);
  });

  test("an empty account iterates nothing after one request", async () => {
    server.reply(json(200, { links: [], total: 0, page: 1, limit: 20, pageSize: 20, totalPages: 0 }));
    const all = [];
    for await (const link of client.links.list()) all.push(link);
    assert.deepEqual(all, []);
    assert.equal(server.requests.length, 1);
  });
});

describe("api keys and account", () => {
  const key = {
    id: "key_000000000001",
    name: "CI",
    prefix: "sl_live_ab",
    scopes: ["links:read"],
    active: false,
    current: false,
    createdAt: "2026-02-01T10:00:00Z",
    lastUsedAt: null,
    revokedAt: "2026-02-02T10:00:00Z",
  };

  test("list unwraps the keys and revoke returns the revoked key", async () => {
    server.reply(json(200, { apiKeys: [key], total: 1 }), json(200, { message: "API key revoked", apiKey: key }));
    assert.deepEqual(await client.apiKeys.list(), [key]);
    assert.deepEqual(await client.apiKeys.revoke("key_000000000001"), key);
    assert.equal(server.requests[1].method, "DELETE");
    assert.equal(server.requests[1].url.pathname, "/v1/api-keys/key_000000000001");
  });

  test("the account is read from /v1/account", async () => {
    server.reply(json(200, { id: "acct_000000000001", name: "Acme", plan: "pro" }));
    const account = await client.account.get();
    assert.equal(account.plan, "pro");
    assert.equal(server.requests[0].url.pathname, "/v1/account");
  });
});
