"""The transport: one httpx request per attempt with a timeout, retries with
backoff, and error mapping, in a sync and an async flavour that share every
decision. Resources describe requests as Operations; only this file sends."""

from __future__ import annotations

import asyncio
import email.utils
import os
import random
import time
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timezone
from typing import Any, Callable, Dict, Generic, Mapping, Optional, TypeVar, Union

import httpx

from ._errors import APIConnectionError, APIError, APITimeoutError
from ._version import __version__

T = TypeVar("T")

USER_AGENT = f"smartlinks-python/{__version__}"
DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_RETRIES = 2
DEFAULT_MAX_RETRY_DELAY = 60.0
_INITIAL_BACKOFF = 0.5
_MAX_BACKOFF = 8.0
# Answers worth another try of an idempotent request.
_RETRYABLE_STATUS = frozenset({408, 500, 502, 503, 504})

QueryValue = Union[str, int, float, bool, date, datetime, None]


@dataclass(frozen=True)
class Operation(Generic[T]):
    """One API call: what to send, and how to read a successful answer."""

    method: str
    path: str
    parse: Callable[[httpx.Response], T]
    query: Mapping[str, QueryValue] = field(default_factory=dict)
    body: Optional[Mapping[str, Any]] = None
    accept: str = "application/json"
    idempotent: Optional[bool] = None
    """Whether repeating it is harmless (allows retries after 5xx and network
    errors); by default GET and DELETE are, POST and PATCH are not."""

    @property
    def retry_safe(self) -> bool:
        return self.idempotent if self.idempotent is not None else self.method in ("GET", "DELETE")


@dataclass(frozen=True)
class Config:
    api_key: str
    base_url: str
    timeout: float = DEFAULT_TIMEOUT
    max_retries: int = DEFAULT_MAX_RETRIES
    max_retry_delay: float = DEFAULT_MAX_RETRY_DELAY
    headers: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def resolve(
        cls,
        api_key: Optional[str],
        base_url: Optional[str],
        timeout: Optional[float],
        max_retries: Optional[int],
        max_retry_delay: Optional[float],
        headers: Optional[Mapping[str, str]],
    ) -> "Config":
        api_key = api_key or os.environ.get("SMARTLINKS_API_KEY")
        if not api_key:
            raise ValueError("SmartLinks API key missing: pass api_key or set the SMARTLINKS_API_KEY environment variable")
        base_url = base_url or os.environ.get("SMARTLINKS_BASE_URL")
        if not base_url:
            raise ValueError(
                "SmartLinks base URL missing: pass base_url or set the SMARTLINKS_BASE_URL environment variable"
            )
        base_url = base_url.rstrip("/")
        if base_url.endswith("/v1"):
            base_url = base_url[: -len("/v1")]
        return cls(
            api_key=api_key,
            base_url=base_url,
            timeout=DEFAULT_TIMEOUT if timeout is None else timeout,
            max_retries=DEFAULT_MAX_RETRIES if max_retries is None else max_retries,
            max_retry_delay=DEFAULT_MAX_RETRY_DELAY if max_retry_delay is None else max_retry_delay,
            headers=dict(headers or {}),
        )

    def with_options(self, **changes: Any) -> "Config":
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def backoff(attempt: int) -> float:
    """0.5 s, 1 s, 2 s, ... capped at 8 s, each shortened by up to a quarter at random."""
    return min(_INITIAL_BACKOFF * 2.0**attempt, _MAX_BACKOFF) * (1 - random.random() * 0.25)


def retry_after(headers: Mapping[str, str]) -> Optional[float]:
    """Seconds the server asked to wait: ``retry-after-ms``, or ``Retry-After`` in seconds or as an HTTP date."""
    try:
        return max(0.0, float(headers["retry-after-ms"]) / 1000)
    except (KeyError, ValueError):
        pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


class _Attempt:
    """What the retry loop does after one attempt: return, wait and retry, or raise."""

    def __init__(self, config: Config, op: Operation[Any], attempt: int) -> None:
        self.config = config
        self.op = op
        self.attempt = attempt

    def after_response(self, response: httpx.Response) -> Optional[float]:
        """None: the response is final (success, or raise via `error`). Else seconds to wait."""
        if response.is_success or response.status_code == 304:
            return None
        status = response.status_code
        retryable = status == 429 or (self.op.retry_safe and status in _RETRYABLE_STATUS)
        if not retryable or self.attempt >= self.config.max_retries:
            return None
        wait = retry_after(response.headers)
        wait = backoff(self.attempt) if wait is None else wait
        return wait if wait <= self.config.max_retry_delay else None

    def after_exception(self, error: APIConnectionError) -> float:
        """Seconds to wait before retrying, or raise the error."""
        if self.op.retry_safe and self.attempt < self.config.max_retries:
            return backoff(self.attempt)
        raise error

    def request_args(self) -> Dict[str, Any]:
        op, config = self.op, self.config
        headers = {
            "Accept": op.accept,
            "Authorization": f"Bearer {config.api_key}",
            "User-Agent": USER_AGENT,
            **config.headers,
        }
        args: Dict[str, Any] = {
            "method": op.method,
            "url": config.base_url + op.path,
            "params": {k: wire_value(v) for k, v in op.query.items() if v is not None},
            "headers": headers,
            "timeout": config.timeout,
        }
        if op.body is not None:
            args["json"] = op.body
        return args


def wire_value(value: QueryValue) -> str:
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
        return aware.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _connection_error(error: httpx.TransportError, base_url: str) -> APIConnectionError:
    wrapped: APIConnectionError
    if isinstance(error, httpx.TimeoutException):
        wrapped = APITimeoutError(f"No answer from {base_url} within the timeout")
    else:
        wrapped = APIConnectionError(f"Could not reach {base_url}: {error}")
    wrapped.__cause__ = error
    return wrapped


def _error(response: httpx.Response) -> APIError:
    try:
        body: Any = response.json()
    except ValueError:
        body = response.text
    return APIError.from_response(response.status_code, body, response.headers)


class SyncTransport:
    def __init__(self, config: Config, http: Optional[httpx.Client] = None) -> None:
        self.config = config
        self.http = http or httpx.Client()

    def send(self, op: Operation[T]) -> T:
        attempt = 0
        while True:
            step = _Attempt(self.config, op, attempt)
            try:
                response = self.http.request(**step.request_args())
            except httpx.TransportError as e:
                time.sleep(step.after_exception(_connection_error(e, self.config.base_url)))
            else:
                wait = step.after_response(response)
                if wait is None:
                    if response.is_success or response.status_code == 304:
                        return op.parse(response)
                    raise _error(response)
                time.sleep(wait)
            attempt += 1


class AsyncTransport:
    def __init__(self, config: Config, http: Optional[httpx.AsyncClient] = None) -> None:
        self.config = config
        self.http = http or httpx.AsyncClient()

    async def send(self, op: Operation[T]) -> T:
        attempt = 0
        while True:
            step = _Attempt(self.config, op, attempt)
            try:
                response = await self.http.request(**step.request_args())
            except httpx.TransportError as e:
                await asyncio.sleep(step.after_exception(_connection_error(e, self.config.base_url)))
            else:
                wait = step.after_response(response)
                if wait is None:
                    if response.is_success or response.status_code == 304:
                        return op.parse(response)
                    raise _error(response)
                await asyncio.sleep(wait)
            attempt += 1
