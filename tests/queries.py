"""Query counts in tests.

- `assert_same_queries_for_few_and_many`: a page's count does not grow with its rows.
- tests/test_query_counts.py pins each main page's exact count in one world, and checks that
  no query runs while its template renders, with `queries_while_rendering`.
- `writes_in`: the statements of a capture that change rows (the request floor writes none).

Why "no query while rendering": a query a template triggers (a lazy QuerySet in `{% if %}` or
`{% for %}`, a related object reached through a dotted name) hides from the view and is where
N+1s are born; views hand templates lists and values. The check wraps the template backend's
`Template.render`, which every `render()`, `render_to_string()` and `TemplateResponse` goes
through (includes and partials render inside it), and records, through a database execute
wrapper, every statement sent while one is on the stack.
"""

import contextlib
import threading
from collections.abc import Callable, Iterator
from unittest import mock

from django.db import connection
from django.template.backends.django import Template as BackendTemplate
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


@contextlib.contextmanager
def queries_while_rendering() -> Iterator[list[str]]:
    """The SQL sent while a template renders, in this thread (see the module docstring)."""
    seen: list[str] = []
    state = threading.local()
    render = BackendTemplate.render

    def rendering(self, *args, **kwargs):
        state.depth = getattr(state, "depth", 0) + 1
        try:
            return render(self, *args, **kwargs)
        finally:
            state.depth -= 1

    def watch(execute, sql, params, many, context):
        if getattr(state, "depth", 0):
            seen.append(sql)
        return execute(sql, params, many, context)

    with mock.patch.object(BackendTemplate, "render", rendering), connection.execute_wrapper(watch):
        yield seen
