"""Sorting and pages of the list screens (events, practices, people), read from the URL.

A list's address carries everything it shows: its filters, `sort` (a column key, `-key` for
descending), `size` (one of PAGE_SIZES) and `page`. `ListArgs.url(...)` builds the address
of the same list with one thing changed, so sort links, page links, page-size links and
download links keep the filters. Nothing here touches the database: the areas' queries take
`sort`, `limit` and `offset` and return the rows of one page with the total.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from flask import url_for

#: The page sizes a reader may choose from; anything else in `?size=` falls back to the default.
PAGE_SIZES = (25, 50, 100)
#: Arguments that say how the list is shown, not what it holds.
SHOWING = ("sort", "size", "page")


@dataclass(frozen=True)
class ListArgs:
    endpoint: str
    sort: str  # "date" or "-date"
    size: int
    page: int  # asked for; `Page.number` is the one shown (never past the last)
    filters: dict[str, str] = field(default_factory=dict)  # the list's own, as typed
    default_sort: str = ""
    default_size: int = PAGE_SIZES[0]

    @property
    def sort_key(self) -> str:
        return self.sort.removeprefix("-")

    @property
    def descending(self) -> bool:
        return self.sort.startswith("-")

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size

    def _showing(self) -> dict[str, str | int]:
        shown: dict[str, str | int] = {}
        if self.sort != self.default_sort:
            shown["sort"] = self.sort
        if self.size != self.default_size:
            shown["size"] = self.size
        return shown

    def url(self, endpoint: str | None = None, **changes) -> str:
        """This list's address (or `endpoint`'s, e.g. its CSV) with `changes`; a change to
        None drops that argument. Page 1 is not written."""
        args: dict = {**self.filters, **self._showing()}
        if self.page > 1:
            args["page"] = self.page
        args.update(changes)
        args = {k: v for k, v in args.items() if v not in (None, "") and (k, v) != ("page", 1)}
        return url_for(endpoint or self.endpoint, **args)

    def sort_url(self, key: str) -> str:
        """The column's link: ascending first, descending when it is already ascending."""
        chosen = f"-{key}" if self.sort == key else key
        return self.url(sort=chosen, page=None)

    def aria_sort(self, key: str) -> str | None:
        if self.sort_key != key:
            return None
        return "descending" if self.descending else "ascending"

    def download_url(self, endpoint: str) -> str:
        """The same rows as a file: every page, so no page or size."""
        return self.url(endpoint, page=None, size=None)


def read_list_args(
    endpoint: str,
    args: Mapping[str, str],
    *,
    sorts: Sequence[str],
    default_sort: str,
    default_size: int = PAGE_SIZES[0],
    filters: Sequence[str] = (),
) -> ListArgs:
    """Sort, size and page from the query string; unknown values fall back to the defaults."""
    sort = args.get("sort", "")
    if sort.removeprefix("-") not in sorts:
        sort = default_sort
    size_text = args.get("size", "")
    size = int(size_text) if size_text.isdigit() and int(size_text) in PAGE_SIZES else default_size
    page_text = args.get("page", "")
    page = int(page_text) if page_text.isascii() and page_text.isdigit() else 1
    page = min(max(page, 1), 1_000_000)
    kept = {name: args[name] for name in filters if args.get(name)}
    return ListArgs(endpoint, sort, size, page, kept, default_sort, default_size)


@dataclass(frozen=True)
class Page:
    """One page of a list: its rows, where it is, and how many rows the filters match."""

    items: list
    total: int
    number: int
    size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def first_row(self) -> int:
        return 0 if not self.total else (self.number - 1) * self.size + 1

    @property
    def last_row(self) -> int:
        return min(self.number * self.size, self.total)


def one_page(list_args: ListArgs, fetch: Callable[[int, int], tuple[list, int]]) -> Page:
    """`fetch(limit, offset)` -> (rows, total). A page past the last shows the last one."""
    rows, total = fetch(list_args.size, list_args.offset)
    last = max(1, -(-total // list_args.size))
    if list_args.page > last:
        rows, total = fetch(list_args.size, (last - 1) * list_args.size)
        return Page(rows, total, last, list_args.size)
    return Page(rows, total, list_args.page, list_args.size)
