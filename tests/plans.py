"""EXPLAIN in tests: which indexes a page's queries use once a table holds a few thousand rows.

Run the code under test inside `CaptureQueriesContext`, then `plan_of(sql)` the statement it sent
(Django records it with its parameters inlined). `ANALYZE` the tables you filled first, so the
planner knows their size: on a nearly empty table it rightly prefers a sequential scan."""

from django.db import connection


def analyze(*tables: str) -> None:
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f'ANALYZE "{table}"')


def plan_of(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())
