"""The async client shares every decision with the sync one (_transport,
_operations); these tests check that it sends, retries, maps errors and pages
the same way through httpx.AsyncClient."""

from __future__ import annotations

import pytest
from conftest import KEY
from fake_server import FakeServer, api_error, json_reply, link_pages, raw_link, slow

import smartlinks
from smartlinks import AsyncSmartLinks

pytestmark = pytest.mark.anyio


async def test_create_and_get_return_links(server: FakeServer) -> None:
    server.reply(json_reply(201, raw_link(1)), json_reply(200, raw_link(1, title="T")))
    async with AsyncSmartLinks(KEY, base_url=server.url) as client:
        created = await client.links.create("https://example.com/", short_code="s1")
        fetched = await client.links.get(created.id)
    assert created.short_code == "s1" and fetched.title == "T"
    assert server.requests[0].body == {"url": "https://example.com/", "shortCode": "s1"}
    assert server.requests[1].headers["user-agent"] == f"smartlinks-python/{smartlinks.__version__}"


async def test_errors_map_to_their_class(server: FakeServer) -> None:
    server.reply(api_error(409, "slug_taken", "`s1` is taken", field="shortCode"))
    async with AsyncSmartLinks(KEY, base_url=server.url) as client:
        with pytest.raises(smartlinks.SlugTakenError) as caught:
            await client.links.create("https://example.com/", short_code="s1")
    assert (caught.value.status, caught.value.field) == (409, "shortCode")


async def test_a_5xx_on_a_get_is_retried(server: FakeServer) -> None:
    server.reply(api_error(503, "service_unavailable", "busy", {"retry-after": "0"}), json_reply(200, raw_link(1)))
    async with AsyncSmartLinks(KEY, base_url=server.url) as client:
        assert (await client.links.get("s1")).id == "link_000000000001"
    assert len(server.requests) == 2


async def test_a_5xx_on_a_post_is_not_retried(server: FakeServer) -> None:
    server.reply(api_error(500, "internal_error", "oops"))
    async with AsyncSmartLinks(KEY, base_url=server.url) as client:
        with pytest.raises(smartlinks.InternalServerError):
            await client.links.create("https://example.com/")
    assert len(server.requests) == 1


async def test_a_timeout_is_an_api_timeout_error(server: FakeServer) -> None:
    server.reply(slow(2, json_reply(200, raw_link(1))))
    async with AsyncSmartLinks(KEY, base_url=server.url, timeout=0.1, max_retries=0) as client:
        with pytest.raises(smartlinks.APITimeoutError):
            await client.links.get("s1")
    assert len(server.requests) == 1


async def test_awaiting_list_gives_the_first_page(server: FakeServer) -> None:
    server.reply(link_pages(3))
    async with AsyncSmartLinks(KEY, base_url=server.url) as client:
        page = await client.links.list(page_size=2)
        following = await page.next_page()
    assert [link.short_code for link in page.data] == ["s3", "s2"]
    assert page.has_next_page() and not following.has_next_page()


async def test_async_iteration_walks_every_page(server: FakeServer) -> None:
    server.reply(link_pages(5))
    async with AsyncSmartLinks(KEY, base_url=server.url) as client:
        codes = [link.short_code async for link in client.links.list(page_size=2)]
    assert codes == ["s5", "s4", "s3", "s2", "s1"]
    assert len(server.requests) == 3


async def test_qr_codes_as_bytes_and_data_url(server: FakeServer) -> None:
    server.reply(
        lambda _r: (200, {"content-type": "image/svg+xml"}, b"<svg/>"),
        json_reply(200, {"format": "png", "size": 64, "dataUrl": "data:image/png;base64,AA=="}),
    )
    async with AsyncSmartLinks(KEY, base_url=server.url) as client:
        image = await client.links.qr_code("s1")
        qr = await client.qr_codes.create_data_url(short_code="s1", format="png", size=64)
    assert (image.format, image.data) == ("svg", b"<svg/>")
    assert qr.data_url == "data:image/png;base64,AA=="
    assert server.requests[1].body == {"shortCode": "s1", "format": "png", "size": 64}
