# frozen_string_literal: true

module Smartlinks
  # One page of links. #each (and so every Enumerable method) walks from this
  # page to the end of the list, fetching pages as needed; #data is this
  # page's links only.
  class Page
    include Enumerable

    attr_reader :data, :total, :page, :page_size, :total_pages

    def initialize(raw, &fetch)
      @data = raw["links"].map { |link| Link.from_api(link) }
      @total = raw["total"]
      @page = raw["page"]
      @page_size = raw["pageSize"] || raw["limit"]
      @total_pages = raw["totalPages"]
      @fetch = fetch
    end

    def next_page?
      !data.empty? && page < total_pages
    end

    # The next page; raises StopIteration after the last one.
    def next_page
      raise StopIteration, "page #{page} is the last one" unless next_page?

      Page.new(@fetch.call(page + 1), &@fetch)
    end

    # Yields this page and every later one.
    def each_page
      return enum_for(:each_page) unless block_given?

      current = self
      loop do
        yield current
        break unless current.next_page?

        current = current.next_page
      end
    end

    # Yields every link from this page on. A link pushed onto the next page by
    # a newer one is not yielded twice.
    def each(&block)
      return enum_for(:each) unless block

      seen = {}
      each_page do |current|
        current.data.each do |link|
          next if seen.key?(link.id)

          seen[link.id] = true
          block.call(link)
        end
      end
    end

    def inspect
      "#<Smartlinks::Page page=#{page}/#{total_pages} total=#{total}>"
    end
  end
end
