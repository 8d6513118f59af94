from collections.abc import Callable

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


def assert_same_queries_for_few_and_many(
    client: Client, url: str, *, make: Callable[[int], object], assert_num_queries
) -> int:
    """The page at `url` runs as many queries with 2 rows as with 20 (`make(n)` adds n rows);
    `assert_num_queries` is pytest-django's `django_assert_num_queries`. Returns the count."""
    make(2)
    client.get(url)  # warm the session and content-type caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    make(18)
    with assert_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200
    return len(few.captured_queries)


def writes_in(sql: list[str]) -> list[str]:
    """The statements among `sql` that change rows (INSERT, UPDATE, DELETE)."""
    return [
        s for s in sql if s.lstrip().split(None, 1)[0].upper() in {"INSERT", "UPDATE", "DELETE"}
    ]
