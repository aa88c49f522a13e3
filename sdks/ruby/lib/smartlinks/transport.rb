# frozen_string_literal: true

require "json"
require "net/http"
require "openssl"
require "time"
require "uri"

module Smartlinks
  # Sends requests with Net::HTTP: one attempt per connection with timeouts,
  # retries with backoff, and error mapping. Resources describe requests;
  # only this class talks to the network.
  class Transport
    USER_AGENT = "smartlinks-ruby/#{VERSION}"
    DEFAULT_TIMEOUT = 30.0
    DEFAULT_MAX_RETRIES = 2
    DEFAULT_MAX_RETRY_DELAY = 60.0
    INITIAL_BACKOFF = 0.5
    MAX_BACKOFF = 8.0
    # Answers worth another try of an idempotent request.
    RETRYABLE_STATUS = [408, 500, 502, 503, 504].freeze
    CONNECTION_ERRORS = [
      SocketError, IOError, EOFError, SystemCallError, OpenSSL::SSL::SSLError, Net::HTTPBadResponse
    ].freeze
    TIMEOUT_ERRORS = [Net::OpenTimeout, Net::ReadTimeout, Net::WriteTimeout].freeze

    attr_reader :base_url, :timeout, :max_retries, :max_retry_delay

    def initialize(api_key:, base_url:, timeout:, max_retries:, max_retry_delay:, headers:)
      @api_key = api_key || ENV.fetch("SMARTLINKS_API_KEY", nil)
      if @api_key.nil? || @api_key.empty?
        raise ArgumentError, "SmartLinks API key missing: pass api_key: or set the SMARTLINKS_API_KEY environment variable"
      end

      base_url ||= ENV.fetch("SMARTLINKS_BASE_URL", nil)
      if base_url.nil? || base_url.empty?
        raise ArgumentError, "SmartLinks base URL missing: pass base_url: or set the SMARTLINKS_BASE_URL environment variable"
      end

      @base_url = base_url.sub(%r{/+\z}, "").sub(%r{/v1\z}, "")
      @timeout = timeout || DEFAULT_TIMEOUT
      @max_retries = max_retries || DEFAULT_MAX_RETRIES
      @max_retry_delay = max_retry_delay || DEFAULT_MAX_RETRY_DELAY
      @headers = headers || {}
    end

    # A copy with other timeout or retry settings.
    def with(timeout: nil, max_retries: nil, max_retry_delay: nil)
      copy = dup
      copy.instance_variable_set(:@timeout, timeout) unless timeout.nil?
      copy.instance_variable_set(:@max_retries, max_retries) unless max_retries.nil?
      copy.instance_variable_set(:@max_retry_delay, max_retry_delay) unless max_retry_delay.nil?
      copy
    end

    # Sends the request, retrying as configured; returns the 2xx Net::HTTPResponse.
    # `idempotent` (default: GET and DELETE) allows retries after 5xx answers and
    # network errors; a 429 is retried for any request, as it was not carried out.
    def request(method, path, query: nil, body: nil, accept: "application/json", idempotent: nil)
      idempotent = %w[GET DELETE].include?(method) if idempotent.nil?
      attempt = 0
      loop do
        begin
          response = send_once(method, path, query, body, accept)
        rescue ConnectionError
          raise unless idempotent && attempt < max_retries

          sleep(self.class.backoff(attempt))
        else
          return response if response.code.to_i.between?(200, 299) || response.code == "304"

          wait = retry_wait(response, attempt, idempotent)
          raise error_for(response) if wait.nil?

          sleep(wait)
        end
        attempt += 1
      end
    end

    def json(method, path, **options)
      JSON.parse(request(method, path, **options).body)
    end

    # 0.5 s, 1 s, 2 s, ... capped at 8 s, each shortened by up to a quarter at random.
    def self.backoff(attempt)
      [INITIAL_BACKOFF * (2**attempt), MAX_BACKOFF].min * (1 - (rand * 0.25))
    end

    # Seconds the server asked to wait: retry-after-ms, or Retry-After in seconds or as an HTTP date.
    def self.retry_after(headers)
      ms = Float(headers["retry-after-ms"] || "", exception: false)
      return [ms / 1000.0, 0].max if ms

      value = headers["retry-after"]
      return nil if value.nil?

      seconds = Float(value, exception: false)
      return [seconds, 0].max if seconds

      [Time.httpdate(value) - Time.now, 0].max
    rescue ArgumentError
      nil
    end

    private

    def retry_wait(response, attempt, idempotent)
      status = response.code.to_i
      retryable = status == 429 || (idempotent && RETRYABLE_STATUS.include?(status))
      return nil unless retryable && attempt < max_retries

      wait = self.class.retry_after(headers_of(response)) || self.class.backoff(attempt)
      wait <= max_retry_delay ? wait : nil
    end

    def send_once(method, path, query, body, accept)
      uri = URI(base_url + path)
      params = (query || {}).reject { |_, v| v.nil? }.transform_values { |v| wire_value(v) }
      uri.query = URI.encode_www_form(params) unless params.empty?
      request = Net::HTTPGenericRequest.new(method, !body.nil?, true, uri.request_uri)
      request["Accept"] = accept
      request["Authorization"] = "Bearer #{@api_key}"
      request["User-Agent"] = USER_AGENT
      @headers.each { |name, value| request[name] = value }
      unless body.nil?
        request["Content-Type"] = "application/json"
        request.body = JSON.generate(body)
      end
      http = Net::HTTP.new(uri.host, uri.port)
      http.use_ssl = uri.scheme == "https"
      http.open_timeout = http.read_timeout = http.write_timeout = timeout
      http.max_retries = 0 # retries are this class's decision, not Net::HTTP's
      http.start { http.request(request) }
    rescue *TIMEOUT_ERRORS
      raise TimeoutError, "No answer from #{base_url} within #{timeout} s"
    rescue *CONNECTION_ERRORS => e
      raise ConnectionError, "Could not reach #{base_url}: #{e.message}"
    end

    def wire_value(value)
      case value
      when Time then value.utc.iso8601
      when DateTime then value.to_time.utc.iso8601
      when Date then value.iso8601
      else value.to_s
      end
    end

    def headers_of(response)
      response.each_header.to_h
    end

    def error_for(response)
      body = begin
        JSON.parse(response.body.to_s)
      rescue JSON::ParserError
        response.body.to_s
      end
      APIError.from_response(response.code.to_i, body, headers_of(response))
    end
  end
end
