"""Unit tests of the sync client against a scripted local HTTP server: what it
sends, how it reads answers, maps errors, retries, times out and pages."""

from __future__ import annotations

import json
import os
import re
import time
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from conftest import KEY
from fake_server import FakeServer, api_error, json_reply, link_pages, raw_link, slow

import smartlinks
from smartlinks import SmartLinks, SocialPreview, VariantClicks

SDK = Path(__file__).resolve().parents[2]
ROOT = SDK.parents[1]


@pytest.fixture
def client(server: FakeServer) -> SmartLinks:
    return SmartLinks(KEY, base_url=server.url)


def test_version_and_user_agent_match_pyproject() -> None:
    pyproject = (SDK / "pyproject.toml").read_text()
    assert re.search(r'^name = "smartlinks-sdk"$', pyproject, re.M)
    assert f'version = "{smartlinks.__version__}"' in pyproject
    assert smartlinks.USER_AGENT == f"smartlinks-python/{smartlinks.__version__}"


def test_key_and_base_url_come_from_the_environment(server: FakeServer, monkeypatch: pytest.MonkeyPatch) -> None:
    server.reply(json_reply(200, raw_link(1)))
    monkeypatch.setenv("SMARTLINKS_API_KEY", "sl_live_fromenv")
    monkeypatch.setenv("SMARTLINKS_BASE_URL", server.url + "/v1/")
    client = SmartLinks()
    assert client.base_url == server.url
    client.links.get("s1")
    assert server.requests[0].headers["authorization"] == "Bearer sl_live_fromenv"
    assert server.requests[0].path == "/v1/links/s1"


def test_a_missing_key_or_base_url_names_the_argument_and_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SMARTLINKS_API_KEY", raising=False)
    monkeypatch.delenv("SMARTLINKS_BASE_URL", raising=False)
    with pytest.raises(ValueError, match="api_key.*SMARTLINKS_API_KEY"):
        SmartLinks(base_url="http://127.0.0.1:1")
    with pytest.raises(ValueError, match="base_url.*SMARTLINKS_BASE_URL"):
        SmartLinks(KEY)


def test_create_sends_the_key_user_agent_and_smartlinks_names(server: FakeServer, client: SmartLinks) -> None:
    server.reply(json_reply(201, raw_link(1)))
    client.links.create(
        "https://example.com/",
        short_code="s1",
        expires_at=datetime(2027, 1, 1, 12, 0, tzinfo=timezone.utc),
        max_clicks=5,
        tags=["spring"],
    )
    request = server.requests[0]
    assert (request.method, request.path) == ("POST", "/v1/links")
    assert request.headers["authorization"] == f"Bearer {KEY}"
    assert request.headers["user-agent"] == f"smartlinks-python/{smartlinks.__version__}"
    assert request.headers["accept"] == "application/json"
    assert request.body == {
        "url": "https://example.com/",
        "shortCode": "s1",
        "expiresAt": "2027-01-01T12:00:00Z",
        "maxClicks": 5,
        "tags": ["spring"],
    }


def test_update_sends_only_the_given_fields_and_none_clears(server: FakeServer, client: SmartLinks) -> None:
    server.reply(json_reply(200, raw_link(1)))
    client.links.update("s1", title=None, disabled=True)
    assert server.requests[0].method == "PATCH"
    assert server.requests[0].body == {"title": None, "disabled": True}


def test_a_link_has_one_name_per_field_and_keeps_new_fields(server: FakeServer, client: SmartLinks) -> None:
    server.reply(json_reply(200, raw_link(1, futureRules=[{"url": "https://a.example/"}], future_rules=[{}])))
    link = client.links.get("s1")
    assert link.short_code == "s1"
    assert link.short_url == "https://smart.link/s1"
    assert link.created_at == datetime(2026, 2, 1, 10, 0, tzinfo=timezone.utc)
    assert link.redirect_type == 302 and link.forward_query is True and link.has_password is False
    assert link.extra == {"future_rules": [{"url": "https://a.example/"}]}


def test_ids_and_short_codes_are_escaped_into_the_path(server: FakeServer, client: SmartLinks) -> None:
    server.reply(json_reply(200, raw_link(1)))
    client.links.get("a/b c")
    assert server.requests[0].path == "/v1/links/a%2Fb%20c"


ANALYTICS = {
    "linkId": "link_000000000001",
    "slug": "s1",
    "period": {"from": "2026-02-01T00:00:00Z", "to": "2026-02-02T23:59:59Z"},
    "metrics": {"clicks": 3, "uniqueClicks": 2, "platforms": {"ios": 1, "android": 0, "web": 2}},
    "total_clicks": 3,
    "unique_clicks": 2,
    "clicks_by_date": [{"date": "2026-02-01", "clicks": 1}, {"date": "2026-02-02", "clicks": 2}],
    "clicks_by_hour": [{"hour": "2026-02-01T10:00:00Z", "clicks": 1}],
    "countries": [{"country": "US", "clicks": 2}, {"country": "DE", "clicks": 1}],
    "devices": [{"device": "mobile", "clicks": 3}],
    "referrers": [{"referrer": "direct", "clicks": 3}],
    "browsers": [],
    "os": [],
    "sources": [{"source": "link", "clicks": 3}],
    "qr_clicks": 0,
    "bots": 4,
}


def test_analytics_by_period_or_range_in_one_shape(server: FakeServer, client: SmartLinks) -> None:
    server.reply(json_reply(200, ANALYTICS))
    report = client.links.analytics("s1", period="7d")
    client.links.analytics("s1", from_=date(2026, 2, 1), to=datetime(2026, 2, 2, 23, 0, tzinfo=timezone.utc))
    assert server.requests[0].query == {"period": ["7d"]}
    assert server.requests[1].query == {"from": ["2026-02-01"], "to": ["2026-02-02T23:00:00Z"]}
    assert report.short_code == "s1"
    assert (report.clicks, report.unique_clicks, report.bots) == (3, 2, 4)
    assert report.platforms == smartlinks.Platforms(ios=1, android=0, web=2)
    assert report.period.start == datetime(2026, 2, 1, tzinfo=timezone.utc)
    assert report.clicks_by_date == {date(2026, 2, 1): 1, date(2026, 2, 2): 2}
    assert report.clicks_by_hour == {datetime(2026, 2, 1, 10, tzinfo=timezone.utc): 1}
    assert list(report.countries.items()) == [("US", 2), ("DE", 1)]


def test_analytics_refuses_half_a_range_or_both_styles(client: SmartLinks) -> None:
    with pytest.raises(ValueError, match="both from_ and to"):
        client.links.analytics("s1", from_="2026-02-01")
    with pytest.raises(ValueError, match="not both"):
        client.links.analytics("s1", period="7d", from_="2026-02-01", to="2026-02-02")


def test_a_qr_code_comes_as_bytes_with_type_and_etag(server: FakeServer, client: SmartLinks) -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x01"
    server.reply(lambda _r: (200, {"content-type": "image/png", "etag": '"abc"'}, png))
    image = client.qr_codes.create(link_id="link_000000000001", format="png", size=128, dots_color="#112233")
    assert image == smartlinks.QrImage(format="png", content_type="image/png", data=png, etag='"abc"')
    assert "image/png" in server.requests[0].headers["accept"]
    assert server.requests[0].body == {
        "linkId": "link_000000000001",
        "format": "png",
        "size": 128,
        "style": {"dotsColor": "#112233"},
    }


def test_a_qr_code_as_a_data_url_asks_for_json(server: FakeServer, client: SmartLinks) -> None:
    server.reply(json_reply(200, {"format": "svg", "size": 300, "dataUrl": "data:image/svg+xml;base64,PHN2Zy8+"}))
    qr = client.links.qr_code_data_url("s1", size=300, error_correction="H")
    assert qr.data_url == "data:image/svg+xml;base64,PHN2Zy8+"
    assert server.requests[0].headers["accept"] == "application/json"
    assert server.requests[0].query == {"size": ["300"], "errorCorrection": ["H"]}


def test_a_qr_code_needs_exactly_one_target(client: SmartLinks) -> None:
    with pytest.raises(ValueError, match="exactly one"):
        client.qr_codes.create(size=100)
    with pytest.raises(ValueError, match="exactly one"):
        client.qr_codes.create(link_id="link_000000000001", url="https://example.com/")


ERRORS = [
    (400, "validation_error", smartlinks.ValidationError),
    (401, "unauthorized", smartlinks.UnauthorizedError),
    (403, "forbidden", smartlinks.ForbiddenError),
    (403, "plan_limit", smartlinks.PlanLimitError),
    (404, "not_found", smartlinks.NotFoundError),
    (405, "method_not_allowed", smartlinks.MethodNotAllowedError),
    (409, "slug_taken", smartlinks.SlugTakenError),
    (409, "conflict", smartlinks.ConflictError),
    (413, "payload_too_large", smartlinks.PayloadTooLargeError),
    (415, "unsupported_media_type", smartlinks.UnsupportedMediaTypeError),
    (429, "rate_limited", smartlinks.RateLimitError),
    (500, "internal_error", smartlinks.InternalServerError),
    (503, "service_unavailable", smartlinks.ServiceUnavailableError),
]


@pytest.mark.parametrize("status,code,cls", ERRORS, ids=[code for _, code, _ in ERRORS])
def test_each_error_code_is_its_own_class(server: FakeServer, status: int, code: str, cls: type) -> None:
    server.reply(api_error(status, code, f"about {code}", {"cf-ray": "8f00aa-TST"}, field="url"))
    client = SmartLinks(KEY, base_url=server.url, max_retries=0)
    with pytest.raises(cls) as caught:
        client.links.create("https://example.com/")
    error = caught.value
    assert isinstance(error, smartlinks.APIError)
    assert (error.status, error.code, error.message, error.field) == (status, code, f"about {code}", "url")
    assert error.request_id == "8f00aa-TST"
    assert str(error) == f"about {code}"


def test_every_error_code_in_openapi_json_has_a_class() -> None:
    spec = json.loads((ROOT / "openapi.json").read_text())
    codes = spec["components"]["schemas"]["Error"]["properties"]["error"]["properties"]["code"]["enum"]
    assert set(codes) <= {code for _, code, _ in ERRORS}


def test_a_body_that_is_not_an_api_error_maps_by_status(server: FakeServer) -> None:
    server.reply(lambda _r: (502, {"content-type": "text/html"}, b"<h1>Bad gateway</h1>"))
    client = SmartLinks(KEY, base_url=server.url, max_retries=0)
    with pytest.raises(smartlinks.InternalServerError) as caught:
        client.links.get("x")
    assert (caught.value.status, caught.value.code, caught.value.body) == (502, None, "<h1>Bad gateway</h1>")
    assert caught.value.request_id is None


def test_a_429_is_retried_after_retry_after_even_for_a_post(server: FakeServer, client: SmartLinks) -> None:
    server.reply(api_error(429, "rate_limited", "slow down", {"retry-after": "1"}), json_reply(201, raw_link(1)))
    started = time.monotonic()
    assert client.links.create("https://example.com/").short_code == "s1"
    assert len(server.requests) == 2
    assert time.monotonic() - started >= 0.95


def test_a_retry_after_beyond_max_retry_delay_is_raised_at_once(server: FakeServer, client: SmartLinks) -> None:
    server.reply(api_error(429, "rate_limited", "slow down", {"retry-after": "3600"}))
    with pytest.raises(smartlinks.RateLimitError) as caught:
        client.links.get("s1")
    assert caught.value.retry_after == 3600
    assert len(server.requests) == 1


def test_a_5xx_on_a_get_is_retried_with_backoff(server: FakeServer, client: SmartLinks) -> None:
    server.reply(api_error(503, "service_unavailable", "busy"), api_error(500, "internal_error", "x"), json_reply(200, raw_link(1)))
    assert client.links.get("s1").id == "link_000000000001"
    assert len(server.requests) == 3


def test_retries_stop_at_max_retries(server: FakeServer, client: SmartLinks) -> None:
    server.reply(api_error(503, "service_unavailable", "busy"))
    with pytest.raises(smartlinks.ServiceUnavailableError):
        client.with_options(max_retries=1).links.delete("s1")
    assert len(server.requests) == 2


def test_a_5xx_on_a_post_or_patch_is_not_retried(server: FakeServer, client: SmartLinks) -> None:
    server.reply(api_error(500, "internal_error", "oops"))
    with pytest.raises(smartlinks.InternalServerError):
        client.links.create("https://example.com/")
    with pytest.raises(smartlinks.InternalServerError):
        client.links.update("s1", title="x")
    assert len(server.requests) == 2


def test_a_qr_render_is_a_post_that_is_retried(server: FakeServer, client: SmartLinks) -> None:
    server.reply(
        api_error(503, "service_unavailable", "busy", {"retry-after": "0"}),
        lambda _r: (200, {"content-type": "image/svg+xml"}, b"<svg/>"),
    )
    assert client.qr_codes.create(url="https://example.com/").data == b"<svg/>"
    assert len(server.requests) == 2


def test_other_4xx_answers_are_never_retried(server: FakeServer, client: SmartLinks) -> None:
    server.reply(api_error(404, "not_found", "no such link"))
    with pytest.raises(smartlinks.NotFoundError):
        client.links.get("nope")
    assert len(server.requests) == 1


def test_no_answer_within_the_timeout_is_retried_for_a_get(server: FakeServer, client: SmartLinks) -> None:
    server.reply(slow(2, json_reply(200, raw_link(1))))
    with pytest.raises(smartlinks.APITimeoutError):
        client.with_options(timeout=0.1, max_retries=1).links.get("s1")
    assert len(server.requests) == 2


def test_a_timed_out_post_is_not_retried(server: FakeServer) -> None:
    server.reply(slow(2, json_reply(201, raw_link(1))))
    client = SmartLinks(KEY, base_url=server.url, timeout=0.1)
    with pytest.raises(smartlinks.APITimeoutError):
        client.links.create("https://example.com/")
    assert len(server.requests) == 1


def test_a_refused_connection_is_an_api_connection_error() -> None:
    closed = FakeServer()
    closed.close()
    client = SmartLinks(KEY, base_url=closed.url, max_retries=1)
    with pytest.raises(smartlinks.APIConnectionError, match="Could not reach") as caught:
        client.links.get("s1")
    assert not isinstance(caught.value, smartlinks.APITimeoutError)


def test_list_returns_one_page_with_its_counts(server: FakeServer, client: SmartLinks) -> None:
    server.reply(link_pages(5))
    page = client.links.list(page_size=2, search="ex")
    assert [link.short_code for link in page.data] == ["s5", "s4"]
    assert (page.total, page.page, page.page_size, page.total_pages) == (5, 1, 2, 3)
    assert server.requests[0].query == {"page": ["1"], "pageSize": ["2"], "search": ["ex"]}
    assert [link.short_code for link in page.next_page().data] == ["s3", "s2"]


def test_iterating_a_list_walks_every_page(server: FakeServer, client: SmartLinks) -> None:
    server.reply(link_pages(5))
    assert [link.short_code for link in client.links.list(page_size=2)] == ["s5", "s4", "s3", "s2", "s1"]
    assert [r.query["page"] for r in server.requests] == [["1"], ["2"], ["3"]]
    assert all("limit" not in r.query for r in server.requests)


def test_a_link_pushed_onto_the_next_page_is_not_repeated(server: FakeServer, client: SmartLinks) -> None:
    page = {"limit": 2, "pageSize": 2, "totalPages": 2}
    server.reply(
        json_reply(200, {"links": [raw_link(3), raw_link(2)], "total": 3, "page": 1, **page}),
        json_reply(200, {"links": [raw_link(2), raw_link(1)], "total": 4, "page": 2, **page}),
    )
    assert [link.short_code for link in client.links.list(page_size=2)] == ["s3", "s2", "s1"]


def test_api_keys_list_and_revoke(server: FakeServer, client: SmartLinks) -> None:
    key = {
        "id": "key_000000000001",
        "name": "CI",
        "prefix": "sl_live_ab",
        "scopes": ["links:read"],
        "active": False,
        "current": False,
        "createdAt": "2026-02-01T10:00:00Z",
        "lastUsedAt": None,
        "revokedAt": "2026-02-02T10:00:00Z",
    }
    server.reply(json_reply(200, {"apiKeys": [key], "total": 1}), json_reply(200, {"message": "API key revoked", "apiKey": key}))
    assert [k.id for k in client.api_keys.list()] == ["key_000000000001"]
    revoked = client.api_keys.revoke("key_000000000001")
    assert revoked.revoked_at == datetime(2026, 2, 2, 10, tzinfo=timezone.utc) and not revoked.active
    assert (server.requests[1].method, server.requests[1].path) == ("DELETE", "/v1/api-keys/key_000000000001")


def test_a_new_keys_secret_stays_out_of_its_repr(server: FakeServer, client: SmartLinks) -> None:
    secret = "sl_live_" + "a" * 32
    body = {"id": "key_000000000002", "key": secret, "name": "CI", "prefix": "sl_live_aa", "scopes": [], "createdAt": "2026-02-01T10:00:00Z"}
    server.reply(json_reply(201, body))
    created = client.api_keys.create(name="CI", scopes=["links:read"])
    assert created.key == secret and secret not in repr(created)
    assert server.requests[0].body == {"name": "CI", "scopes": ["links:read"]}


def test_routing_options_are_read_and_sent(server: FakeServer, client: SmartLinks) -> None:
    variants = [{"url": "https://a.example/", "percentage": 30}, {"url": "https://b.example/", "percentage": 70}]
    og = {"title": "Spring", "description": None, "image": "https://i.example/a.png"}
    server.reply(json_reply(200, raw_link(1, geo={"DE": "https://de.example/"}, testVariants=variants, og=og)))
    link = client.links.update(
        "s1",
        geo={"DE": "https://de.example/"},
        test_variants=[
            smartlinks.TestVariant("https://a.example/", 30),
            {"url": "https://b.example/", "percentage": 70},
        ],
        og=SocialPreview("Spring", image="https://i.example/a.png"),
    )
    assert server.requests[0].body == {
        "geo": {"DE": "https://de.example/"},
        "testVariants": variants,
        "og": {"title": "Spring", "image": "https://i.example/a.png"},
    }
    assert link.geo == {"DE": "https://de.example/"}
    assert link.test_variants == [
        smartlinks.TestVariant("https://a.example/", 30),
        smartlinks.TestVariant("https://b.example/", 70),
    ]
    assert link.og == SocialPreview("Spring", None, "https://i.example/a.png")
    assert link.extra == {}


def test_analytics_give_targets_variants_and_unfurls(server: FakeServer, client: SmartLinks) -> None:
    report = dict(
        ANALYTICS,
        unfurls=2,
        targets=[{"target": "variant:1", "clicks": 2}, {"target": "geo:DE", "clicks": 1}],
        variants=[{"variant": 1, "clicks": 2, "uniqueClicks": 1, "unique_clicks": 1}],
    )
    server.reply(json_reply(200, report))
    analytics = client.links.analytics("s1")
    assert analytics.unfurls == 2
    assert analytics.targets == {"variant:1": 2, "geo:DE": 1}
    assert analytics.variants == [VariantClicks(variant=1, clicks=2, unique_clicks=1)]
