# frozen_string_literal: true

module Smartlinks
  # Base class of everything this client raises.
  class Error < StandardError; end

  # The API answered with an error status. Each of the API's error codes has
  # its own subclass, so callers rescue exactly the case they handle.
  class APIError < Error
    # HTTP status, e.g. 404.
    attr_reader :status
    # The API's stable error code, e.g. "not_found"; nil when the body was not an API error.
    attr_reader :code
    # The request field at fault, on validation errors.
    attr_reader :field
    # "x-request-id", else Cloudflare's "cf-ray", when the response carries one.
    attr_reader :request_id
    # Response headers, lower-case names.
    attr_reader :headers
    # The parsed JSON body, or the raw text when it was not JSON.
    attr_reader :body

    def initialize(status, body, headers)
      error = Errors.api_error_of(body)
      @status = status
      @code = error["code"]
      @field = error["field"]
      @headers = headers
      @request_id = headers["x-request-id"] || headers["cf-ray"]
      @body = body
      super(error["message"] || "HTTP #{status}")
    end

    # The subclass for the body's code (else for the status).
    def self.from_response(status, body, headers)
      code = Errors.api_error_of(body)["code"]
      klass = Errors::BY_CODE[code] || Errors::BY_STATUS[status] ||
              (status >= 500 ? InternalServerError : APIError)
      klass.new(status, body, headers)
    end
  end

  # 400 validation_error: #field names the input to fix.
  class ValidationError < APIError; end
  # 401 unauthorized: the key is missing, unknown or revoked.
  class UnauthorizedError < APIError; end
  # 403 forbidden: the key lacks the route's scope.
  class ForbiddenError < APIError; end
  # 403 plan_limit: the plan's maximum links or keys is reached.
  class PlanLimitError < APIError; end
  # 404 not_found.
  class NotFoundError < APIError; end
  # 405 method_not_allowed.
  class MethodNotAllowedError < APIError; end
  # 409 slug_taken: another link has that short code.
  class SlugTakenError < APIError; end
  # 409 conflict: the link changed underneath the update.
  class ConflictError < APIError; end
  # 413 payload_too_large.
  class PayloadTooLargeError < APIError; end
  # 415 unsupported_media_type.
  class UnsupportedMediaTypeError < APIError; end

  # 429 rate_limited.
  class RateLimitError < APIError
    # Seconds the API asked to wait, when it said.
    def retry_after
      Float(headers["retry-after"], exception: false)
    end
  end

  # 500 internal_error (and other 5xx answers without a known code).
  class InternalServerError < APIError; end
  # 503 service_unavailable: storage trouble; retried for idempotent calls.
  class ServiceUnavailableError < APIError; end

  # The request got no answer (DNS, refused connection, reset, ...).
  class ConnectionError < Error; end
  # No answer within the timeout.
  class TimeoutError < ConnectionError; end

  module Errors
    BY_CODE = {
      "validation_error" => ValidationError,
      "unauthorized" => UnauthorizedError,
      "forbidden" => ForbiddenError,
      "plan_limit" => PlanLimitError,
      "not_found" => NotFoundError,
      "method_not_allowed" => MethodNotAllowedError,
      "slug_taken" => SlugTakenError,
      "conflict" => ConflictError,
      "payload_too_large" => PayloadTooLargeError,
      "unsupported_media_type" => UnsupportedMediaTypeError,
      "rate_limited" => RateLimitError,
      "internal_error" => InternalServerError,
      "service_unavailable" => ServiceUnavailableError
    }.freeze

    # For bodies without a known code (a proxy's error page, say).
    BY_STATUS = {
      400 => ValidationError, 401 => UnauthorizedError, 403 => ForbiddenError, 404 => NotFoundError,
      405 => MethodNotAllowedError, 409 => ConflictError, 413 => PayloadTooLargeError,
      415 => UnsupportedMediaTypeError, 429 => RateLimitError, 500 => InternalServerError,
      503 => ServiceUnavailableError
    }.freeze

    def self.api_error_of(body)
      error = body.is_a?(Hash) ? body["error"] : nil
      return {} unless error.is_a?(Hash) && error["code"].is_a?(String)

      error.slice("code", "message", "field").select { |_, v| v.is_a?(String) }
    end
  end
end
