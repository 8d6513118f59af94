"""EXPLAIN in tests: which indexes a page's queries use once a table holds a few thousand rows.

Run the code under test inside `CaptureQueriesContext`, then `plan_of(sql)` the statement it sent
(Django records it with its parameters inlined). `ANALYZE` the tables you filled first, so the
planner knows their size: on a nearly empty table it rightly prefers a sequential scan."""

from django.db import connection

from accounts.models import User
from profiles.models import SocialProfile


def analyze(*tables: str) -> None:
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f'ANALYZE "{table}"')


def plan_of(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def bulk_profiles(count: int, *, prefix: str) -> list[SocialProfile]:
    """`count` people in two bulk inserts (no signals, no email rows): usernames prefix0, prefix1…
    For filling tables to a size the planner takes seriously, not for behaviour tests."""
    users = User.objects.bulk_create(
        User(email=f"{prefix}{n}@example.com", username=f"{prefix}{n}", password="!")
        for n in range(count)
    )
    return SocialProfile.objects.bulk_create(
        SocialProfile(user=user, first_name=f"{prefix.title()} {n}") for n, user in enumerate(users)
    )
