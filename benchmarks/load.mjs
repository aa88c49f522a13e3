// One bounded HTTP load against one server, with autocannon, and the figures
// the report needs: requests/s, p50/p99 latency, and the responses that were
// not what the endpoint should answer.
//
// autocannon's own histogram keeps whole milliseconds, too coarse for a
// redirect that answers in about one; its per-response event carries the
// exact time, so latencies are collected from that instead.
import autocannon from "autocannon";

/** A desktop browser: the redirect counts clicks from humans only, and an
 * empty or tool-like User-Agent would be classified as a bot. */
export const BROWSER_UA =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";

let running = null;

/** Stops the load in progress, if any (on Ctrl-C / SIGTERM). */
export function stopLoad() {
  running?.stop();
}

/**
 * Sends requests to `origin` for `seconds` (or exactly `amount` requests,
 * every answer read) over `connections` keep-alive connections, one request
 * in flight on each.
 *
 * - `path`, `method`, `headers`, `body`: the request; `[<id>]` in the body
 *   becomes a fresh id per request when `idReplacement` is set.
 * - `pick()`: when given, called before every request and returns
 *   `{ path, tag }`; `onStatus(tag, status)` then hears how it went. Each
 *   connection has one request in flight, so the pairing is exact.
 * - `expect`: the status every response should have; the others, socket
 *   errors and timeouts are counted in `errors`.
 */
export async function load({
  origin,
  path = "/",
  method = "GET",
  headers = {},
  body,
  idReplacement = false,
  pick,
  onStatus,
  expect,
  seconds,
  amount,
  connections,
}) {
  const request = { method, path, headers, body };
  if (pick) {
    request.setupRequest = (req, context) => {
      const next = pick();
      context.tag = next.tag;
      req.path = next.path;
      return req;
    };
    if (onStatus) request.onResponse = (status, _body, context) => onStatus(context.tag, status);
  }
  const latencies = [];
  const instance = autocannon({
    url: origin,
    connections,
    ...(amount === undefined ? { duration: seconds } : { amount }),
    requests: [request],
    idReplacement,
    // Ten times a slow answer here; a hung request counts as an error.
    timeout: 10,
  });
  running = instance;
  instance.on("response", (_client, _status, _bytes, ms) => latencies.push(ms));
  let result;
  try {
    result = await instance;
  } finally {
    running = null;
  }
  const codes = Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {}).map(([code, { count }]) => [code, Number(count)]),
  );
  const answered = Object.values(codes).reduce((a, b) => a + b, 0);
  const wrong = answered - (codes[expect] ?? 0);
  latencies.sort((a, b) => a - b);
  return {
    requests: answered,
    // autocannon reports the time it actually ran, in seconds.
    rps: answered / result.duration,
    p50_ms: percentile(latencies, 0.5),
    p99_ms: percentile(latencies, 0.99),
    errors: wrong + result.errors + result.timeouts,
    codes,
  };
}

/** The nearest-rank percentile of sorted values; null when there are none. */
export function percentile(sorted, q) {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank];
}

/** The median of numbers, ignoring nulls; null when none are left. */
export function median(values) {
  const sorted = values.filter((v) => v !== null && v !== undefined && !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
