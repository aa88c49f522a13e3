"""Every API call as an Operation: its method, path, query or body, and how to
read the answer. The sync and async resources both send these."""

from __future__ import annotations

from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from typing import Any, Dict, List, Mapping, Optional, Union
from urllib.parse import quote

import httpx

from ._models import Account, Analytics, ApiKey, ApiKeyCreated, Link, LinkPage, QrDataUrl, QrImage
from ._transport import Operation, wire_value


class _NotGiven:
    """The default of optional arguments: "leave it out", as opposed to None ("clear it")."""

    _instance: Optional["_NotGiven"] = None

    def __new__(cls) -> "_NotGiven":
        cls._instance = cls._instance or super().__new__(cls)
        return cls._instance

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Any = _NotGiven()
DateLike = Union[date, datetime, str]

# Python argument names → the API's SmartLinks names.
_LINK_FIELDS = {
    "url": "url",
    "short_code": "shortCode",
    "title": "title",
    "metadata": "metadata",
    "ios": "ios",
    "android": "android",
    "expires_at": "expiresAt",
    "expired_url": "expiredUrl",
    "max_clicks": "maxClicks",
    "password": "password",
    "redirect_type": "redirectType",
    "forward_query": "forwardQuery",
    "utm": "utm",
    "tags": "tags",
    "disabled": "disabled",
    "geo": "geo",
    "test_variants": "testVariants",
    "og": "og",
}
_QR_FIELDS = {
    "link_id": "linkId",
    "short_code": "shortCode",
    "url": "url",
    "size": "size",
    "format": "format",
    "margin": "margin",
    "error_correction": "errorCorrection",
    "dots_color": "dotsColor",
    "background_color": "backgroundColor",
    "logo": "logo",
}
_QR_STYLE = ("dotsColor", "backgroundColor", "logo")
_IMAGE_TYPES = "image/svg+xml, image/png"


def link_body(fields: Mapping[str, Any]) -> Dict[str, Any]:
    """The given link fields in API names; datetimes become RFC 3339."""
    body: Dict[str, Any] = {}
    for name, api_name in _LINK_FIELDS.items():
        value = fields.get(name, NOT_GIVEN)
        if value is NOT_GIVEN:
            continue
        if isinstance(value, datetime):
            value = wire_value(value)
        elif is_dataclass(value):
            value = _without_nones(asdict(value))
        elif isinstance(value, list):
            value = [_without_nones(asdict(v)) if is_dataclass(v) else v for v in value]
        body[api_name] = value
    return body


def _without_nones(value: Dict[str, Any]) -> Dict[str, Any]:
    return {k: v for k, v in value.items() if v is not None}


def create_link(fields: Mapping[str, Any]) -> Operation[Link]:
    return Operation("POST", "/v1/links", _json(Link.from_api), body=link_body(fields))


def get_link(id_or_slug: str) -> Operation[Link]:
    return Operation("GET", _link_path(id_or_slug), _json(Link.from_api))


def update_link(id_or_slug: str, fields: Mapping[str, Any]) -> Operation[Link]:
    return Operation("PATCH", _link_path(id_or_slug), _json(Link.from_api), body=link_body(fields))


def delete_link(id_or_slug: str) -> Operation[None]:
    return Operation("DELETE", _link_path(id_or_slug), lambda _: None)


def list_links(page: int, page_size: Optional[int], search: Optional[str], tag: Optional[str]) -> Operation[LinkPage]:
    query = {"page": page, "pageSize": page_size, "search": search, "tag": tag}
    return Operation("GET", "/v1/links", _json(LinkPage.from_api), query=query)


def link_analytics(
    id_or_slug: str, period: Optional[str], from_: Optional[DateLike], to: Optional[DateLike]
) -> Operation[Analytics]:
    if (from_ is None) != (to is None):
        raise ValueError("give both from_ and to, or neither")
    if period is not None and from_ is not None:
        raise ValueError("give period, or from_ and to, not both")
    query = {"period": period, "from": from_, "to": to}
    return Operation("GET", _link_path(id_or_slug) + "/analytics", _json(Analytics.from_api), query=query)


def link_qr_image(id_or_slug: str, options: Mapping[str, Any]) -> Operation[QrImage]:
    return Operation("GET", _link_path(id_or_slug) + "/qr", _image, query=_qr_fields(options), accept=_IMAGE_TYPES)


def link_qr_data_url(id_or_slug: str, options: Mapping[str, Any]) -> Operation[QrDataUrl]:
    return Operation("GET", _link_path(id_or_slug) + "/qr", _json(QrDataUrl.from_api), query=_qr_fields(options))


# Rendering creates nothing, so repeating it is harmless: both are idempotent.
def create_qr_image(options: Mapping[str, Any]) -> Operation[QrImage]:
    return Operation("POST", "/v1/qr-codes", _image, body=_qr_body(options), accept=_IMAGE_TYPES, idempotent=True)


def create_qr_data_url(options: Mapping[str, Any]) -> Operation[QrDataUrl]:
    return Operation("POST", "/v1/qr-codes", _json(QrDataUrl.from_api), body=_qr_body(options), idempotent=True)


def _qr_body(options: Mapping[str, Any]) -> Dict[str, Any]:
    fields = _qr_fields(options)
    targets = [name for name in ("linkId", "shortCode", "url") if name in fields]
    if len(targets) != 1:
        raise ValueError("give exactly one of link_id, short_code or url")
    style = {name: fields.pop(name) for name in _QR_STYLE if name in fields}
    return {**fields, **({"style": style} if style else {})}


def create_api_key(name: Optional[str], scopes: Optional[List[str]]) -> Operation[ApiKeyCreated]:
    body: Dict[str, Any] = {}
    if name is not None:
        body["name"] = name
    if scopes is not None:
        body["scopes"] = list(scopes)
    return Operation("POST", "/v1/api-keys", _json(ApiKeyCreated.from_api), body=body)


def list_api_keys() -> Operation[List[ApiKey]]:
    return Operation("GET", "/v1/api-keys", _json(lambda raw: [ApiKey.from_api(k) for k in raw["apiKeys"]]))


def get_api_key(key_id: str) -> Operation[ApiKey]:
    return Operation("GET", _key_path(key_id), _json(ApiKey.from_api))


def revoke_api_key(key_id: str) -> Operation[ApiKey]:
    return Operation("DELETE", _key_path(key_id), _json(lambda raw: ApiKey.from_api(raw["apiKey"])))


def get_account() -> Operation[Account]:
    return Operation("GET", "/v1/account", _json(Account.from_api))


def _json(convert: Any) -> Any:
    return lambda response: convert(response.json())


def _image(response: httpx.Response) -> QrImage:
    content_type = response.headers.get("content-type", "").split(";")[0].strip()
    return QrImage(
        format="png" if content_type == "image/png" else "svg",
        content_type=content_type,
        data=response.content,
        etag=response.headers.get("etag"),
    )


def _qr_fields(options: Mapping[str, Any]) -> Dict[str, Any]:
    return {api: options[name] for name, api in _QR_FIELDS.items() if options.get(name) is not None}


def _segment(value: str, what: str) -> str:
    if not value:
        raise ValueError(f"{what} is required")
    return quote(value, safe="")


def _link_path(id_or_slug: str) -> str:
    return "/v1/links/" + _segment(id_or_slug, "a link id or short code")


def _key_path(key_id: str) -> str:
    return "/v1/api-keys/" + _segment(key_id, "an API key id")
