// Every failure the client reports is a SmartLinksError. API answers with an
// error status become the APIError subclass for their `code`, so callers can
// catch exactly the case they handle (`instanceof NotFoundError`).
import type { components } from "./generated/openapi.js";

/** The error codes openapi.json documents, plus `conflict` (a changed link, DESIGN §4.4). */
export type ErrorCode = components["schemas"]["Error"]["error"]["code"] | "conflict";

/** Base class of everything this client throws. */
export class SmartLinksError extends Error {
  override name = "SmartLinksError";
}

/** The API answered with an error status. */
export class APIError extends SmartLinksError {
  override name = "APIError";
  /** HTTP status, e.g. 404. */
  readonly status: number;
  /** The API's stable error code, e.g. `not_found`; undefined when the body was not an API error. */
  readonly code: string | undefined;
  /** The request field at fault, on validation errors. */
  readonly field: string | undefined;
  /** The request's id for support: `x-request-id`, else Cloudflare's `cf-ray`, when the response carries one. */
  readonly requestId: string | undefined;
  readonly headers: Headers;
  /** The parsed JSON body, or the raw text when it was not JSON. */
  readonly body: unknown;

  constructor(status: number, body: unknown, headers: Headers, message?: string) {
    const error = apiErrorOf(body);
    super(message ?? error?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = error?.code;
    this.field = error?.field;
    this.requestId = headers.get("x-request-id") ?? headers.get("cf-ray") ?? undefined;
    this.headers = headers;
    this.body = body;
  }

  /** The subclass for the body's `code` (else for the status), as thrown by the client. */
  static from(status: number, body: unknown, headers: Headers): APIError {
    const code = apiErrorOf(body)?.code;
    const byCode = code === undefined ? undefined : BY_CODE[code as ErrorCode];
    const Class = byCode ?? BY_STATUS[status] ?? (status >= 500 ? InternalServerError : APIError);
    return new Class(status, body, headers);
  }
}

export class ValidationError extends APIError {
  override name = "ValidationError";
}
export class UnauthorizedError extends APIError {
  override name = "UnauthorizedError";
}
export class ForbiddenError extends APIError {
  override name = "ForbiddenError";
}
export class PlanLimitError extends APIError {
  override name = "PlanLimitError";
}
export class NotFoundError extends APIError {
  override name = "NotFoundError";
}
export class MethodNotAllowedError extends APIError {
  override name = "MethodNotAllowedError";
}
export class SlugTakenError extends APIError {
  override name = "SlugTakenError";
}
export class ConflictError extends APIError {
  override name = "ConflictError";
}
export class PayloadTooLargeError extends APIError {
  override name = "PayloadTooLargeError";
}
export class UnsupportedMediaTypeError extends APIError {
  override name = "UnsupportedMediaTypeError";
}
export class RateLimitError extends APIError {
  override name = "RateLimitError";
  /** Seconds the API asked to wait (`Retry-After`), when it said. */
  get retryAfter(): number | undefined {
    const value = Number(this.headers.get("retry-after"));
    return this.headers.has("retry-after") && Number.isFinite(value) ? value : undefined;
  }
}
export class InternalServerError extends APIError {
  override name = "InternalServerError";
}
export class ServiceUnavailableError extends APIError {
  override name = "ServiceUnavailableError";
}

/** The request never got an answer (DNS, refused connection, reset, ...). */
export class APIConnectionError extends SmartLinksError {
  override name = "APIConnectionError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** No answer within the timeout. */
export class APITimeoutError extends APIConnectionError {
  override name = "APITimeoutError";
}

type APIErrorClass = new (status: number, body: unknown, headers: Headers) => APIError;

// A Record over ErrorCode: a code added to openapi.json fails the build here
// until it has a class.
const BY_CODE: Record<ErrorCode, APIErrorClass> = {
  validation_error: ValidationError,
  unauthorized: UnauthorizedError,
  forbidden: ForbiddenError,
  plan_limit: PlanLimitError,
  not_found: NotFoundError,
  method_not_allowed: MethodNotAllowedError,
  slug_taken: SlugTakenError,
  conflict: ConflictError,
  payload_too_large: PayloadTooLargeError,
  unsupported_media_type: UnsupportedMediaTypeError,
  rate_limited: RateLimitError,
  internal_error: InternalServerError,
  service_unavailable: ServiceUnavailableError,
};

/** For bodies without a known code (a proxy's error page, say). */
const BY_STATUS: Record<number, APIErrorClass> = {
  400: ValidationError,
  401: UnauthorizedError,
  403: ForbiddenError,
  404: NotFoundError,
  405: MethodNotAllowedError,
  409: ConflictError,
  413: PayloadTooLargeError,
  415: UnsupportedMediaTypeError,
  429: RateLimitError,
  500: InternalServerError,
  503: ServiceUnavailableError,
};

function apiErrorOf(body: unknown): { code: string; message?: string; field?: string } | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const error = (body as { error?: unknown }).error;
  if (typeof error !== "object" || error === null) return undefined;
  const { code, message, field } = error as Record<string, unknown>;
  if (typeof code !== "string") return undefined;
  return {
    code,
    ...(typeof message === "string" ? { message } : {}),
    ...(typeof field === "string" ? { field } : {}),
  };
}
