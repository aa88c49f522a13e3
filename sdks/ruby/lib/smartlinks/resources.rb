# frozen_string_literal: true

require "erb"

module Smartlinks
  # /v1/links: create, read, update, delete, list; a link's analytics and QR code.
  class Links
    # Ruby names => the API's SmartLinks names.
    FIELDS = {
      url: "url", short_code: "shortCode", title: "title", metadata: "metadata", ios: "ios", android: "android",
      expires_at: "expiresAt", expired_url: "expiredUrl", max_clicks: "maxClicks", password: "password",
      redirect_type: "redirectType", forward_query: "forwardQuery", utm: "utm", tags: "tags", disabled: "disabled",
      geo: "geo", test_variants: "testVariants", og: "og"
    }.freeze

    def initialize(transport)
      @transport = transport
    end

    # Creates a link; without short_code it gets a random 7-character one.
    #   client.links.create(url: "https://example.com", short_code: "spring", tags: ["promo"])
    def create(url:, **fields)
      Link.from_api(@transport.json("POST", "/v1/links", body: Links.body(fields.merge(url: url))))
    end

    # A link by id ("link_...") or short code.
    def get(id_or_slug)
      Link.from_api(@transport.json("GET", Links.path(id_or_slug)))
    end

    # Changes the given fields; nil clears an option: update("spring", title: nil).
    def update(id_or_slug, **fields)
      Link.from_api(@transport.json("PATCH", Links.path(id_or_slug), body: Links.body(fields)))
    end

    # Deletes a link; its short URL stops redirecting at once.
    def delete(id_or_slug)
      @transport.json("DELETE", Links.path(id_or_slug))
      nil
    end

    # Links, newest first: the first page, whose #each walks every later page too.
    #   client.links.list(page_size: 100).each { |link| puts link.short_url }
    def list(page: 1, page_size: nil, search: nil, tag: nil)
      fetch = lambda do |number|
        @transport.json("GET", "/v1/links", query: { page: number, pageSize: page_size, search: search, tag: tag })
      end
      Page.new(fetch.call(page), &fetch)
    end

    # Clicks over period: ("24h", "7d", "30d" (default), "90d"), or from: to: (Dates, Times or strings, inclusive).
    def analytics(id_or_slug, period: nil, from: nil, to: nil)
      raise ArgumentError, "give both from: and to:, or neither" if from.nil? != to.nil?
      raise ArgumentError, "give period:, or from: and to:, not both" if period && from

      query = { period: period, from: from, to: to }
      Analytics.from_api(@transport.json("GET", "#{Links.path(id_or_slug)}/analytics", query: query))
    end

    # The link's QR code image. Options: size:, format: ("svg"/"png"), margin:,
    # error_correction:, dots_color:, background_color:, logo:.
    def qr_code(id_or_slug, **options)
      response = @transport.request("GET", "#{Links.path(id_or_slug)}/qr", query: QrCodes.fields(options),
                                                                           accept: QrCodes::IMAGE_TYPES)
      QrImage.from_response(response)
    end

    # The link's QR code as a data: URL; the options of #qr_code.
    def qr_code_data_url(id_or_slug, **options)
      QrDataUrl.from_api(@transport.json("GET", "#{Links.path(id_or_slug)}/qr", query: QrCodes.fields(options)))
    end

    def self.body(fields)
      unknown = fields.keys - FIELDS.keys
      raise ArgumentError, "unknown link field(s): #{unknown.join(', ')}" unless unknown.empty?

      fields.to_h { |name, value| [FIELDS.fetch(name), value.is_a?(Time) ? value.utc.iso8601 : value] }
    end

    def self.path(id_or_slug)
      raise ArgumentError, "a link id or short code is required" if id_or_slug.to_s.empty?

      "/v1/links/#{ERB::Util.url_encode(id_or_slug.to_s)}"
    end
  end

  # POST /v1/qr-codes: a QR code for a link or any URL, as bytes or a data URL.
  class QrCodes
    IMAGE_TYPES = "image/svg+xml, image/png"
    FIELDS = {
      link_id: "linkId", short_code: "shortCode", url: "url", size: "size", format: "format", margin: "margin",
      error_correction: "errorCorrection", dots_color: "dotsColor", background_color: "backgroundColor", logo: "logo"
    }.freeze
    STYLE = %w[dotsColor backgroundColor logo].freeze

    def initialize(transport)
      @transport = transport
    end

    # A QR code image for one of link_id:, short_code: or url:; options as Links#qr_code.
    def create(**options)
      # Rendering creates nothing, so repeating it is harmless.
      response = @transport.request("POST", "/v1/qr-codes", body: QrCodes.body(options), accept: IMAGE_TYPES,
                                                            idempotent: true)
      QrImage.from_response(response)
    end

    # The same, as a data: URL.
    def create_data_url(**options)
      QrDataUrl.from_api(@transport.json("POST", "/v1/qr-codes", body: QrCodes.body(options), idempotent: true))
    end

    def self.fields(options)
      unknown = options.keys - FIELDS.keys
      raise ArgumentError, "unknown QR option(s): #{unknown.join(', ')}" unless unknown.empty?

      options.reject { |_, v| v.nil? }.to_h { |name, value| [FIELDS.fetch(name), value] }
    end

    def self.body(options)
      fields = self.fields(options)
      targets = %w[linkId shortCode url].count { |name| fields.key?(name) }
      raise ArgumentError, "give exactly one of link_id:, short_code: or url:" unless targets == 1

      style = fields.slice(*STYLE)
      fields = fields.except(*STYLE)
      style.empty? ? fields : fields.merge("style" => style)
    end
  end

  # /v1/api-keys: create, list, read and revoke the account's keys.
  class ApiKeys
    def initialize(transport)
      @transport = transport
    end

    # Creates a key; its secret, #key, is in this answer only. Scopes default to the calling key's.
    def create(name: nil, scopes: nil)
      body = { "name" => name, "scopes" => scopes }.compact
      ApiKeyCreated.from_api(@transport.json("POST", "/v1/api-keys", body: body))
    end

    # Every key of the account, revoked ones included, never their secrets.
    def list
      @transport.json("GET", "/v1/api-keys")["apiKeys"].map { |key| ApiKey.from_api(key) }
    end

    def get(id)
      ApiKey.from_api(@transport.json("GET", path(id)))
    end

    # Revokes a key: its next request is refused. Returns the revoked key.
    def revoke(id)
      ApiKey.from_api(@transport.json("DELETE", path(id))["apiKey"])
    end

    private

    def path(id)
      raise ArgumentError, "an API key id is required" if id.to_s.empty?

      "/v1/api-keys/#{ERB::Util.url_encode(id.to_s)}"
    end
  end

  # /v1/account: the calling key's account, with its plan, limits and usage.
  class AccountResource
    def initialize(transport)
      @transport = transport
    end

    def get
      Account.from_api(@transport.json("GET", "/v1/account"))
    end
  end
end
