"""EXPLAIN in tests: which indexes a page's queries use once a table holds a few thousand rows.

Run the code under test inside `CaptureQueriesContext`, then `plan_of(sql)` the statement it sent
(Django records it with its parameters inlined). `ANALYZE` the tables you filled first, so the
planner knows their size: on a nearly empty table it rightly prefers a sequential scan."""

import re

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


def crowded_site(*, events: int = 3000, members: int = 2000, each: int = 10):
    """A site big enough for the planner to care, in bulk: `events` events of a few hosts (a
    third past, the rest upcoming and open), and `members` people invited to `each` of them,
    in every status that waits for an answer or holds a seat. Returns the events, soonest
    first. ANALYZEd: plans then see the site's size, as in production."""
    import datetime

    from django.utils import timezone

    from events.models import Event, Invitation
    from profiles.factories import CityFactory, HostProfileFactory

    now = timezone.now()
    city = CityFactory(name="Paris")
    hosts = [HostProfileFactory() for _ in range(10)]
    rows = Event.objects.bulk_create(
        Event(
            host=hosts[n % len(hosts)],
            city=city,
            title=f"Crowd {n}",
            starts_at=(start := now + datetime.timedelta(hours=n - events // 3)),
            ends_at=start + datetime.timedelta(hours=3),
            status=Event.Status.COMPLETED if n < events // 3 else Event.Status.PLANNED,
            max_participants=20,
        )
        for n in range(events)
    )
    status = Invitation.Status
    later = now + datetime.timedelta(days=1)
    # Mostly answered; a seat held while paying is rare (a few minutes of someone's checkout).
    kinds = [
        *[{"status": status.SENT, "expires_at": later}] * 5,
        *[{"status": status.CONFIRMED, "expires_at": later}] * 6,
        *[{"status": status.DECLINED, "expires_at": later}] * 5,
        {"status": status.OFFERED, "expires_at": later},
        {"status": status.PAYMENT_FAILED, "expires_at": later},
        {"status": status.EXPIRED, "expires_at": now},
    ]
    held = {"status": status.HELD, "expires_at": later, "hold_expires_at": later}
    people = bulk_profiles(members, prefix="crowd")
    Invitation.objects.bulk_create(
        (
            Invitation(
                event=rows[(n * 7 + k * 131) % events],
                profile=person,
                **(held if (n * each + k) % 100 == 0 else kinds[(n + k) % len(kinds)]),
            )
            for n, person in enumerate(people)
            for k in range(each)
        ),
        batch_size=5000,
    )
    analyze("events_event", "events_invitation", "profiles_socialprofile", "accounts_user")
    analyze("profiles_hostprofile", "profiles_block")
    return rows


def index_reads(plan: str, table: str, short: str) -> list[tuple[str, str]]:
    """(index, its Index Cond) of every index scan of `table` in a text plan, bitmap or not:
    a bitmap scan names only its index, told by its name (`table`'s or `short`'s prefix)."""
    lines = plan.splitlines()
    reads = []
    for number, line in enumerate(lines):
        found = re.search(rf"Index (?:Only )?Scan(?: Backward)? using (\w+) on {table}\b", line)
        bitmap = re.search(r"Bitmap Index Scan on (\w+)", line)
        if bitmap and bitmap.group(1).startswith((table, short)):
            found = bitmap
        if not found:
            continue
        following = lines[number + 1] if number + 1 < len(lines) else ""
        reads.append((found.group(1), following.strip() if "Index Cond" in following else ""))
    return reads
