"""Bulk loading for generated worlds (momento/world.py): PostgreSQL COPY straight into a model's
table, in the current transaction. No save(), no signals, no per-row round trip: the caller
writes every row a service would have written (profiles, metrics, email addresses) itself.

Columns the caller does not give are filled once per call from the model: its default, NULL, an
empty string, or `now` for auto_now fields. A field that has none of these (a new required
column) stops the load with its name, so a model that grows cannot be loaded half right.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import islice

from django.db import connection, models
from psycopg import sql

# Rows per COPY statement: PostgreSQL queues the constraint checks of one statement in memory.
CHUNK = 100_000


def copy(
    model: type[models.Model],
    fields: Sequence[str],
    rows: Iterable[Sequence],
    *,
    now: datetime.datetime,
    chunk: int | None = CHUNK,
) -> int:
    """COPY `rows` (tuples in the order of `fields`, which are field names) into the model's
    table, `chunk` rows per statement (None: one statement, for rows that are checked together,
    such as a deferred trigger over several rows); returns how many rows were written."""
    given = [model._meta.get_field(name) for name in fields]
    rest = [
        field
        for field in model._meta.concrete_fields
        if field not in given and not (field.primary_key and isinstance(field, models.AutoField))
    ]
    filler = tuple(_fill(model, field, now) for field in rest)
    columns = [field.column for field in (*given, *rest)]
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(model._meta.db_table), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    connection.ensure_connection()
    written = 0
    rows = iter(rows)
    with connection.connection.cursor() as cursor:
        while batch := list(islice(rows, chunk)):
            with cursor.copy(statement) as out:
                for row in batch:
                    out.write_row((*row, *filler))
            written += len(batch)
    return written


def _fill(model, field: models.Field, now: datetime.datetime):
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return now
    if field.has_default():
        if field.primary_key:
            raise ValueError(f"{model.__name__}.{field.name}: give the key of every row.")
        value = field.get_default()
        if isinstance(value, uuid.UUID):
            raise ValueError(
                f"{model.__name__}.{field.name}: one default for every row would repeat."
            )
        return now if isinstance(value, datetime.datetime) else value
    if field.null:
        return None
    if field.empty_strings_allowed and not field.is_relation:
        return ""
    raise ValueError(f"{model.__name__}.{field.name} has no default: give it in every row.")


@contextmanager
def constraints_checked_at_the_end(models_: Sequence[type[models.Model]]) -> Iterator[None]:
    """Load these tables without their foreign keys and secondary indexes (unique ones too, not
    partial ones), then put the very same back: an index built once from sorted rows, and a
    foreign key validated in one pass (an anti-join), cost a fraction of keeping them up to date
    row by row, where each row written looks up and locks the row it references. A duplicate or
    a dangling key still fails, when its constraint comes back. In the caller's transaction: the
    constraints are back, or nothing happened."""
    tables = [model._meta.db_table for model in models_]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)"
            "  FROM pg_constraint WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)",
            [tables],
        )
        foreign_keys = cursor.fetchall()
        cursor.execute(
            "SELECT idx.indrelid::regclass::text, class.relname,"
            "       pg_get_indexdef(idx.indexrelid), con.conname, pg_get_constraintdef(con.oid)"
            "  FROM pg_index AS idx JOIN pg_class AS class ON class.oid = idx.indexrelid"
            "  LEFT JOIN pg_constraint AS con"
            "    ON con.conindid = idx.indexrelid AND con.conrelid = idx.indrelid"
            " WHERE idx.indrelid::regclass::text = ANY(%s) AND NOT idx.indisprimary"
            # A partial index stays: its condition, deparsed and parsed again, may come back
            # written differently, and the planner must keep matching it to the same queries.
            # It only has the few rows its condition picks to keep up to date.
            "   AND idx.indpred IS NULL",
            [tables],
        )
        indexes = cursor.fetchall()
        for table, name, _ in foreign_keys:
            cursor.execute(f"ALTER TABLE {_quote(table)} DROP CONSTRAINT {_quote(name)}")
        for table, name, _, constraint, _ in indexes:
            if constraint:
                cursor.execute(f"ALTER TABLE {_quote(table)} DROP CONSTRAINT {_quote(constraint)}")
            else:
                cursor.execute(f"DROP INDEX {_quote(name)}")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for table, _, definition, constraint, constraint_definition in indexes:
            if constraint:
                cursor.execute(
                    f"ALTER TABLE {_quote(table)} ADD CONSTRAINT {_quote(constraint)} "
                    f"{constraint_definition}"
                )
            else:
                cursor.execute(definition)
        for table, name, definition in foreign_keys:
            cursor.execute(
                f"ALTER TABLE {_quote(table)} ADD CONSTRAINT {_quote(name)} {definition}"
            )


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def analyze(*models_: type[models.Model]) -> None:
    """Fresh planner statistics, so the first queries on the new world use its indexes."""
    with connection.cursor() as cursor:
        for model in models_:
            cursor.execute(f"ANALYZE {_quote(model._meta.db_table)}")
