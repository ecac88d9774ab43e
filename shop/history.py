"""Order history kept outside the shop, shown in «Mine ordre» after the customer's own orders.

The shop must not know the apps that own such history (the migration app owns the old shop's
orders and builds on the shop, never the reverse), so they plug in here: an app registers an
`OrderHistorySource` in its `AppConfig.ready()`, and «Mine ordre» pages through the customer's own
orders first and then each source's rows, filtered by the same search. A source answers with a lazy
result that can `count()` and be sliced (a QuerySet wrapped by `HistoryResult`), so a page costs a
count and a slice per source whatever the size of the history.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol

from .pricing import vat_of


@dataclass(frozen=True)
class HistoryRow:
    """One order of another system as «Mine ordre» shows it (the attributes the order table reads)."""

    key: str  # unique across sources, for cache keys
    number: str
    created_at: date
    status_label: str
    reference: str
    user: str  # who ordered, as text
    total_excl_vat: Decimal | None
    url: str
    source_label: str  # e.g. «Fra dagens nettbutikk»
    status: str = "history"  # the CSS modifier of the status badge
    is_history: bool = True

    @property
    def pk(self) -> str:
        return self.key

    @property
    def total_incl_vat(self) -> Decimal | None:
        return None if self.total_excl_vat is None else self.total_excl_vat + vat_of(self.total_excl_vat)


class HistoryResult:
    """A lazy, sliceable, countable view of a QuerySet whose slices are turned into HistoryRows."""

    def __init__(self, queryset, to_row: Callable[[object], HistoryRow]):
        self.queryset = queryset
        self.to_row = to_row

    def count(self) -> int:
        return self.queryset.count()

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self.to_row(obj) for obj in self.queryset[index]]
        return self.to_row(self.queryset[index])


class OrderHistorySource(Protocol):
    def search(
        self, *, customer, text: str = "", start=None, end=None, user_id=None, status: str = ""
    ) -> HistoryResult: ...


_sources: list[OrderHistorySource] = []


def order_history_register(source: OrderHistorySource) -> None:
    """Add a source (idempotent: registering the same object twice keeps one)."""
    if source not in _sources:
        _sources.append(source)


def order_history_sources() -> list[OrderHistorySource]:
    return list(_sources)


class ChainedOrders:
    """The customer's own orders, then each registered source's rows: what Paginator pages through.

    `count()` is one COUNT per part (cached); a slice reads only the parts it overlaps.
    """

    def __init__(self, *parts):
        self.parts = parts
        self._counts = None

    def counts(self) -> list[int]:
        if self._counts is None:
            self._counts = [part.count() for part in self.parts]
        return self._counts

    def count(self) -> int:
        return sum(self.counts())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            rows = self[index : index + 1]
            if not rows:
                raise IndexError(index)
            return rows[0]
        start, stop = index.start or 0, index.stop if index.stop is not None else self.count()
        rows, offset = [], 0
        for part, size in zip(self.parts, self.counts(), strict=True):
            low, high = max(start - offset, 0), min(stop - offset, size)
            if low < high:
                rows.extend(part[low:high])
            offset += size
            if offset >= stop:
                break
        return rows


def orders_with_history(orders, *, customer, **filters) -> ChainedOrders:
    """«Mine ordre»'s list: `orders` (already filtered) followed by every source's matching rows."""
    return ChainedOrders(
        orders, *(source.search(customer=customer, **filters) for source in order_history_sources())
    )
