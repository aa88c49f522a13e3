"""The sync and async clients against the real worker in workerd: create, list
through several pages, patch, analytics, QR, keys, account, delete. Run by
the repo's tests/sdks.test.mjs, which starts the worker and passes
SMARTLINKS_BASE_URL and SMARTLINKS_API_KEY (a fresh pro account)."""

from __future__ import annotations

import os
import time
from datetime import datetime, timezone

import httpx
import pytest

import smartlinks
from smartlinks import AsyncSmartLinks, SmartLinks

BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"

pytestmark = pytest.mark.skipif(
    not os.environ.get("SMARTLINKS_API_KEY"), reason="needs a worker: run through tests/sdks.test.mjs"
)


def test_a_links_whole_life_through_the_python_sdk() -> None:
    client = SmartLinks()

    # Create seven links, one with a custom short code.
    created = [client.links.create("https://example.com/py/0", short_code="py-custom", tags=["sdk"])]
    created += [client.links.create(f"https://example.com/py/{i}", tags=["sdk"]) for i in range(1, 7)]
    assert (created[0].short_code, created[0].url, created[0].tags) == ("py-custom", "https://example.com/py/0", ["sdk"])

    with pytest.raises(smartlinks.SlugTakenError) as taken:
        client.links.create("https://example.com/", short_code="py-custom")
    assert taken.value.status == 409
    with pytest.raises(smartlinks.ValidationError) as invalid:
        client.links.create("ftp://example.com/")
    assert invalid.value.field == "url"

    # List through three pages, newest first.
    first = client.links.list(page_size=3)
    assert (first.total, first.total_pages, len(first.data)) == (7, 3, 3)
    assert [link.id for link in client.links.list(page_size=3)] == [link.id for link in reversed(created)]

    # Patch: rename and retitle; the old short code is gone.
    updated = client.links.update("py-custom", title="Updated", short_code="py-renamed", max_clicks=100)
    assert (updated.title, updated.short_code, updated.max_clicks) == ("Updated", "py-renamed", 100)
    with pytest.raises(smartlinks.NotFoundError):
        client.links.get("py-custom")
    assert client.links.update(updated.id, title=None).title is None

    # Analytics: one browser click, seen in both styles.
    visit = httpx.get(updated.short_url, headers={"User-Agent": BROWSER}, follow_redirects=False)
    assert (visit.status_code, visit.headers["location"]) == (302, "https://example.com/py/0")
    deadline = time.monotonic() + 10
    report = client.links.analytics(updated.id, period="24h")
    while report.clicks != 1 and time.monotonic() < deadline:
        time.sleep(0.2)
        report = client.links.analytics(updated.id, period="24h")
    assert (report.clicks, report.short_code, report.platforms.web) == (1, "py-renamed", 1)
    assert report.clicks_by_hour is not None and sum(report.clicks_by_hour.values()) == 1
    today = datetime.now(timezone.utc).date()
    ranged = client.links.analytics("py-renamed", from_=today, to=today)
    assert ranged.clicks_by_date == {today: 1}

    # QR codes: bytes and data URLs.
    png = client.links.qr_code(updated.id, format="png", size=128)
    assert png.content_type == "image/png" and png.data.startswith(b"\x89PNG") and png.etag
    svg = client.qr_codes.create(short_code="py-renamed", dots_color="#1a237e")
    assert svg.format == "svg" and b"<svg" in svg.data
    assert client.qr_codes.create_data_url(link_id=updated.id, format="png", size=64).data_url.startswith(
        "data:image/png;base64,"
    )
    assert client.links.qr_code_data_url("py-renamed").format == "svg"

    # API keys: a read-only key reads but cannot write; revoked, it is refused.
    key = client.api_keys.create(name="read only", scopes=["links:read"])
    assert key.key.startswith("sl_live_")
    read_only = SmartLinks(key.key)
    assert read_only.links.list().total == 7
    with pytest.raises(smartlinks.ForbiddenError):
        read_only.links.create("https://example.com/")
    assert any(k.id == key.id and k.active for k in client.api_keys.list())
    assert client.api_keys.get(key.id).name == "read only"
    assert client.api_keys.revoke(key.id).active is False
    with pytest.raises(smartlinks.UnauthorizedError):
        read_only.links.list()

    # The account.
    account = client.account.get()
    assert (account.plan, account.usage.links.used) == ("pro", 7)

    # Delete everything.
    for link in created:
        client.links.delete(link.id)
    with pytest.raises(smartlinks.NotFoundError):
        client.links.get(updated.id)
    assert client.links.list().total == 0


@pytest.mark.anyio
async def test_the_async_client_creates_pages_and_deletes() -> None:
    async with AsyncSmartLinks() as client:
        created = [await client.links.create(f"https://example.com/async/{i}") for i in range(5)]
        codes = [link.short_code async for link in client.links.list(page_size=2)]
        assert sorted(codes) == sorted(link.short_code for link in created)
        report = await client.links.analytics(created[0].id, period="7d")
        assert report.clicks == 0 and len(report.clicks_by_date) >= 7
        for link in created:
            await client.links.delete(link.short_code)
        assert (await client.links.list()).total == 0
