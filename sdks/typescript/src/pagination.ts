// Pages of a list, and the promise `list()` returns: await it for the first
// page, or iterate it with `for await` for every item of every page.

export interface PageInfo {
  /** Items across all pages when the page was read. */
  total: number;
  /** This page's number, from 1. */
  page: number;
  pageSize: number;
  totalPages: number;
}

export class Page<T> implements PageInfo {
  readonly data: T[];
  readonly total: number;
  readonly page: number;
  readonly pageSize: number;
  readonly totalPages: number;
  readonly #fetchPage: (page: number) => Promise<Page<T>>;

  constructor(data: T[], info: PageInfo, fetchPage: (page: number) => Promise<Page<T>>) {
    this.data = data;
    this.total = info.total;
    this.page = info.page;
    this.pageSize = info.pageSize;
    this.totalPages = info.totalPages;
    this.#fetchPage = fetchPage;
  }

  hasNextPage(): boolean {
    return this.data.length > 0 && this.page < this.totalPages;
  }

  /** The next page; throws when there is none (check `hasNextPage()`). */
  nextPage(): Promise<Page<T>> {
    if (!this.hasNextPage()) throw new Error(`page ${this.page} is the last one`);
    return this.#fetchPage(this.page + 1);
  }

  /** Every page from this one on. */
  async *pages(): AsyncGenerator<Page<T>> {
    let page: Page<T> = this;
    for (;;) {
      yield page;
      if (!page.hasNextPage()) return;
      page = await page.nextPage();
    }
  }

  /**
   * Every item from this page on, fetching pages as needed. An item seen on
   * an earlier page is not repeated when newer items push it onto the next.
   */
  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    const seen = new Set<unknown>();
    for await (const page of this.pages()) {
      for (const item of page.data) {
        const id = (item as { id?: unknown }).id;
        if (id !== undefined) {
          if (seen.has(id)) continue;
          seen.add(id);
        }
        yield item;
      }
    }
  }
}

/** Awaitable for the first page, and async-iterable over every item. */
export class PagePromise<T> implements PromiseLike<Page<T>>, AsyncIterable<T> {
  #first: Promise<Page<T>> | undefined;
  readonly #load: () => Promise<Page<T>>;

  constructor(load: () => Promise<Page<T>>) {
    this.#load = load;
  }

  #page(): Promise<Page<T>> {
    this.#first ??= this.#load();
    return this.#first;
  }

  then<A = Page<T>, B = never>(
    onFulfilled?: ((page: Page<T>) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.#page().then(onFulfilled, onRejected);
  }

  catch<B = never>(onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<Page<T> | B> {
    return this.#page().catch(onRejected);
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    yield* await this.#page();
  }
}
