"""Pages of links. A page knows how to fetch the next one; iterating a page
yields every link from it to the end of the list, fetching pages as needed."""

from __future__ import annotations

from typing import AsyncIterator, Awaitable, Callable, Generator, Iterator, List, Set

from ._models import Link, LinkPage


class _PageBase:
    def __init__(self, page: LinkPage) -> None:
        self._page = page

    @property
    def data(self) -> List[Link]:
        """This page's links."""
        return self._page.links

    @property
    def total(self) -> int:
        """Links across all pages when this page was read."""
        return self._page.total

    @property
    def page(self) -> int:
        return self._page.page

    @property
    def page_size(self) -> int:
        return self._page.page_size

    @property
    def total_pages(self) -> int:
        return self._page.total_pages

    def has_next_page(self) -> bool:
        return self._page.has_next_page

    def __repr__(self) -> str:
        return f"{type(self).__name__}(page={self.page}, total_pages={self.total_pages}, total={self.total})"


def _unseen(links: List[Link], seen: Set[str]) -> Iterator[Link]:
    """A link pushed onto the next page by a newer one is not yielded twice."""
    for link in links:
        if link.id not in seen:
            seen.add(link.id)
            yield link


class SyncPage(_PageBase):
    """One page of links; ``for link in page`` walks on to the end of the list."""

    def __init__(self, page: LinkPage, fetch: Callable[[int], LinkPage]) -> None:
        super().__init__(page)
        self._fetch = fetch

    def next_page(self) -> "SyncPage":
        if not self.has_next_page():
            raise StopIteration(f"page {self.page} is the last one")
        return SyncPage(self._fetch(self.page + 1), self._fetch)

    def iter_pages(self) -> Iterator["SyncPage"]:
        page = self
        yield page
        while page.has_next_page():
            page = page.next_page()
            yield page

    def __iter__(self) -> Iterator[Link]:
        seen: Set[str] = set()
        for page in self.iter_pages():
            yield from _unseen(page.data, seen)


class AsyncPage(_PageBase):
    """One page of links; ``async for link in page`` walks on to the end of the list."""

    def __init__(self, page: LinkPage, fetch: Callable[[int], Awaitable[LinkPage]]) -> None:
        super().__init__(page)
        self._fetch = fetch

    async def next_page(self) -> "AsyncPage":
        if not self.has_next_page():
            raise StopAsyncIteration(f"page {self.page} is the last one")
        return AsyncPage(await self._fetch(self.page + 1), self._fetch)

    async def iter_pages(self) -> AsyncIterator["AsyncPage"]:
        page = self
        yield page
        while page.has_next_page():
            page = await page.next_page()
            yield page

    async def __aiter__(self) -> AsyncIterator[Link]:
        seen: Set[str] = set()
        async for page in self.iter_pages():
            for link in _unseen(page.data, seen):
                yield link


class AsyncPager:
    """What ``AsyncSmartLinks.links.list()`` returns: ``await`` it for the first
    page, or ``async for`` over it for every link."""

    def __init__(self, first: Callable[[], Awaitable[AsyncPage]]) -> None:
        self._first = first

    def __await__(self) -> Generator[None, None, AsyncPage]:
        return self._first().__await__()

    async def __aiter__(self) -> AsyncIterator[Link]:
        page = await self._first()
        async for link in page:
            yield link
