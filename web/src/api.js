// The dashboard's one API client: every page talks to the same /v1 API as
// curl and the SDKs do, authenticated by the session cookie. Writes carry the
// session's CSRF token; a 401 sends the person back to the sign-in page.

/** An API error: the body's `{"error":{"code","message","field"}}`. */
export class ApiError extends Error {
  constructor(status, code, message, field, retryAfter) {
    // The API's messages start in lower case ("email or password is wrong"); shown alone, they read as sentences.
    super(message.replace(/^[a-z]/, (c) => c.toUpperCase()));
    this.status = status;
    this.code = code;
    this.field = field;
    this.retryAfter = retryAfter;
  }
}

let csrfToken = null;
let onUnauthorized = () => {};

/** The token the worker expects in `X-CSRF-Token` on this session's writes. */
export function setCsrfToken(token) {
  csrfToken = token;
}

/** Called when a request made with a session answers 401 (expired or revoked). */
export function setUnauthorizedHandler(handler) {
  onUnauthorized = handler;
}

function url(path, query) {
  const u = new URL(path, location.origin);
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== "") u.searchParams.set(name, String(value));
  }
  return u.pathname + u.search;
}

async function errorOf(res) {
  let body;
  try {
    body = await res.json();
  } catch {
    body = undefined;
  }
  const e = body?.error;
  const retry = res.headers.get("Retry-After");
  return new ApiError(
    res.status,
    e?.code ?? "http_" + res.status,
    e?.message ?? `The server answered ${res.status} ${res.statusText}`.trim(),
    e?.field,
    retry ? Number(retry) : undefined,
  );
}

/**
 * One request. `body` is sent as JSON; `accept` other than JSON returns the
 * raw Response (images). Throws ApiError for any non-2xx answer, and a
 * network failure as an ApiError with status 0.
 */
export async function request(method, path, { body, query, accept = "application/json", signal, quiet401 = false } = {}) {
  const headers = { Accept: accept };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET" && method !== "HEAD" && csrfToken) headers["X-CSRF-Token"] = csrfToken;
  let res;
  try {
    res = await fetch(url(path, query), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
      signal,
    });
  } catch (err) {
    if (err?.name === "AbortError") throw err;
    throw new ApiError(0, "network_error", "Could not reach the server; check your connection and try again.");
  }
  if (!res.ok) {
    const error = await errorOf(res);
    if (res.status === 401 && !quiet401) onUnauthorized(error);
    throw error;
  }
  if (accept !== "application/json") return res;
  if (res.status === 204) return null;
  return res.json();
}

export const get = (path, options) => request("GET", path, options);
export const post = (path, body, options) => request("POST", path, { ...options, body });
export const patch = (path, body, options) => request("PATCH", path, { ...options, body });
export const put = (path, body, options) => request("PUT", path, { ...options, body });
export const del = (path, options) => request("DELETE", path, options);

/** Path segment escaping for ids and slugs. */
export const seg = (value) => encodeURIComponent(value);
