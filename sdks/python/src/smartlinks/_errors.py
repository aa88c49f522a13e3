"""Every failure the client reports is a SmartLinksError. API answers with an
error status become the APIError subclass for their ``code``, so callers can
catch exactly the case they handle (``except NotFoundError``)."""

from __future__ import annotations

from typing import Any, Dict, Mapping, Optional, Type

__all__ = [
    "SmartLinksError",
    "APIError",
    "APIConnectionError",
    "APITimeoutError",
    "ValidationError",
    "UnauthorizedError",
    "ForbiddenError",
    "PlanLimitError",
    "NotFoundError",
    "MethodNotAllowedError",
    "SlugTakenError",
    "ConflictError",
    "PayloadTooLargeError",
    "UnsupportedMediaTypeError",
    "RateLimitError",
    "InternalServerError",
    "ServiceUnavailableError",
]


class SmartLinksError(Exception):
    """Base class of everything this client raises."""


class APIError(SmartLinksError):
    """The API answered with an error status."""

    status: int
    """HTTP status, e.g. 404."""
    code: Optional[str]
    """The API's stable error code, e.g. ``not_found``; None when the body was not an API error."""
    message: str
    field: Optional[str]
    """The request field at fault, on validation errors."""
    request_id: Optional[str]
    """``x-request-id``, else Cloudflare's ``cf-ray``, when the response carries one."""
    headers: Mapping[str, str]
    body: Any
    """The parsed JSON body, or the raw text when it was not JSON."""

    def __init__(self, status: int, body: Any, headers: Mapping[str, str]) -> None:
        error = _api_error_of(body)
        self.status = status
        self.code = error.get("code")
        self.message = error.get("message") or f"HTTP {status}"
        self.field = error.get("field")
        self.request_id = headers.get("x-request-id") or headers.get("cf-ray")
        self.headers = headers
        self.body = body
        super().__init__(self.message)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(status={self.status}, code={self.code!r}, message={self.message!r})"

    @staticmethod
    def from_response(status: int, body: Any, headers: Mapping[str, str]) -> "APIError":
        """The subclass for the body's ``code`` (else for the status)."""
        code = _api_error_of(body).get("code")
        cls = _BY_CODE.get(code or "") or _BY_STATUS.get(status) or (InternalServerError if status >= 500 else APIError)
        return cls(status, body, headers)


class ValidationError(APIError):
    """400 ``validation_error``: ``field`` names the input to fix."""


class UnauthorizedError(APIError):
    """401 ``unauthorized``: the key is missing, unknown or revoked."""


class ForbiddenError(APIError):
    """403 ``forbidden``: the key lacks the route's scope."""


class PlanLimitError(APIError):
    """403 ``plan_limit``: the plan's maximum links or keys is reached."""


class NotFoundError(APIError):
    """404 ``not_found``."""


class MethodNotAllowedError(APIError):
    """405 ``method_not_allowed``."""


class SlugTakenError(APIError):
    """409 ``slug_taken``: another link has that short code."""


class ConflictError(APIError):
    """409 ``conflict``: the link changed underneath the update."""


class PayloadTooLargeError(APIError):
    """413 ``payload_too_large``."""


class UnsupportedMediaTypeError(APIError):
    """415 ``unsupported_media_type``."""


class RateLimitError(APIError):
    """429 ``rate_limited``."""

    @property
    def retry_after(self) -> Optional[float]:
        """Seconds the API asked to wait, when it said."""
        try:
            return float(self.headers["retry-after"])
        except (KeyError, ValueError):
            return None


class InternalServerError(APIError):
    """500 ``internal_error`` (and other 5xx answers without a known code)."""


class ServiceUnavailableError(APIError):
    """503 ``service_unavailable``: storage trouble; retried for idempotent calls."""


class APIConnectionError(SmartLinksError):
    """The request got no answer (DNS, refused connection, reset, ...)."""


class APITimeoutError(APIConnectionError):
    """No answer within the timeout."""


_BY_CODE: Dict[str, Type[APIError]] = {
    "validation_error": ValidationError,
    "unauthorized": UnauthorizedError,
    "forbidden": ForbiddenError,
    "plan_limit": PlanLimitError,
    "not_found": NotFoundError,
    "method_not_allowed": MethodNotAllowedError,
    "slug_taken": SlugTakenError,
    "conflict": ConflictError,
    "payload_too_large": PayloadTooLargeError,
    "unsupported_media_type": UnsupportedMediaTypeError,
    "rate_limited": RateLimitError,
    "internal_error": InternalServerError,
    "service_unavailable": ServiceUnavailableError,
}

# For bodies without a known code (a proxy's error page, say).
_BY_STATUS: Dict[int, Type[APIError]] = {
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
}


def _api_error_of(body: Any) -> Dict[str, str]:
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict) or not isinstance(error.get("code"), str):
        return {}
    return {k: v for k, v in error.items() if k in ("code", "message", "field") and isinstance(v, str)}
