"""The client's models: one dataclass per resource, snake_case names, one name
per field. The API answers in both of its dialects (``shortUrl`` and
``short_url``, ...); parsing reads either, and fields this version does not
know yet land in ``extra``."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any, Callable, Dict, List, Mapping, Optional, Set, TypeVar

__all__ = [
    "Link",
    "TestVariant",
    "SocialPreview",
    "VariantClicks",
    "LinkPage",
    "Analytics",
    "DateRange",
    "Platforms",
    "QrImage",
    "QrDataUrl",
    "ApiKey",
    "ApiKeyCreated",
    "Account",
    "Limits",
    "Quota",
    "RateWindow",
    "Usage",
]

T = TypeVar("T")
_Raw = Mapping[str, Any]


@dataclass(frozen=True)
class TestVariant:
    """One A/B test variant: a destination and the share of visitors it gets."""

    url: str
    percentage: int


@dataclass(frozen=True)
class SocialPreview:
    """What link-unfurling bots are shown (Open Graph and Twitter Card tags)."""

    title: str
    description: Optional[str] = None
    image: Optional[str] = None
    """An https URL."""


@dataclass(frozen=True)
class Link:
    id: str
    short_code: str
    short_url: str
    url: str
    title: Optional[str]
    metadata: Optional[Dict[str, Any]]
    clicks: int
    created_at: datetime
    updated_at: datetime
    ios: Optional[str]
    android: Optional[str]
    expires_at: Optional[datetime]
    expired_url: Optional[str]
    max_clicks: Optional[int]
    has_password: bool
    redirect_type: int
    forward_query: bool
    utm: Optional[Dict[str, str]]
    tags: List[str]
    disabled: bool
    geo: Optional[Dict[str, str]] = None
    """Country code (ISO 3166-1 alpha-2) to destination."""
    test_variants: Optional[List[TestVariant]] = None
    """The A/B test's variants, in order (``variant:1`` first)."""
    og: Optional[SocialPreview] = None
    extra: Dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    """Fields this version of the client does not know yet, by snake_case name."""

    @classmethod
    def from_api(cls, raw: _Raw) -> "Link":
        get = _reader(raw)
        return cls(
            id=raw["id"],
            short_code=get("shortCode", "slug"),
            short_url=get("shortUrl", "short_url"),
            url=get("url", "original_url"),
            title=raw.get("title"),
            metadata=raw.get("metadata"),
            clicks=raw.get("clicks", 0),
            created_at=_datetime(get("createdAt", "created_at")),
            updated_at=_datetime(get("updatedAt", "updated_at")),
            ios=raw.get("ios"),
            android=raw.get("android"),
            expires_at=_optional(_datetime, get("expiresAt", "expires_at")),
            expired_url=get("expiredUrl", "expired_url"),
            max_clicks=get("maxClicks", "max_clicks"),
            has_password=bool(get("hasPassword", "has_password")),
            redirect_type=get("redirectType", "redirect_type") or 302,
            forward_query=get("forwardQuery", "forward_query") is not False,
            utm=raw.get("utm"),
            tags=list(raw.get("tags") or []),
            disabled=bool(raw.get("disabled")),
            geo=raw.get("geo"),
            test_variants=_optional(
                lambda vs: [TestVariant(url=v["url"], percentage=v["percentage"]) for v in vs],
                get("testVariants", "test_variants"),
            ),
            og=_optional(
                lambda o: SocialPreview(title=o["title"], description=o.get("description"), image=o.get("image")),
                raw.get("og"),
            ),
            extra=_extra(raw, _LINK_FIELDS),
        )


_LINK_FIELDS = {
    "id", "slug", "shortCode", "shortUrl", "short_url", "url", "original_url", "title", "metadata",
    "clicks", "createdAt", "created_at", "updatedAt", "updated_at", "ios", "android", "expiresAt",
    "expires_at", "expiredUrl", "expired_url", "maxClicks", "max_clicks", "hasPassword",
    "has_password", "redirectType", "redirect_type", "forwardQuery", "forward_query", "utm",
    "tags", "disabled", "geo", "testVariants", "test_variants", "og",
}  # fmt: skip


@dataclass(frozen=True)
class DateRange:
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Platforms:
    ios: int
    android: int
    web: int


@dataclass(frozen=True)
class VariantClicks:
    """One A/B variant's clicks and unique visitors."""

    variant: int
    """Numbered from 1 in the link's ``test_variants`` order."""
    clicks: int
    unique_clicks: int


@dataclass(frozen=True)
class Analytics:
    """A link's click report. Breakdowns map a name to its clicks, most first."""

    link_id: str
    short_code: str
    period: DateRange
    clicks: int
    unique_clicks: int
    platforms: Platforms
    clicks_by_date: Dict[date, int]
    """Every day of the period, zero-filled."""
    clicks_by_hour: Optional[Dict[datetime, int]]
    """Periods of 48 hours or less: every hour, zero-filled; else None."""
    countries: Dict[str, int]
    devices: Dict[str, int]
    referrers: Dict[str, int]
    browsers: Dict[str, int]
    os: Dict[str, int]
    sources: Dict[str, int]
    qr_clicks: int
    """Clicks that came from scanning the link's QR code."""
    bots: int
    """Bot hits, never counted as clicks."""
    unfurls: int = 0
    """Social previews served to link-unfurling bots: neither clicks nor bot hits."""
    targets: Dict[str, int] = field(default_factory=dict)
    """Clicks per routing target served: ``default``, ``ios``, ``android``, ``geo:XX``,
    ``variant:N``, ``fallback``."""
    variants: List[VariantClicks] = field(default_factory=list)

    @classmethod
    def from_api(cls, raw: _Raw) -> "Analytics":
        metrics = raw["metrics"]
        hours = raw.get("clicks_by_hour")
        return cls(
            link_id=raw["linkId"],
            short_code=raw["slug"],
            period=DateRange(_datetime(raw["period"]["from"]), _datetime(raw["period"]["to"])),
            clicks=metrics["clicks"],
            unique_clicks=metrics["uniqueClicks"],
            platforms=Platforms(**metrics["platforms"]),
            clicks_by_date={date.fromisoformat(d["date"]): d["clicks"] for d in raw["clicks_by_date"]},
            clicks_by_hour=None if hours is None else {_datetime(h["hour"]): h["clicks"] for h in hours},
            countries=_breakdown(raw, "countries", "country"),
            devices=_breakdown(raw, "devices", "device"),
            referrers=_breakdown(raw, "referrers", "referrer"),
            browsers=_breakdown(raw, "browsers", "browser"),
            os=_breakdown(raw, "os", "os"),
            sources=_breakdown(raw, "sources", "source"),
            qr_clicks=raw["qr_clicks"],
            bots=raw["bots"],
            unfurls=raw.get("unfurls", 0),
            targets=_breakdown(raw, "targets", "target"),
            variants=[
                VariantClicks(variant=v["variant"], clicks=v["clicks"], unique_clicks=v["uniqueClicks"])
                for v in raw.get("variants") or []
            ],
        )


@dataclass(frozen=True)
class QrImage:
    """A rendered QR code."""

    format: str
    """``svg`` or ``png``."""
    content_type: str
    data: bytes
    etag: Optional[str]
    """Send it back as ``If-None-Match`` to skip an unchanged download."""


@dataclass(frozen=True)
class QrDataUrl:
    format: str
    size: int
    data_url: str
    """``data:image/…;base64,…``, for an ``<img src>``."""

    @classmethod
    def from_api(cls, raw: _Raw) -> "QrDataUrl":
        return cls(format=raw["format"], size=raw["size"], data_url=raw["dataUrl"])


@dataclass(frozen=True)
class ApiKey:
    id: str
    name: str
    prefix: str
    scopes: List[str]
    active: bool
    current: bool
    """Whether this is the key making the request."""
    created_at: datetime
    last_used_at: Optional[datetime]
    revoked_at: Optional[datetime]

    @classmethod
    def from_api(cls, raw: _Raw) -> "ApiKey":
        return cls(
            id=raw["id"],
            name=raw["name"],
            prefix=raw["prefix"],
            scopes=list(raw["scopes"]),
            active=raw["active"],
            current=raw["current"],
            created_at=_datetime(raw["createdAt"]),
            last_used_at=_optional(_datetime, raw.get("lastUsedAt")),
            revoked_at=_optional(_datetime, raw.get("revokedAt")),
        )


@dataclass(frozen=True)
class ApiKeyCreated:
    """A new key. ``key`` is its secret, shown only in this answer: store it now."""

    id: str
    key: str = field(repr=False)
    name: str
    prefix: str
    scopes: List[str]
    created_at: datetime

    @classmethod
    def from_api(cls, raw: _Raw) -> "ApiKeyCreated":
        return cls(
            id=raw["id"],
            key=raw["key"],
            name=raw["name"],
            prefix=raw["prefix"],
            scopes=list(raw["scopes"]),
            created_at=_datetime(raw["createdAt"]),
        )


@dataclass(frozen=True)
class Limits:
    """The plan's effective limits; None means unlimited."""

    per_minute: Optional[int]
    per_hour: Optional[int]
    max_links: Optional[int]
    max_api_keys: Optional[int]


@dataclass(frozen=True)
class Quota:
    used: int
    max: Optional[int]
    remaining: Optional[int]


@dataclass(frozen=True)
class RateWindow:
    limit: int
    remaining: int
    reset_at: datetime


@dataclass(frozen=True)
class Usage:
    links: Quota
    api_keys: Quota
    requests_per_minute: Optional[RateWindow]
    requests_per_hour: Optional[RateWindow]


@dataclass(frozen=True)
class Account:
    id: str
    name: str
    plan: str
    """``free``, ``pro``, ``business`` or ``enterprise``."""
    limits: Limits
    usage: Usage
    created_at: datetime

    @classmethod
    def from_api(cls, raw: _Raw) -> "Account":
        limits = raw["limits"]
        usage = raw["usage"]
        requests = usage.get("requests") or {}
        return cls(
            id=raw["id"],
            name=raw["name"],
            plan=raw["plan"],
            limits=Limits(limits["perMinute"], limits["perHour"], limits["maxLinks"], limits["maxApiKeys"]),
            usage=Usage(
                links=Quota(**usage["links"]),
                api_keys=Quota(**usage["apiKeys"]),
                requests_per_minute=_optional(_window, requests.get("perMinute")),
                requests_per_hour=_optional(_window, requests.get("perHour")),
            ),
            created_at=_datetime(raw["createdAt"]),
        )


@dataclass(frozen=True)
class LinkPage:
    """One page of links, and where it stands in the whole list."""

    links: List[Link]
    total: int
    page: int
    page_size: int
    total_pages: int

    @classmethod
    def from_api(cls, raw: _Raw) -> "LinkPage":
        return cls(
            links=[Link.from_api(link) for link in raw["links"]],
            total=raw["total"],
            page=raw["page"],
            page_size=raw.get("pageSize", raw.get("limit", 0)),
            total_pages=raw["totalPages"],
        )

    @property
    def has_next_page(self) -> bool:
        return bool(self.links) and self.page < self.total_pages


def _reader(raw: _Raw) -> Callable[..., Any]:
    """The value under the first of the given names present."""

    def get(*names: str) -> Any:
        for name in names:
            if name in raw:
                return raw[name]
        return None

    return get


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def _extra(raw: _Raw, known: Set[str]) -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    for key, value in raw.items():
        if key not in known:
            out.setdefault(_snake(key), value)
    return out


def _datetime(value: str) -> datetime:
    # fromisoformat before 3.11 does not read a trailing "Z".
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _optional(convert: Callable[[Any], T], value: Any) -> Optional[T]:
    return None if value is None else convert(value)


def _breakdown(raw: _Raw, key: str, name: str) -> Dict[str, int]:
    return {entry[name]: entry["clicks"] for entry in raw.get(key) or []}


def _window(raw: _Raw) -> RateWindow:
    return RateWindow(limit=raw["limit"], remaining=raw["remaining"], reset_at=_datetime(raw["resetAt"]))
