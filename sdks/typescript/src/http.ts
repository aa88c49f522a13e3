// The transport: one fetch per attempt with a timeout, retries with backoff,
// and error mapping. Resources build requests; only this file talks to fetch.
import { APIConnectionError, APIError, APITimeoutError } from "./errors.js";
import { VERSION } from "./version.js";

export interface ClientOptions {
  /** An API key, `sl_live_…`. Default: the `SMARTLINKS_API_KEY` environment variable. */
  apiKey?: string | undefined;
  /** Where the API is served, e.g. `https://smart.link` (a trailing `/v1` is fine). Default: `SMARTLINKS_BASE_URL`. */
  baseUrl?: string | undefined;
  /** Milliseconds to wait for each attempt's response. Default 30 000. */
  timeout?: number | undefined;
  /** Retries after a retryable failure (see README). Default 2; 0 turns retries off. */
  maxRetries?: number | undefined;
  /** The longest wait, in milliseconds, the client accepts from `Retry-After` before giving up instead. Default 60 000. */
  maxRetryDelay?: number | undefined;
  /** A fetch implementation, e.g. for a proxy or tests. Default: the global `fetch`. */
  fetch?: typeof fetch | undefined;
  /** Headers sent with every request. */
  headers?: Record<string, string> | undefined;
}

/** Per-call overrides, the last argument of every method. */
export interface RequestOptions {
  timeout?: number | undefined;
  maxRetries?: number | undefined;
  /** Aborts the call, including any wait between retries. */
  signal?: AbortSignal | undefined;
  headers?: Record<string, string> | undefined;
}

export type QueryValue = string | number | boolean | Date | undefined | null;

export interface Request {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  path: string;
  query?: Record<string, QueryValue> | undefined;
  body?: unknown;
  accept?: string | undefined;
  /**
   * Whether repeating the request is harmless, which allows retries after
   * 5xx answers and network errors. GET and DELETE are; a POST or PATCH only
   * when the caller says so.
   */
  idempotent?: boolean | undefined;
  options?: RequestOptions | undefined;
}

export const USER_AGENT = `smartlinks-typescript/${VERSION}`;
const DEFAULT_TIMEOUT = 30_000;
const DEFAULT_MAX_RETRIES = 2;
const DEFAULT_MAX_RETRY_DELAY = 60_000;
const INITIAL_BACKOFF = 500;
const MAX_BACKOFF = 8_000;
/** Answers worth another try of an idempotent request. */
const RETRYABLE_STATUS = new Set([408, 500, 502, 503, 504]);

export class Transport {
  readonly baseUrl: string;
  readonly #apiKey: string;
  readonly #timeout: number;
  readonly #maxRetries: number;
  readonly #maxRetryDelay: number;
  readonly #fetch: typeof fetch;
  readonly #headers: Record<string, string>;

  constructor(options: ClientOptions = {}) {
    const apiKey = options.apiKey ?? readEnv("SMARTLINKS_API_KEY");
    if (!apiKey) {
      throw new Error("SmartLinks API key missing: pass `apiKey` or set the SMARTLINKS_API_KEY environment variable");
    }
    const baseUrl = options.baseUrl ?? readEnv("SMARTLINKS_BASE_URL");
    if (!baseUrl) {
      throw new Error("SmartLinks base URL missing: pass `baseUrl` or set the SMARTLINKS_BASE_URL environment variable");
    }
    const fetchImpl = options.fetch ?? globalThis.fetch;
    if (typeof fetchImpl !== "function") {
      throw new Error("No fetch implementation: pass `fetch` (Node 18+, browsers, Deno and Workers have one built in)");
    }
    this.baseUrl = baseUrl.replace(/\/+$/, "").replace(/\/v1$/, "");
    this.#apiKey = apiKey;
    this.#timeout = options.timeout ?? DEFAULT_TIMEOUT;
    this.#maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
    this.#maxRetryDelay = options.maxRetryDelay ?? DEFAULT_MAX_RETRY_DELAY;
    this.#fetch = fetchImpl;
    this.#headers = options.headers ?? {};
  }

  /** Sends the request (retrying as configured) and parses a JSON answer. */
  async json<T>(request: Request): Promise<T> {
    const response = await this.send({ ...request, accept: "application/json" });
    return (await response.json()) as T;
  }

  /** Sends the request, retrying as configured; a 2xx response is returned unread. */
  async send(request: Request): Promise<Response> {
    const options = request.options ?? {};
    const maxRetries = options.maxRetries ?? this.#maxRetries;
    const idempotent = request.idempotent ?? (request.method === "GET" || request.method === "DELETE");
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await this.#attempt(request, options);
      } catch (error) {
        if (options.signal?.aborted) throw error;
        if (idempotent && attempt < maxRetries) {
          await sleep(backoff(attempt), options.signal);
          continue;
        }
        throw error;
      }
      if (response.ok || response.status === 304) return response;

      const body = await readBody(response);
      const retryable = response.status === 429 || (idempotent && RETRYABLE_STATUS.has(response.status));
      if (retryable && attempt < maxRetries) {
        const wait = retryAfter(response.headers) ?? backoff(attempt);
        if (wait <= this.#maxRetryDelay) {
          await sleep(wait, options.signal);
          continue;
        }
      }
      throw APIError.from(response.status, body, response.headers);
    }
  }

  async #attempt(request: Request, options: RequestOptions): Promise<Response> {
    const url = new URL(this.baseUrl + request.path);
    for (const [name, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined && value !== null) {
        url.searchParams.set(name, value instanceof Date ? value.toISOString() : String(value));
      }
    }
    const headers: Record<string, string> = {
      Accept: request.accept ?? "application/json",
      Authorization: `Bearer ${this.#apiKey}`,
      // A browser names itself, and a cross-origin User-Agent header would
      // need the server's CORS preflight to allow it.
      ...(inBrowser() ? {} : { "User-Agent": USER_AGENT }),
      ...this.#headers,
      ...options.headers,
    };
    if (request.body !== undefined) headers["Content-Type"] = "application/json";

    const timeout = options.timeout ?? this.#timeout;
    const controller = new AbortController();
    const onAbort = () => controller.abort(options.signal?.reason);
    options.signal?.addEventListener("abort", onAbort, { once: true });
    const timer = setTimeout(() => controller.abort(new APITimeoutError(`No answer within ${timeout} ms`)), timeout);
    try {
      return await this.#fetch(url, {
        method: request.method,
        headers,
        body: request.body === undefined ? null : JSON.stringify(request.body),
        signal: controller.signal,
      });
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason ?? error;
      if (controller.signal.reason instanceof APITimeoutError) throw controller.signal.reason;
      throw new APIConnectionError(`Could not reach ${this.baseUrl}: ${String((error as Error)?.message ?? error)}`, {
        cause: error,
      });
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
    }
  }
}

/** 0.5 s, 1 s, 2 s, ... capped at 8 s, each shortened by up to a quarter at random. */
export function backoff(attempt: number): number {
  const base = Math.min(INITIAL_BACKOFF * 2 ** attempt, MAX_BACKOFF);
  return base * (1 - Math.random() * 0.25);
}

/** Milliseconds the server asked to wait: `retry-after-ms`, or `Retry-After` in seconds or as an HTTP date. */
export function retryAfter(headers: Headers): number | undefined {
  const ms = Number.parseFloat(headers.get("retry-after-ms") ?? "");
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers.get("retry-after");
  if (value === null) return undefined;
  const seconds = Number(value);
  if (value.trim() !== "" && Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text().catch(() => "");
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Browsers' user agents start with "Mozilla/"; Node, Deno, Bun and Workers name themselves. */
function inBrowser(): boolean {
  const userAgent = (globalThis as { navigator?: { userAgent?: unknown } }).navigator?.userAgent;
  return typeof userAgent === "string" && userAgent.startsWith("Mozilla/");
}

/** An environment variable where there is one (Node, Deno with permission, Bun); never throws. */
function readEnv(name: string): string | undefined {
  try {
    const g = globalThis as { process?: { env?: Record<string, string | undefined> }; Deno?: { env?: { get(n: string): string | undefined } } };
    return g.process?.env?.[name] ?? g.Deno?.env?.get(name) ?? undefined;
  } catch {
    return undefined;
  }
}
