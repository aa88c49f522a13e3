"""SmartLinks (sync) and AsyncSmartLinks: the same resources and methods, over
httpx.Client and httpx.AsyncClient. Each method builds an Operation (see
_operations) and hands it to its transport."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, Generic, List, Mapping, Optional, TypeVar, Union

import httpx

from . import _operations as ops
from ._models import (
    Account,
    Analytics,
    ApiKey,
    ApiKeyCreated,
    Link,
    QrDataUrl,
    QrImage,
    SocialPreview,
    TestVariant,
)
from ._operations import NOT_GIVEN, DateLike
from ._pagination import AsyncPage, AsyncPager, SyncPage
from ._transport import AsyncTransport, Config, SyncTransport

__all__ = ["SmartLinks", "AsyncSmartLinks"]


TransportT = TypeVar("TransportT", SyncTransport, AsyncTransport)
HttpT = TypeVar("HttpT", httpx.Client, httpx.AsyncClient)


class _Client(Generic[TransportT, HttpT]):
    """What both clients share: configuration, and copies with other options."""

    _transport: TransportT

    def __init__(
        self,
        api_key: Optional[str] = None,
        *,
        base_url: Optional[str] = None,
        timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
        max_retry_delay: Optional[float] = None,
        headers: Optional[Mapping[str, str]] = None,
        http_client: Optional[HttpT] = None,
    ) -> None:
        config = Config.resolve(api_key, base_url, timeout, max_retries, max_retry_delay, headers)
        self._init(self._new_transport(config, http_client))

    def _new_transport(self, config: Config, http: Optional[HttpT]) -> TransportT:
        raise NotImplementedError

    def _init(self, transport: TransportT) -> None:
        raise NotImplementedError

    @property
    def base_url(self) -> str:
        return self._transport.config.base_url

    def with_options(
        self: ClientT,
        *,
        timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
        max_retry_delay: Optional[float] = None,
    ) -> ClientT:
        """A client sharing this one's connections, with other timeout or retry settings."""
        config = self._transport.config.with_options(
            timeout=timeout, max_retries=max_retries, max_retry_delay=max_retry_delay
        )
        copy = object.__new__(type(self))
        copy._init(copy._new_transport(config, self._transport.http))
        return copy


ClientT = TypeVar("ClientT", bound="_Client[Any, Any]")


class SmartLinks(_Client[SyncTransport, httpx.Client]):
    """The SmartLinks API client.

    Arguments left out come from ``SMARTLINKS_API_KEY`` and ``SMARTLINKS_BASE_URL``.
    ``timeout`` is seconds per attempt (default 30); ``max_retries`` (default 2)
    bounds retries; a ``Retry-After`` longer than ``max_retry_delay`` seconds
    (default 60) is raised instead of waited for. ``http_client``: an
    ``httpx.Client`` of your own (proxies, TLS).
    """

    def _new_transport(self, config: Config, http: Optional[httpx.Client]) -> SyncTransport:
        return SyncTransport(config, http)

    def _init(self, transport: SyncTransport) -> None:
        self._transport = transport
        self.links = Links(transport)
        self.qr_codes = QrCodes(transport)
        self.api_keys = ApiKeys(transport)
        self.account = AccountResource(transport)

    def close(self) -> None:
        self._transport.http.close()

    def __enter__(self) -> "SmartLinks":
        return self

    def __exit__(self, *_: Any) -> None:
        self.close()


class AsyncSmartLinks(_Client[AsyncTransport, httpx.AsyncClient]):
    """The SmartLinks API client for asyncio; the arguments of SmartLinks, with
    an ``httpx.AsyncClient`` as ``http_client``."""

    def _new_transport(self, config: Config, http: Optional[httpx.AsyncClient]) -> AsyncTransport:
        return AsyncTransport(config, http)

    def _init(self, transport: AsyncTransport) -> None:
        self._transport = transport
        self.links = AsyncLinks(transport)
        self.qr_codes = AsyncQrCodes(transport)
        self.api_keys = AsyncApiKeys(transport)
        self.account = AsyncAccountResource(transport)

    async def aclose(self) -> None:
        await self._transport.http.aclose()

    async def __aenter__(self) -> "AsyncSmartLinks":
        return self

    async def __aexit__(self, *_: Any) -> None:
        await self.aclose()


def _given(values: Dict[str, Any]) -> Dict[str, Any]:
    return {k: v for k, v in values.items() if k != "self" and v is not NOT_GIVEN}


class Links:
    def __init__(self, transport: SyncTransport) -> None:
        self._send = transport.send

    def create(
        self,
        url: str,
        *,
        short_code: Optional[str] = NOT_GIVEN,
        title: Optional[str] = NOT_GIVEN,
        metadata: Optional[Dict[str, Any]] = NOT_GIVEN,
        ios: Optional[str] = NOT_GIVEN,
        android: Optional[str] = NOT_GIVEN,
        expires_at: Optional[datetime] = NOT_GIVEN,
        expired_url: Optional[str] = NOT_GIVEN,
        max_clicks: Optional[int] = NOT_GIVEN,
        password: Optional[str] = NOT_GIVEN,
        redirect_type: Optional[int] = NOT_GIVEN,
        forward_query: Optional[bool] = NOT_GIVEN,
        utm: Optional[Dict[str, str]] = NOT_GIVEN,
        tags: Optional[List[str]] = NOT_GIVEN,
        disabled: Optional[bool] = NOT_GIVEN,
        geo: Optional[Dict[str, str]] = NOT_GIVEN,
        test_variants: Optional[List[Union[TestVariant, Dict[str, Any]]]] = NOT_GIVEN,
        og: Optional[Union[SocialPreview, Dict[str, Any]]] = NOT_GIVEN,
    ) -> Link:
        """Creates a link; without ``short_code`` it gets a random 7-character one."""
        return self._send(ops.create_link(_given(locals())))

    def get(self, id_or_slug: str) -> Link:
        """A link by id (``link_…``) or short code."""
        return self._send(ops.get_link(id_or_slug))

    def update(
        self,
        id_or_slug: str,
        *,
        url: str = NOT_GIVEN,
        short_code: str = NOT_GIVEN,
        title: Optional[str] = NOT_GIVEN,
        metadata: Optional[Dict[str, Any]] = NOT_GIVEN,
        ios: Optional[str] = NOT_GIVEN,
        android: Optional[str] = NOT_GIVEN,
        expires_at: Optional[datetime] = NOT_GIVEN,
        expired_url: Optional[str] = NOT_GIVEN,
        max_clicks: Optional[int] = NOT_GIVEN,
        password: Optional[str] = NOT_GIVEN,
        redirect_type: Optional[int] = NOT_GIVEN,
        forward_query: Optional[bool] = NOT_GIVEN,
        utm: Optional[Dict[str, str]] = NOT_GIVEN,
        tags: Optional[List[str]] = NOT_GIVEN,
        disabled: Optional[bool] = NOT_GIVEN,
        geo: Optional[Dict[str, str]] = NOT_GIVEN,
        test_variants: Optional[List[Union[TestVariant, Dict[str, Any]]]] = NOT_GIVEN,
        og: Optional[Union[SocialPreview, Dict[str, Any]]] = NOT_GIVEN,
    ) -> Link:
        """Changes the given fields; None clears an option."""
        fields = _given(locals())
        return self._send(ops.update_link(fields.pop("id_or_slug"), fields))

    def delete(self, id_or_slug: str) -> None:
        """Deletes a link; its short URL stops redirecting at once."""
        self._send(ops.delete_link(id_or_slug))

    def list(
        self, *, page: int = 1, page_size: Optional[int] = None, search: Optional[str] = None, tag: Optional[str] = None
    ) -> SyncPage:
        """Links, newest first: one page, whose iteration walks every later page too."""

        def fetch(number: int) -> Any:
            return self._send(ops.list_links(number, page_size, search, tag))

        return SyncPage(fetch(page), fetch)

    def analytics(
        self,
        id_or_slug: str,
        *,
        period: Optional[str] = None,
        from_: Optional[DateLike] = None,
        to: Optional[DateLike] = None,
    ) -> Analytics:
        """Clicks over ``period`` (``24h``, ``7d``, ``30d`` (default), ``90d``) or from ``from_`` to ``to``, inclusive."""
        return self._send(ops.link_analytics(id_or_slug, period, from_, to))

    def qr_code(self, id_or_slug: str, **options: Any) -> QrImage:
        """The link's QR code image. Options: size, format (``svg``/``png``), margin,
        error_correction, dots_color, background_color, logo."""
        return self._send(ops.link_qr_image(id_or_slug, options))

    def qr_code_data_url(self, id_or_slug: str, **options: Any) -> QrDataUrl:
        """The link's QR code as a ``data:`` URL; the options of qr_code."""
        return self._send(ops.link_qr_data_url(id_or_slug, options))


class AsyncLinks:
    def __init__(self, transport: AsyncTransport) -> None:
        self._send = transport.send

    async def create(
        self,
        url: str,
        *,
        short_code: Optional[str] = NOT_GIVEN,
        title: Optional[str] = NOT_GIVEN,
        metadata: Optional[Dict[str, Any]] = NOT_GIVEN,
        ios: Optional[str] = NOT_GIVEN,
        android: Optional[str] = NOT_GIVEN,
        expires_at: Optional[datetime] = NOT_GIVEN,
        expired_url: Optional[str] = NOT_GIVEN,
        max_clicks: Optional[int] = NOT_GIVEN,
        password: Optional[str] = NOT_GIVEN,
        redirect_type: Optional[int] = NOT_GIVEN,
        forward_query: Optional[bool] = NOT_GIVEN,
        utm: Optional[Dict[str, str]] = NOT_GIVEN,
        tags: Optional[List[str]] = NOT_GIVEN,
        disabled: Optional[bool] = NOT_GIVEN,
        geo: Optional[Dict[str, str]] = NOT_GIVEN,
        test_variants: Optional[List[Union[TestVariant, Dict[str, Any]]]] = NOT_GIVEN,
        og: Optional[Union[SocialPreview, Dict[str, Any]]] = NOT_GIVEN,
    ) -> Link:
        return await self._send(ops.create_link(_given(locals())))

    async def get(self, id_or_slug: str) -> Link:
        return await self._send(ops.get_link(id_or_slug))

    async def update(
        self,
        id_or_slug: str,
        *,
        url: str = NOT_GIVEN,
        short_code: str = NOT_GIVEN,
        title: Optional[str] = NOT_GIVEN,
        metadata: Optional[Dict[str, Any]] = NOT_GIVEN,
        ios: Optional[str] = NOT_GIVEN,
        android: Optional[str] = NOT_GIVEN,
        expires_at: Optional[datetime] = NOT_GIVEN,
        expired_url: Optional[str] = NOT_GIVEN,
        max_clicks: Optional[int] = NOT_GIVEN,
        password: Optional[str] = NOT_GIVEN,
        redirect_type: Optional[int] = NOT_GIVEN,
        forward_query: Optional[bool] = NOT_GIVEN,
        utm: Optional[Dict[str, str]] = NOT_GIVEN,
        tags: Optional[List[str]] = NOT_GIVEN,
        disabled: Optional[bool] = NOT_GIVEN,
        geo: Optional[Dict[str, str]] = NOT_GIVEN,
        test_variants: Optional[List[Union[TestVariant, Dict[str, Any]]]] = NOT_GIVEN,
        og: Optional[Union[SocialPreview, Dict[str, Any]]] = NOT_GIVEN,
    ) -> Link:
        fields = _given(locals())
        return await self._send(ops.update_link(fields.pop("id_or_slug"), fields))

    async def delete(self, id_or_slug: str) -> None:
        await self._send(ops.delete_link(id_or_slug))

    def list(
        self, *, page: int = 1, page_size: Optional[int] = None, search: Optional[str] = None, tag: Optional[str] = None
    ) -> AsyncPager:
        """``await`` it for one page, or ``async for`` over it for every link."""

        async def fetch(number: int) -> Any:
            return await self._send(ops.list_links(number, page_size, search, tag))

        async def first() -> AsyncPage:
            return AsyncPage(await fetch(page), fetch)

        return AsyncPager(first)

    async def analytics(
        self,
        id_or_slug: str,
        *,
        period: Optional[str] = None,
        from_: Optional[DateLike] = None,
        to: Optional[DateLike] = None,
    ) -> Analytics:
        return await self._send(ops.link_analytics(id_or_slug, period, from_, to))

    async def qr_code(self, id_or_slug: str, **options: Any) -> QrImage:
        return await self._send(ops.link_qr_image(id_or_slug, options))

    async def qr_code_data_url(self, id_or_slug: str, **options: Any) -> QrDataUrl:
        return await self._send(ops.link_qr_data_url(id_or_slug, options))


class QrCodes:
    def __init__(self, transport: SyncTransport) -> None:
        self._send = transport.send

    def create(self, **options: Any) -> QrImage:
        """A QR code image for one of link_id, short_code or url. Options: size,
        format (``svg``/``png``), margin, error_correction, dots_color,
        background_color, logo."""
        return self._send(ops.create_qr_image(options))

    def create_data_url(self, **options: Any) -> QrDataUrl:
        """The same, as a ``data:`` URL."""
        return self._send(ops.create_qr_data_url(options))


class AsyncQrCodes:
    def __init__(self, transport: AsyncTransport) -> None:
        self._send = transport.send

    async def create(self, **options: Any) -> QrImage:
        return await self._send(ops.create_qr_image(options))

    async def create_data_url(self, **options: Any) -> QrDataUrl:
        return await self._send(ops.create_qr_data_url(options))


class ApiKeys:
    def __init__(self, transport: SyncTransport) -> None:
        self._send = transport.send

    def create(self, *, name: Optional[str] = None, scopes: Optional[List[str]] = None) -> ApiKeyCreated:
        """Creates a key; its secret, ``key``, is in this answer only. Scopes default to the calling key's."""
        return self._send(ops.create_api_key(name, scopes))

    def list(self) -> List[ApiKey]:
        """Every key of the account, revoked ones included, never their secrets."""
        return self._send(ops.list_api_keys())

    def get(self, key_id: str) -> ApiKey:
        return self._send(ops.get_api_key(key_id))

    def revoke(self, key_id: str) -> ApiKey:
        """Revokes a key: its next request is refused. Returns the revoked key."""
        return self._send(ops.revoke_api_key(key_id))


class AsyncApiKeys:
    def __init__(self, transport: AsyncTransport) -> None:
        self._send = transport.send

    async def create(self, *, name: Optional[str] = None, scopes: Optional[List[str]] = None) -> ApiKeyCreated:
        return await self._send(ops.create_api_key(name, scopes))

    async def list(self) -> List[ApiKey]:
        return await self._send(ops.list_api_keys())

    async def get(self, key_id: str) -> ApiKey:
        return await self._send(ops.get_api_key(key_id))

    async def revoke(self, key_id: str) -> ApiKey:
        return await self._send(ops.revoke_api_key(key_id))


class AccountResource:
    def __init__(self, transport: SyncTransport) -> None:
        self._send = transport.send

    def get(self) -> Account:
        """The calling key's account: plan, effective limits and usage."""
        return self._send(ops.get_account())


class AsyncAccountResource:
    def __init__(self, transport: AsyncTransport) -> None:
        self._send = transport.send

    async def get(self) -> Account:
        return await self._send(ops.get_account())
