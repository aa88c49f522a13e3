// A scripted HTTP server on 127.0.0.1 standing in for the API in unit tests:
// each request gets the next queued reply (the last one repeats), and every
// request is recorded for assertions.
import { createServer } from "node:http";

export async function fakeServer() {
  const requests = [];
  const replies = [];
  const server = createServer(async (req, res) => {
    let text = "";
    for await (const chunk of req) text += chunk;
    const request = {
      method: req.method,
      url: new URL(req.url, "http://fake"),
      headers: req.headers,
      body: text ? JSON.parse(text) : undefined,
    };
    requests.push(request);
    const reply = replies.length > 1 ? replies.shift() : replies[0];
    if (!reply) {
      res.writeHead(500).end("no reply scripted");
      return;
    }
    await reply(request, res);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    requests,
    /** Queues replies, in order; the last one answers every later request. */
    reply(...handlers) {
      replies.push(...handlers);
      return this;
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

/** A JSON reply. */
export function json(status, body, headers = {}) {
  return (_request, res) => {
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(JSON.stringify(body));
  };
}

/** An API error reply in the API's shape. */
export function apiError(status, code, message, extra = {}, headers = {}) {
  return json(status, { error: { code, message, ...extra } }, headers);
}

/** A reply that comes only after `ms` milliseconds. */
export function slow(ms, reply) {
  return (request, res) =>
    new Promise((resolve) => {
      const timer = setTimeout(() => resolve(reply(request, res)), ms);
      res.on("close", () => {
        clearTimeout(timer);
        resolve();
      });
    });
}

/** A link as the API sends it: every field in both dialects. */
export function rawLink(n, overrides = {}) {
  const slug = `s${n}`;
  const at = "2026-02-01T10:00:00Z";
  return {
    id: `link_${String(n).padStart(12, "0")}`,
    slug,
    shortCode: slug,
    shortUrl: `https://smart.link/${slug}`,
    short_url: `https://smart.link/${slug}`,
    url: "https://example.com/",
    original_url: "https://example.com/",
    title: null,
    metadata: null,
    clicks: 0,
    createdAt: at,
    created_at: at,
    updatedAt: at,
    updated_at: at,
    ios: null,
    android: null,
    expiresAt: null,
    expires_at: null,
    expiredUrl: null,
    expired_url: null,
    maxClicks: null,
    max_clicks: null,
    hasPassword: false,
    has_password: false,
    redirectType: 302,
    redirect_type: 302,
    forwardQuery: true,
    forward_query: true,
    utm: null,
    tags: [],
    disabled: false,
    ...overrides,
  };
}
