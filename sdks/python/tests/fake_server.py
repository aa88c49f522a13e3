"""A scripted HTTP server on 127.0.0.1 standing in for the API in unit tests:
each request gets the next queued reply (the last one repeats), and every
request is recorded for assertions."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, List, Optional, Tuple
from urllib.parse import parse_qs, urlsplit

Reply = Callable[["Recorded"], Tuple[int, Dict[str, str], bytes]]


@dataclass
class Recorded:
    method: str
    path: str
    query: Dict[str, List[str]]
    headers: Dict[str, str]
    body: Any


class FakeServer:
    def __init__(self) -> None:
        self.requests: List[Recorded] = []
        self._replies: List[Reply] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                request = Recorded(
                    method=self.command,
                    path=parts.path,
                    query=parse_qs(parts.query),
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=json.loads(raw) if raw else None,
                )
                fake.requests.append(request)
                reply = fake._replies.pop(0) if len(fake._replies) > 1 else fake._replies[0]
                status, headers, body = reply(request)
                try:
                    self.send_response(status)
                    for name, value in {**headers, "content-length": str(len(body))}.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

            do_GET = do_POST = do_PATCH = do_DELETE = _serve

            def log_message(self, *_: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
        self._thread.start()

    def reply(self, *replies: Reply) -> "FakeServer":
        """Queues replies, in order; the last one answers every later request."""
        self._replies.extend(replies)
        return self

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def json_reply(status: int, body: Any, headers: Optional[Dict[str, str]] = None) -> Reply:
    return lambda _request: (status, {"content-type": "application/json", **(headers or {})}, json.dumps(body).encode())


def api_error(status: int, code: str, message: str, headers: Optional[Dict[str, str]] = None, **extra: str) -> Reply:
    return json_reply(status, {"error": {"code": code, "message": message, **extra}}, headers)


def slow(seconds: float, reply: Reply) -> Reply:
    def answer(request: Recorded) -> Tuple[int, Dict[str, str], bytes]:
        time.sleep(seconds)
        return reply(request)

    return answer


def raw_link(n: int, **overrides: Any) -> Dict[str, Any]:
    """A link as the API sends it: every field in both dialects."""
    slug = f"s{n}"
    at = "2026-02-01T10:00:00Z"
    pairs = {
        "shortUrl": f"https://smart.link/{slug}",
        "createdAt": at,
        "updatedAt": at,
        "expiresAt": None,
        "expiredUrl": None,
        "maxClicks": None,
        "hasPassword": False,
        "redirectType": 302,
        "forwardQuery": True,
    }
    snake = {"".join("_" + c.lower() if c.isupper() else c for c in k): v for k, v in pairs.items()}
    return {
        "id": f"link_{n:012d}",
        "slug": slug,
        "shortCode": slug,
        "url": "https://example.com/",
        "original_url": "https://example.com/",
        "title": None,
        "metadata": None,
        "clicks": 0,
        "ios": None,
        "android": None,
        "utm": None,
        "tags": [],
        "disabled": False,
        **pairs,
        **snake,
        **overrides,
    }


def link_pages(total: int) -> Reply:
    """Answers GET /v1/links from `total` links, newest first, honouring page and pageSize."""
    links = [raw_link(total - i) for i in range(total)]

    def answer(request: Recorded) -> Tuple[int, Dict[str, str], bytes]:
        page = int(request.query["page"][0])
        size = int(request.query.get("pageSize", ["20"])[0])
        body = {
            "links": links[(page - 1) * size : page * size],
            "total": total,
            "page": page,
            "limit": size,
            "pageSize": size,
            "totalPages": -(-total // size),
        }
        return json_reply(200, body)(request)

    return answer
