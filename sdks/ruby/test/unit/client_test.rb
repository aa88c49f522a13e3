# frozen_string_literal: true

require "minitest/autorun"
require "json"
require_relative "../fake_server"
require "smartlinks"

# Unit tests of the client against a scripted local HTTP server: what it
# sends, how it reads answers, maps errors, retries, times out and pages.
class ClientTest < Minitest::Test
  KEY = "sl_live_0123456789abcdefghijklmnopqrstuv"
  ROOT = File.expand_path("../../../..", __dir__)

  def setup
    @server = FakeServer.new
    @client = Smartlinks::Client.new(api_key: KEY, base_url: @server.url)
  end

  def teardown
    @server.close
  end

  def reply(...)
    @server.reply(...)
  end

  def requests
    @server.requests
  end

  def test_version_and_user_agent_match_the_gemspec
    spec = Gem::Specification.load(File.join(__dir__, "../../smartlinks.gemspec"))
    assert_equal "smartlinks", spec.name
    assert_equal Smartlinks::VERSION, spec.version.to_s
    assert_equal "smartlinks-ruby/#{Smartlinks::VERSION}", Smartlinks::Transport::USER_AGENT
  end

  def test_key_and_base_url_come_from_the_environment
    reply FakeServer.json(200, FakeServer.raw_link(1))
    with_env("SMARTLINKS_API_KEY" => "sl_live_fromenv", "SMARTLINKS_BASE_URL" => "#{@server.url}/v1/") do
      client = Smartlinks::Client.new
      assert_equal @server.url, client.base_url
      client.links.get("s1")
    end
    assert_equal "Bearer sl_live_fromenv", requests[0].headers["authorization"]
    assert_equal "/v1/links/s1", requests[0].path
  end

  def test_a_missing_key_or_base_url_names_the_argument_and_the_variable
    with_env("SMARTLINKS_API_KEY" => nil, "SMARTLINKS_BASE_URL" => nil) do
      error = assert_raises(ArgumentError) { Smartlinks::Client.new(base_url: @server.url) }
      assert_match(/api_key:.*SMARTLINKS_API_KEY/, error.message)
      error = assert_raises(ArgumentError) { Smartlinks::Client.new(api_key: KEY) }
      assert_match(/base_url:.*SMARTLINKS_BASE_URL/, error.message)
    end
  end

  def test_create_sends_the_key_user_agent_and_smartlinks_names
    reply FakeServer.json(201, FakeServer.raw_link(1))
    @client.links.create(url: "https://example.com/", short_code: "s1", expires_at: Time.utc(2027, 1, 1, 12),
                         max_clicks: 5)
    request = requests[0]
    assert_equal %w[POST /v1/links], [request.method, request.path]
    assert_equal "Bearer #{KEY}", request.headers["authorization"]
    assert_equal "smartlinks-ruby/#{Smartlinks::VERSION}", request.headers["user-agent"]
    assert_equal "application/json", request.headers["accept"]
    assert_equal({ "shortCode" => "s1", "expiresAt" => "2027-01-01T12:00:00Z", "maxClicks" => 5,
                   "url" => "https://example.com/" }, request.body)
  end

  def test_update_sends_only_the_given_fields_and_nil_clears
    reply FakeServer.json(200, FakeServer.raw_link(1))
    @client.links.update("s1", title: nil, disabled: true)
    assert_equal "PATCH", requests[0].method
    assert_equal({ "title" => nil, "disabled" => true }, requests[0].body)
  end

  def test_an_unknown_field_is_refused_before_sending
    error = assert_raises(ArgumentError) { @client.links.update("s1", shortcode: "x") }
    assert_match(/shortcode/, error.message)
    assert_empty requests
  end

  def test_a_link_has_one_name_per_field_and_keeps_new_fields
    reply FakeServer.json(200, FakeServer.raw_link(1, futureRules: [{ "url" => "https://a.example/" }],
                                                      future_rules: [{}]))
    link = @client.links.get("s1")
    assert_equal "s1", link.short_code
    assert_equal "https://smart.link/s1", link.short_url
    assert_equal Time.utc(2026, 2, 1, 10), link.created_at
    assert_equal 302, link.redirect_type
    refute link.password?
    assert_equal({ "future_rules" => [{ "url" => "https://a.example/" }] }, link.extra)
  end

  def test_ids_and_short_codes_are_escaped_into_the_path
    reply FakeServer.json(200, FakeServer.raw_link(1))
    @client.links.get("a/b c")
    assert_equal "/v1/links/a%2Fb%20c", requests[0].path
  end

  ANALYTICS = {
    "linkId" => "link_000000000001", "slug" => "s1",
    "period" => { "from" => "2026-02-01T00:00:00Z", "to" => "2026-02-02T23:59:59Z" },
    "metrics" => { "clicks" => 3, "uniqueClicks" => 2, "platforms" => { "ios" => 1, "android" => 0, "web" => 2 } },
    "total_clicks" => 3, "unique_clicks" => 2,
    "clicks_by_date" => [{ "date" => "2026-02-01", "clicks" => 1 }, { "date" => "2026-02-02", "clicks" => 2 }],
    "countries" => [{ "country" => "US", "clicks" => 2 }, { "country" => "DE", "clicks" => 1 }],
    "devices" => [], "referrers" => [{ "referrer" => "direct", "clicks" => 3 }], "browsers" => [], "os" => [],
    "sources" => [{ "source" => "link", "clicks" => 3 }], "qr_clicks" => 0, "bots" => 4
  }.freeze

  def test_analytics_by_period_or_range_in_one_shape
    reply FakeServer.json(200, ANALYTICS)
    report = @client.links.analytics("s1", period: "7d")
    @client.links.analytics("s1", from: Date.new(2026, 2, 1), to: Time.utc(2026, 2, 2, 23))
    assert_equal({ "period" => "7d" }, requests[0].query)
    assert_equal({ "from" => "2026-02-01", "to" => "2026-02-02T23:00:00Z" }, requests[1].query)
    assert_equal ["s1", 3, 2, 4], [report.short_code, report.clicks, report.unique_clicks, report.bots]
    assert_equal Smartlinks::Platforms.new(ios: 1, android: 0, web: 2), report.platforms
    assert_equal({ Date.new(2026, 2, 1) => 1, Date.new(2026, 2, 2) => 2 }, report.clicks_by_date)
    assert_nil report.clicks_by_hour
    assert_equal [["US", 2], ["DE", 1]], report.countries.to_a
  end

  def test_routing_options_are_sent_and_read
    variants = [{ "url" => "https://a.example/", "percentage" => 30 }, { "url" => "https://b.example/", "percentage" => 70 }]
    og = { "title" => "Spring", "description" => nil, "image" => "https://i.example/a.png" }
    reply FakeServer.json(200, FakeServer.raw_link(1, geo: { "DE" => "https://de.example/" }, testVariants: variants,
                                                      test_variants: variants, og: og))
    link = @client.links.update("s1", geo: { "DE" => "https://de.example/" }, test_variants: variants, og: og)
    assert_equal({ "geo" => { "DE" => "https://de.example/" }, "testVariants" => variants, "og" => og }, requests[0].body)
    assert_equal [{ "DE" => "https://de.example/" }, variants, og], [link.geo, link.test_variants, link.og]
    assert_empty link.extra
  end

  def test_analytics_give_targets_variants_and_unfurls
    reply FakeServer.json(200, ANALYTICS.merge(
      "unfurls" => 2,
      "targets" => [{ "target" => "variant:1", "clicks" => 2 }, { "target" => "geo:DE", "clicks" => 1 }],
      "variants" => [{ "variant" => 1, "clicks" => 2, "uniqueClicks" => 1, "unique_clicks" => 1 }]
    ))
    report = @client.links.analytics("s1")
    assert_equal 2, report.unfurls
    assert_equal({ "variant:1" => 2, "geo:DE" => 1 }, report.targets)
    assert_equal [Smartlinks::VariantClicks.new(variant: 1, clicks: 2, unique_clicks: 1)], report.variants
  end

  def test_analytics_refuses_half_a_range_or_both_styles
    assert_raises(ArgumentError) { @client.links.analytics("s1", from: "2026-02-01") }
    assert_raises(ArgumentError) { @client.links.analytics("s1", period: "7d", from: "2026-02-01", to: "2026-02-02") }
  end

  def test_a_qr_code_comes_as_bytes_with_type_and_etag
    png = "\x89PNG\r\n\x1a\n\x00\x01".b
    reply ->(_r) { [200, { "content-type" => "image/png", "etag" => '"abc"' }, png] }
    image = @client.qr_codes.create(link_id: "link_000000000001", format: "png", size: 128, dots_color: "#112233")
    assert_equal Smartlinks::QrImage.new(format: "png", content_type: "image/png", data: png, etag: '"abc"'), image
    assert_includes requests[0].headers["accept"], "image/png"
    assert_equal({ "linkId" => "link_000000000001", "format" => "png", "size" => 128,
                   "style" => { "dotsColor" => "#112233" } }, requests[0].body)
  end

  def test_a_qr_code_as_a_data_url_asks_for_json
    reply FakeServer.json(200, { "format" => "svg", "size" => 300, "dataUrl" => "data:image/svg+xml;base64,PHN2Zy8+" })
    qr = @client.links.qr_code_data_url("s1", size: 300, error_correction: "H")
    assert_equal "data:image/svg+xml;base64,PHN2Zy8+", qr.data_url
    assert_equal "application/json", requests[0].headers["accept"]
    assert_equal({ "size" => "300", "errorCorrection" => "H" }, requests[0].query)
  end

  def test_a_qr_code_needs_exactly_one_target
    assert_raises(ArgumentError) { @client.qr_codes.create(size: 100) }
    assert_raises(ArgumentError) { @client.qr_codes.create(link_id: "link_000000000001", url: "https://example.com/") }
  end

  ERRORS = [
    [400, "validation_error", Smartlinks::ValidationError],
    [401, "unauthorized", Smartlinks::UnauthorizedError],
    [403, "forbidden", Smartlinks::ForbiddenError],
    [403, "plan_limit", Smartlinks::PlanLimitError],
    [404, "not_found", Smartlinks::NotFoundError],
    [405, "method_not_allowed", Smartlinks::MethodNotAllowedError],
    [409, "slug_taken", Smartlinks::SlugTakenError],
    [409, "conflict", Smartlinks::ConflictError],
    [413, "payload_too_large", Smartlinks::PayloadTooLargeError],
    [415, "unsupported_media_type", Smartlinks::UnsupportedMediaTypeError],
    [429, "rate_limited", Smartlinks::RateLimitError],
    [500, "internal_error", Smartlinks::InternalServerError],
    [503, "service_unavailable", Smartlinks::ServiceUnavailableError]
  ].freeze

  ERRORS.each do |status, code, klass|
    define_method("test_#{code}_is_a_#{klass.name.split('::').last}_with_status_code_message_field_and_request_id") do
      reply FakeServer.api_error(status, code, "about #{code}", headers: { "cf-ray" => "8f00aa-TST" }, field: "url")
      client = @client.with_options(max_retries: 0)
      error = assert_raises(klass) { client.links.create(url: "https://example.com/") }
      assert_kind_of Smartlinks::APIError, error
      assert_equal [status, code, "about #{code}", "url", "8f00aa-TST"],
                   [error.status, error.code, error.message, error.field, error.request_id]
    end
  end

  def test_every_error_code_in_openapi_json_has_a_class
    spec = JSON.parse(File.read(File.join(ROOT, "openapi.json")))
    codes = spec.dig("components", "schemas", "Error", "properties", "error", "properties", "code", "enum")
    assert_empty codes - ERRORS.map { |_, code, _| code }
  end

  def test_a_body_that_is_not_an_api_error_maps_by_status
    reply ->(_r) { [502, { "content-type" => "text/html" }, "<h1>Bad gateway</h1>"] }
    error = assert_raises(Smartlinks::InternalServerError) { @client.with_options(max_retries: 0).links.get("x") }
    assert_equal [502, nil, "<h1>Bad gateway</h1>", nil], [error.status, error.code, error.body, error.request_id]
  end

  def test_a_429_is_retried_after_retry_after_even_for_a_post
    reply FakeServer.api_error(429, "rate_limited", "slow down", headers: { "retry-after" => "1" }),
          FakeServer.json(201, FakeServer.raw_link(1))
    started = Process.clock_gettime(Process::CLOCK_MONOTONIC)
    assert_equal "s1", @client.links.create(url: "https://example.com/").short_code
    assert_equal 2, requests.length
    assert_operator Process.clock_gettime(Process::CLOCK_MONOTONIC) - started, :>=, 0.95
  end

  def test_a_retry_after_beyond_max_retry_delay_is_raised_at_once
    reply FakeServer.api_error(429, "rate_limited", "slow down", headers: { "retry-after" => "3600" })
    error = assert_raises(Smartlinks::RateLimitError) { @client.links.get("s1") }
    assert_equal 3600.0, error.retry_after
    assert_equal 1, requests.length
  end

  def test_a_5xx_on_a_get_is_retried_with_backoff
    reply FakeServer.api_error(503, "service_unavailable", "busy"), FakeServer.api_error(500, "internal_error", "x"),
          FakeServer.json(200, FakeServer.raw_link(1))
    assert_equal "link_000000000001", @client.links.get("s1").id
    assert_equal 3, requests.length
  end

  def test_retries_stop_at_max_retries
    reply FakeServer.api_error(503, "service_unavailable", "busy")
    assert_raises(Smartlinks::ServiceUnavailableError) { @client.with_options(max_retries: 1).links.delete("s1") }
    assert_equal 2, requests.length
  end

  def test_a_5xx_on_a_post_or_patch_is_not_retried
    reply FakeServer.api_error(500, "internal_error", "oops")
    assert_raises(Smartlinks::InternalServerError) { @client.links.create(url: "https://example.com/") }
    assert_raises(Smartlinks::InternalServerError) { @client.links.update("s1", title: "x") }
    assert_equal 2, requests.length
  end

  def test_a_qr_render_is_a_post_that_is_retried
    reply FakeServer.api_error(503, "service_unavailable", "busy", headers: { "retry-after" => "0" }),
          ->(_r) { [200, { "content-type" => "image/svg+xml" }, "<svg/>"] }
    assert_equal "<svg/>", @client.qr_codes.create(url: "https://example.com/").data
    assert_equal 2, requests.length
  end

  def test_other_4xx_answers_are_never_retried
    reply FakeServer.api_error(404, "not_found", "no such link")
    assert_raises(Smartlinks::NotFoundError) { @client.links.get("nope") }
    assert_equal 1, requests.length
  end

  def test_no_answer_within_the_timeout_is_retried_for_a_get
    reply FakeServer.slow(2, FakeServer.json(200, FakeServer.raw_link(1)))
    assert_raises(Smartlinks::TimeoutError) { @client.with_options(timeout: 0.1, max_retries: 1).links.get("s1") }
    assert_equal 2, requests.length
  end

  def test_a_timed_out_post_is_not_retried
    reply FakeServer.slow(2, FakeServer.json(201, FakeServer.raw_link(1)))
    client = Smartlinks::Client.new(api_key: KEY, base_url: @server.url, timeout: 0.1)
    assert_raises(Smartlinks::TimeoutError) { client.links.create(url: "https://example.com/") }
    assert_equal 1, requests.length
  end

  def test_a_refused_connection_is_a_connection_error
    closed = FakeServer.new
    closed.close
    client = Smartlinks::Client.new(api_key: KEY, base_url: closed.url, max_retries: 1)
    error = assert_raises(Smartlinks::ConnectionError) { client.links.get("s1") }
    refute_kind_of Smartlinks::TimeoutError, error
    assert_match(/Could not reach/, error.message)
  end

  def test_list_returns_one_page_with_its_counts
    reply FakeServer.link_pages(5)
    page = @client.links.list(page_size: 2, search: "ex")
    assert_equal %w[s5 s4], page.data.map(&:short_code)
    assert_equal [5, 1, 2, 3], [page.total, page.page, page.page_size, page.total_pages]
    assert_equal({ "page" => "1", "pageSize" => "2", "search" => "ex" }, requests[0].query)
    assert_equal %w[s3 s2], page.next_page.data.map(&:short_code)
  end

  def test_each_walks_every_page
    reply FakeServer.link_pages(5)
    assert_equal %w[s5 s4 s3 s2 s1], @client.links.list(page_size: 2).map(&:short_code)
    assert_equal %w[1 2 3], requests.map { |r| r.query["page"] }
    assert(requests.none? { |r| r.query.key?("limit") })
  end

  def test_a_link_pushed_onto_the_next_page_is_not_repeated
    page = { "limit" => 2, "pageSize" => 2, "totalPages" => 2 }
    reply FakeServer.json(200, { "links" => [FakeServer.raw_link(3), FakeServer.raw_link(2)], "total" => 3,
                                 "page" => 1 }.merge(page)),
          FakeServer.json(200, { "links" => [FakeServer.raw_link(2), FakeServer.raw_link(1)], "total" => 4,
                                 "page" => 2 }.merge(page))
    assert_equal %w[s3 s2 s1], @client.links.list(page_size: 2).map(&:short_code)
  end

  def test_api_keys_list_and_revoke
    key = { "id" => "key_000000000001", "name" => "CI", "prefix" => "sl_live_ab", "scopes" => ["links:read"],
            "active" => false, "current" => false, "createdAt" => "2026-02-01T10:00:00Z", "lastUsedAt" => nil,
            "revokedAt" => "2026-02-02T10:00:00Z" }
    reply FakeServer.json(200, { "apiKeys" => [key], "total" => 1 }),
          FakeServer.json(200, { "message" => "API key revoked", "apiKey" => key })
    assert_equal ["key_000000000001"], @client.api_keys.list.map(&:id)
    revoked = @client.api_keys.revoke("key_000000000001")
    assert_equal Time.utc(2026, 2, 2, 10), revoked.revoked_at
    refute revoked.active?
    assert_equal ["DELETE", "/v1/api-keys/key_000000000001"], [requests[1].method, requests[1].path]
  end

  def test_a_new_keys_secret_stays_out_of_inspect
    secret = "sl_live_#{'a' * 32}"
    reply FakeServer.json(201, { "id" => "key_000000000002", "key" => secret, "name" => "CI", "prefix" => "sl_live_aa",
                                 "scopes" => [], "createdAt" => "2026-02-01T10:00:00Z" })
    created = @client.api_keys.create(name: "CI", scopes: ["links:read"])
    assert_equal secret, created.key
    refute_includes created.inspect, secret
    assert_equal({ "name" => "CI", "scopes" => ["links:read"] }, requests[0].body)
  end

  private

  def with_env(values)
    saved = values.keys.to_h { |k| [k, ENV.fetch(k, nil)] }
    values.each { |k, v| ENV[k] = v }
    yield
  ensure
    saved.each { |k, v| ENV[k] = v }
  end
end
