# frozen_string_literal: true

require "json"
require "socket"
require "uri"

# A scripted HTTP server on 127.0.0.1 standing in for the API in unit tests:
# each request gets the next queued reply (the last one repeats), and every
# request is recorded for assertions.
class FakeServer
  Request = Struct.new(:method, :path, :query, :headers, :body, keyword_init: true)

  attr_reader :requests, :url

  def initialize
    @server = TCPServer.new("127.0.0.1", 0)
    @url = "http://127.0.0.1:#{@server.addr[1]}"
    @requests = []
    @replies = []
    @lock = Mutex.new
    @thread = Thread.new { accept_loop }
  end

  # Queues replies (callables taking the Request, returning [status, headers, body]).
  def reply(*replies)
    @lock.synchronize { @replies.concat(replies) }
    self
  end

  def close
    @server.close
    @thread.join
  end

  def self.json(status, body, headers = {})
    ->(_request) { [status, { "content-type" => "application/json" }.merge(headers), JSON.generate(body)] }
  end

  def self.api_error(status, code, message, headers: {}, **extra)
    json(status, { "error" => { "code" => code, "message" => message }.merge(extra.transform_keys(&:to_s)) }, headers)
  end

  def self.slow(seconds, reply)
    lambda do |request|
      sleep(seconds)
      reply.call(request)
    end
  end

  # A link as the API sends it: every field in both dialects.
  def self.raw_link(number, **overrides)
    slug = "s#{number}"
    at = "2026-02-01T10:00:00Z"
    pairs = {
      "shortUrl" => "https://smart.link/#{slug}", "createdAt" => at, "updatedAt" => at, "expiresAt" => nil,
      "expiredUrl" => nil, "maxClicks" => nil, "hasPassword" => false, "redirectType" => 302, "forwardQuery" => true
    }
    snake = pairs.transform_keys { |k| k.gsub(/([A-Z])/) { "_#{Regexp.last_match(1).downcase}" } }
    {
      "id" => format("link_%012d", number), "slug" => slug, "shortCode" => slug, "url" => "https://example.com/",
      "original_url" => "https://example.com/", "title" => nil, "metadata" => nil, "clicks" => 0, "ios" => nil,
      "android" => nil, "utm" => nil, "tags" => [], "disabled" => false
    }.merge(pairs, snake, overrides.transform_keys(&:to_s))
  end

  # Answers GET /v1/links from `total` links, newest first, honouring page and pageSize.
  def self.link_pages(total)
    links = (1..total).to_a.reverse.map { |n| raw_link(n) }
    lambda do |request|
      page = Integer(request.query.fetch("page"))
      size = Integer(request.query.fetch("pageSize", "20"))
      json(200, { "links" => links[(page - 1) * size, size] || [], "total" => total, "page" => page,
                  "limit" => size, "pageSize" => size, "totalPages" => (total + size - 1) / size }).call(request)
    end
  end

  private

  def accept_loop
    loop do
      socket = @server.accept
      Thread.new(socket) { |s| serve(s) }
    end
  rescue IOError, Errno::EBADF
    nil # closed
  end

  def serve(socket)
    method, target = socket.gets.to_s.split(" ")
    headers = {}
    while (line = socket.gets) && line != "\r\n"
      name, value = line.split(":", 2)
      headers[name.downcase] = value.strip
    end
    raw = headers["content-length"] ? socket.read(Integer(headers["content-length"])) : ""
    uri = URI(target)
    request = Request.new(method: method, path: uri.path, query: URI.decode_www_form(uri.query.to_s).to_h,
                          headers: headers, body: raw.empty? ? nil : JSON.parse(raw))
    reply = @lock.synchronize do
      @requests << request
      @replies.length > 1 ? @replies.shift : @replies.first
    end
    status, reply_headers, body = reply.call(request)
    head = reply_headers.merge("content-length" => body.bytesize.to_s, "connection" => "close")
                        .map { |k, v| "#{k}: #{v}\r\n" }.join
    socket.write("HTTP/1.1 #{status} Fake\r\n#{head}\r\n#{body}")
  rescue Errno::EPIPE, Errno::ECONNRESET, IOError
    nil # the client gave up (a timeout test)
  ensure
    socket.close unless socket.closed?
  end
end
