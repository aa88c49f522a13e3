# frozen_string_literal: true

require "minitest/autorun"
require "net/http"
require "smartlinks"

# The client against the real worker in workerd: create, list through several
# pages, patch, analytics, QR, keys, account, delete. Run by the repo's
# tests/sdks.test.mjs, which starts the worker and passes SMARTLINKS_BASE_URL
# and SMARTLINKS_API_KEY (a fresh pro account).
class WorkerTest < Minitest::Test
  BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) " \
            "Chrome/124.0.0.0 Safari/537.36"

  def setup
    skip "needs a worker: run through tests/sdks.test.mjs" unless ENV["SMARTLINKS_API_KEY"]
    @client = Smartlinks::Client.new
  end

  def test_a_links_whole_life_through_the_ruby_sdk
    # Create seven links, one with a custom short code.
    created = [@client.links.create(url: "https://example.com/rb/0", short_code: "rb-custom", tags: ["sdk"])]
    created += (1..6).map { |i| @client.links.create(url: "https://example.com/rb/#{i}", tags: ["sdk"]) }
    assert_equal ["rb-custom", "https://example.com/rb/0", ["sdk"]],
                 [created[0].short_code, created[0].url, created[0].tags]

    taken = assert_raises(Smartlinks::SlugTakenError) do
      @client.links.create(url: "https://example.com/", short_code: "rb-custom")
    end
    assert_equal 409, taken.status
    invalid = assert_raises(Smartlinks::ValidationError) { @client.links.create(url: "ftp://example.com/") }
    assert_equal "url", invalid.field

    # List through three pages, newest first.
    first = @client.links.list(page_size: 3)
    assert_equal [7, 3, 3], [first.total, first.total_pages, first.data.length]
    assert_equal created.map(&:id).reverse, @client.links.list(page_size: 3).map(&:id)

    # Patch: rename and retitle; the old short code is gone.
    updated = @client.links.update("rb-custom", title: "Updated", short_code: "rb-renamed", max_clicks: 100)
    assert_equal ["Updated", "rb-renamed", 100], [updated.title, updated.short_code, updated.max_clicks]
    assert_raises(Smartlinks::NotFoundError) { @client.links.get("rb-custom") }
    assert_nil @client.links.update(updated.id, title: nil).title

    # Analytics: one browser click, seen in both styles.
    uri = URI(updated.short_url)
    visit = Net::HTTP.start(uri.host, uri.port) { |http| http.get(uri.path, "User-Agent" => BROWSER) }
    assert_equal ["302", "https://example.com/rb/0"], [visit.code, visit["location"]]
    deadline = Process.clock_gettime(Process::CLOCK_MONOTONIC) + 10
    report = @client.links.analytics(updated.id, period: "24h")
    while report.clicks != 1 && Process.clock_gettime(Process::CLOCK_MONOTONIC) < deadline
      sleep 0.2
      report = @client.links.analytics(updated.id, period: "24h")
    end
    assert_equal [1, "rb-renamed", 1], [report.clicks, report.short_code, report.platforms.web]
    assert_equal 1, report.clicks_by_hour.values.sum
    today = Time.now.utc.to_date
    assert_equal({ today => 1 }, @client.links.analytics("rb-renamed", from: today, to: today).clicks_by_date)

    # QR codes: bytes and data URLs.
    png = @client.links.qr_code(updated.id, format: "png", size: 128)
    assert_equal "image/png", png.content_type
    assert png.data.start_with?("\x89PNG".b)
    refute_nil png.etag
    svg = @client.qr_codes.create(short_code: "rb-renamed", dots_color: "#1a237e")
    assert_equal "svg", svg.format
    assert_includes svg.data, "<svg"
    assert @client.qr_codes.create_data_url(link_id: updated.id, format: "png", size: 64)
                  .data_url.start_with?("data:image/png;base64,")
    assert_equal "svg", @client.links.qr_code_data_url("rb-renamed").format

    # API keys: a read-only key reads but cannot write; revoked, it is refused.
    key = @client.api_keys.create(name: "read only", scopes: ["links:read"])
    assert key.key.start_with?("sl_live_")
    read_only = Smartlinks::Client.new(api_key: key.key)
    assert_equal 7, read_only.links.list.total
    assert_raises(Smartlinks::ForbiddenError) { read_only.links.create(url: "https://example.com/") }
    assert(@client.api_keys.list.any? { |k| k.id == key.id && k.active? })
    assert_equal "read only", @client.api_keys.get(key.id).name
    refute @client.api_keys.revoke(key.id).active?
    assert_raises(Smartlinks::UnauthorizedError) { read_only.links.list }

    # The account.
    account = @client.account.get
    assert_equal ["pro", 7], [account.plan, account.links.used]

    # Delete everything.
    created.each { |link| @client.links.delete(link.id) }
    assert_raises(Smartlinks::NotFoundError) { @client.links.get(updated.id) }
    assert_equal 0, @client.links.list.total
  end
end
