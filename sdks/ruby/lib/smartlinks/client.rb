# frozen_string_literal: true

module Smartlinks
  # The SmartLinks API client.
  #
  #   client = Smartlinks::Client.new  # SMARTLINKS_API_KEY and SMARTLINKS_BASE_URL
  #   link = client.links.create(url: "https://example.com/product/123", short_code: "spring")
  #
  # timeout: is seconds per attempt (default 30); max_retries: (default 2)
  # bounds retries; a Retry-After longer than max_retry_delay: seconds
  # (default 60) is raised instead of waited for.
  class Client
    attr_reader :links, :qr_codes, :api_keys, :account

    def initialize(api_key: nil, base_url: nil, timeout: nil, max_retries: nil, max_retry_delay: nil, headers: nil)
      setup(Transport.new(api_key: api_key, base_url: base_url, timeout: timeout, max_retries: max_retries,
                          max_retry_delay: max_retry_delay, headers: headers))
    end

    def base_url
      @transport.base_url
    end

    # A client with other timeout or retry settings.
    def with_options(timeout: nil, max_retries: nil, max_retry_delay: nil)
      copy = self.class.allocate
      copy.send(:setup, @transport.with(timeout: timeout, max_retries: max_retries, max_retry_delay: max_retry_delay))
      copy
    end

    def inspect
      "#<Smartlinks::Client base_url=#{base_url.inspect}>"
    end

    private

    def setup(transport)
      @transport = transport
      @links = Links.new(transport)
      @qr_codes = QrCodes.new(transport)
      @api_keys = ApiKeys.new(transport)
      @account = AccountResource.new(transport)
    end
  end
end
