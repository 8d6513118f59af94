"""Keyset pagination: the next page starts after the last row shown, so page 1000 costs what
page 1 costs (an index range scan, not an OFFSET that reads and throws away every earlier row).

The cursor is signed: a visitor can copy it, not forge one; a bad cursor shows the first page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.db.models import Q, QuerySet

SALT = "momento.pagination"


@dataclass
class KeysetPage:
    items: list[Any]
    next_cursor: str | None

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None


def _value(obj, field: str):
    return getattr(obj, "pk" if field == "pk" else field)


def paginate(
    queryset: QuerySet,
    *,
    order: tuple[str, ...],
    cursor: str | None,
    size: int = 20,
    within: Callable[[list[str] | None], Any] | None = None,
) -> KeysetPage:
    """`order` names the fields, e.g. ("-created_at", "-pk"); the last one must be unique.

    `within`, for an order no index can give (computed keys): given the cursor's values (None
    on the first page), a subquery of the pks of a few rows among which the page surely is
    (e.g. a UNION ALL of parts, each read on an index and cut at the page's end); the page is
    then ordered and cut among those rows only, in the same query."""
    fields = [name.lstrip("-") for name in order]
    queryset = queryset.order_by(*order)
    after = _load(cursor, len(fields))
    if within is not None:
        queryset = queryset.filter(pk__in=within(after))
    if after is not None:
        queryset = queryset.filter(after_condition(order, after))
    return _page(list(queryset[: size + 1]), fields, size)


def _page(rows: list, fields: list[str], size: int) -> KeysetPage:
    items = rows[:size]
    next_cursor = None
    if len(rows) > size:
        last = items[-1]
        next_cursor = signing.dumps([str(_value(last, f)) for f in fields], salt=SALT)
    return KeysetPage(items, next_cursor)


def _load(cursor: str | None, length: int) -> list[str] | None:
    if not cursor:
        return None
    try:
        values = signing.loads(cursor, salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(values, list) or len(values) != length:
        return None
    return values


def after_condition(order: tuple[str, ...], values: list[str]) -> Q:
    """(a, b) after (x, y) in the given directions: a beyond x, or a = x and b beyond y."""
    condition = Q()
    for index, name in enumerate(order):
        field = name.lstrip("-")
        lookup = "lt" if name.startswith("-") else "gt"
        step = Q(**{f"{field}__{lookup}": values[index]})
        for previous in range(index):
            step &= Q(**{order[previous].lstrip("-"): values[previous]})
        condition |= step
    return condition
