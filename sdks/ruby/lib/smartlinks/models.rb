# frozen_string_literal: true

require "date"
require "time"

module Smartlinks
  # Readers shared by the models' from_api constructors. The API answers in both
  # of its dialects (shortUrl and short_url, ...); these read either.
  module Parse
    module_function

    # The value under the first of the given names present.
    def pick(raw, *names)
      name = names.find { |n| raw.key?(n) }
      name && raw[name]
    end

    def time(value)
      value && Time.iso8601(value)
    end

    # [{"country" => "US", "clicks" => 3}, ...] => {"US" => 3, ...}, most clicks first as sent.
    def breakdown(entries, name)
      (entries || []).to_h { |entry| [entry[name], entry["clicks"]] }
    end

    def snake(name)
      name.gsub(/(?<=[a-z0-9])([A-Z])/) { "_#{Regexp.last_match(1)}" }.downcase
    end
  end

  LINK_FIELDS = %w[
    id slug shortCode shortUrl short_url url original_url title metadata clicks createdAt created_at
    updatedAt updated_at ios android expiresAt expires_at expiredUrl expired_url maxClicks max_clicks
    hasPassword has_password redirectType redirect_type forwardQuery forward_query utm tags disabled
    geo testVariants test_variants og
  ].freeze

  # A short link. #geo maps country codes to destinations, #test_variants is
  # an Array of {"url", "percentage"} Hashes (variant 1 first), #og the social
  # preview Hash ({"title", "description", "image"}); each nil when unset.
  # #extra holds fields this version of the client does not know yet.
  Link = Struct.new(
    :id, :short_code, :short_url, :url, :title, :metadata, :clicks, :created_at, :updated_at,
    :ios, :android, :expires_at, :expired_url, :max_clicks, :has_password, :redirect_type,
    :forward_query, :utm, :tags, :disabled, :geo, :test_variants, :og, :extra,
    keyword_init: true
  ) do
    def self.from_api(raw)
      extra = raw.reject { |k, _| LINK_FIELDS.include?(k) }
                 .each_with_object({}) { |(k, v), out| out[Parse.snake(k)] ||= v }
      new(
        id: raw["id"],
        short_code: Parse.pick(raw, "shortCode", "slug"),
        short_url: Parse.pick(raw, "shortUrl", "short_url"),
        url: Parse.pick(raw, "url", "original_url"),
        title: raw["title"],
        metadata: raw["metadata"],
        clicks: raw["clicks"],
        created_at: Parse.time(Parse.pick(raw, "createdAt", "created_at")),
        updated_at: Parse.time(Parse.pick(raw, "updatedAt", "updated_at")),
        ios: raw["ios"],
        android: raw["android"],
        expires_at: Parse.time(Parse.pick(raw, "expiresAt", "expires_at")),
        expired_url: Parse.pick(raw, "expiredUrl", "expired_url"),
        max_clicks: Parse.pick(raw, "maxClicks", "max_clicks"),
        has_password: Parse.pick(raw, "hasPassword", "has_password") == true,
        redirect_type: Parse.pick(raw, "redirectType", "redirect_type") || 302,
        forward_query: Parse.pick(raw, "forwardQuery", "forward_query") != false,
        utm: raw["utm"],
        tags: raw["tags"] || [],
        disabled: raw["disabled"] == true,
        geo: raw["geo"],
        test_variants: Parse.pick(raw, "testVariants", "test_variants"),
        og: raw["og"],
        extra: extra
      )
    end

    def password?
      has_password
    end

    def disabled?
      disabled
    end
  end

  Platforms = Struct.new(:ios, :android, :web, keyword_init: true)

  # One A/B variant's clicks and unique visitors; #variant counts from 1.
  VariantClicks = Struct.new(:variant, :clicks, :unique_clicks, keyword_init: true)

  # A link's click report. Breakdowns (countries, devices, ...) are Hashes of
  # name => clicks, most clicks first; clicks_by_date maps every Date of the
  # period to its clicks, clicks_by_hour (periods up to 48 hours, else nil)
  # every hour's Time. #targets are clicks per routing target served
  # ("default", "ios", "android", "geo:DE", "variant:1", "fallback"),
  # #variants the VariantClicks of each A/B variant, #unfurls the social
  # previews served to link-unfurling bots (neither clicks nor bots).
  Analytics = Struct.new(
    :link_id, :short_code, :from, :to, :clicks, :unique_clicks, :platforms, :clicks_by_date,
    :clicks_by_hour, :countries, :devices, :referrers, :browsers, :os, :sources, :qr_clicks, :bots,
    :unfurls, :targets, :variants,
    keyword_init: true
  ) do
    def self.from_api(raw)
      metrics = raw["metrics"]
      hours = raw["clicks_by_hour"]
      new(
        link_id: raw["linkId"],
        short_code: raw["slug"],
        from: Parse.time(raw["period"]["from"]),
        to: Parse.time(raw["period"]["to"]),
        clicks: metrics["clicks"],
        unique_clicks: metrics["uniqueClicks"],
        platforms: Platforms.new(**metrics["platforms"].transform_keys(&:to_sym)),
        clicks_by_date: raw["clicks_by_date"].to_h { |d| [Date.iso8601(d["date"]), d["clicks"]] },
        clicks_by_hour: hours&.to_h { |h| [Parse.time(h["hour"]), h["clicks"]] },
        countries: Parse.breakdown(raw["countries"], "country"),
        devices: Parse.breakdown(raw["devices"], "device"),
        referrers: Parse.breakdown(raw["referrers"], "referrer"),
        browsers: Parse.breakdown(raw["browsers"], "browser"),
        os: Parse.breakdown(raw["os"], "os"),
        sources: Parse.breakdown(raw["sources"], "source"),
        qr_clicks: raw["qr_clicks"],
        bots: raw["bots"],
        unfurls: raw["unfurls"] || 0,
        targets: Parse.breakdown(raw["targets"], "target"),
        variants: (raw["variants"] || []).map do |v|
          VariantClicks.new(variant: v["variant"], clicks: v["clicks"], unique_clicks: v["uniqueClicks"])
        end
      )
    end
  end

  # A rendered QR code: #data is the image's bytes (a binary String).
  QrImage = Struct.new(:format, :content_type, :data, :etag, keyword_init: true) do
    def self.from_response(response)
      content_type = response["content-type"].to_s.split(";").first.to_s.strip
      new(format: content_type == "image/png" ? "png" : "svg", content_type: content_type,
          data: response.body.to_s.b, etag: response["etag"])
    end
  end

  # A QR code as a data:image/...;base64,... URL, for an <img src>.
  QrDataUrl = Struct.new(:format, :size, :data_url, keyword_init: true) do
    def self.from_api(raw)
      new(format: raw["format"], size: raw["size"], data_url: raw["dataUrl"])
    end
  end

  ApiKey = Struct.new(:id, :name, :prefix, :scopes, :active, :current, :created_at, :last_used_at, :revoked_at,
                      keyword_init: true) do
    def self.from_api(raw)
      new(id: raw["id"], name: raw["name"], prefix: raw["prefix"], scopes: raw["scopes"], active: raw["active"],
          current: raw["current"], created_at: Parse.time(raw["createdAt"]),
          last_used_at: Parse.time(raw["lastUsedAt"]), revoked_at: Parse.time(raw["revokedAt"]))
    end

    def active?
      active
    end
  end

  # A new key; #key is its secret, in this answer only: store it now.
  ApiKeyCreated = Struct.new(:id, :key, :name, :prefix, :scopes, :created_at, keyword_init: true) do
    def self.from_api(raw)
      new(id: raw["id"], key: raw["key"], name: raw["name"], prefix: raw["prefix"], scopes: raw["scopes"],
          created_at: Parse.time(raw["createdAt"]))
    end

    # Keeps the secret out of logs and consoles.
    def inspect
      "#<struct Smartlinks::ApiKeyCreated id=#{id.inspect}, name=#{name.inspect}, prefix=#{prefix.inspect}>"
    end
    alias_method :to_s, :inspect
  end

  # The plan's effective limits; nil means unlimited.
  Limits = Struct.new(:per_minute, :per_hour, :max_links, :max_api_keys, keyword_init: true)
  Quota = Struct.new(:used, :max, :remaining, keyword_init: true)
  RateWindow = Struct.new(:limit, :remaining, :reset_at, keyword_init: true)

  Account = Struct.new(:id, :name, :plan, :limits, :links, :api_keys, :requests_per_minute, :requests_per_hour,
                       :created_at, keyword_init: true) do
    def self.from_api(raw)
      limits = raw["limits"]
      usage = raw["usage"]
      requests = usage["requests"] || {}
      window = ->(w) { w && RateWindow.new(limit: w["limit"], remaining: w["remaining"], reset_at: Parse.time(w["resetAt"])) }
      quota = ->(q) { Quota.new(used: q["used"], max: q["max"], remaining: q["remaining"]) }
      new(
        id: raw["id"], name: raw["name"], plan: raw["plan"],
        limits: Limits.new(per_minute: limits["perMinute"], per_hour: limits["perHour"],
                           max_links: limits["maxLinks"], max_api_keys: limits["maxApiKeys"]),
        links: quota.call(usage["links"]), api_keys: quota.call(usage["apiKeys"]),
        requests_per_minute: window.call(requests["perMinute"]), requests_per_hour: window.call(requests["perHour"]),
        created_at: Parse.time(raw["createdAt"])
      )
    end
  end
end
