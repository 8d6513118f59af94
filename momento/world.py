"""A large, consistent world for benchmarks: `manage.py generate_world --scale N`.

Scale 1 is about 2,000 members, 200 events and 20,000 invitations, and everything grows with the
scale (100: 200,000 members, 20,000 events, 2,000,000 invitations). Each app generates its own
tables in its `world.py`, in order (accounts, profiles, events, payments, messaging), reading
what the earlier ones left on the `World` (or wrote); rows go in by COPY (momento/bulk.py), all
in one transaction.
The same seed gives the same world: the same ids, names, statuses and shapes (times are relative
to the moment it runs).

What every page needs to agree with is kept: seats never above the maximum, event statuses that
follow the confirmed seats, attendance only for confirmed guests of completed events, ratings
only from those who came, payments that follow the seats. Every constraint still holds: check
constraints as the rows go in, unique indexes and foreign keys when momento/bulk.py puts them back
at the end of the load (built and validated in one pass each), the cities trigger's rule by one
query (profiles/world.py); a failure rolls the whole world back.

Beside the proportional world, a few objects the benchmark looks for by name (`targets` in the
summary), of the same size at every scale from 1 up, so that a page's cost at 1x and at 10x
differs only by the size of the site around it: `big_host` and the events they host (hundreds,
past and upcoming), among them the big event (500 invitations); `busy_member`, invited to
hundreds of events; and a sample of ordinary onboarded members with invitations.
"""

from __future__ import annotations

import datetime
import random
import time
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from momento import bulk

PASSWORD = "momento-bench"
MEMBERS_PER_SCALE = 2_000
EVENTS_PER_SCALE = 200
INVITATIONS_PER_SCALE = 20_000
MAX_SCALE = 1000
MIN_MEMBERS = 60  # enough for the sample and the targets at the smallest scales
SAMPLE_SIZE = 50
# The targets' sizes from scale 1 up; smaller worlds get them in proportion.
BIG_HOST_EVENTS = 200
BIG_EVENT_INVITATIONS = 500
BUSY_MEMBER_INVITATIONS = 300


class WorldError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class World:
    """The generation under way: its randomness, its clock, and what each app leaves for the
    next (indexes into these lists stand for members)."""

    scale: float
    seed: int
    now: datetime.datetime
    password_hash: str
    rng: random.Random = field(init=False)
    counts: dict[str, int] = field(default_factory=dict)
    targets: dict = field(default_factory=dict)
    # accounts/world.py: one entry per member.
    user_ids: list[str] = field(default_factory=list)
    usernames: list[str] = field(default_factory=list)
    first_names: list[str] = field(default_factory=list)
    joined: list[datetime.datetime] = field(default_factory=list)
    pool: list[int] = field(default_factory=list)  # who takes part: active, not staff
    sample: list[int] = field(default_factory=list)
    staff: int = 0
    # profiles/world.py
    profile_ids: list[str] = field(default_factory=list)
    home_city: list[int] = field(default_factory=list)  # index into city_ids
    city_ids: list[int] = field(default_factory=list)
    city_countries: list[str] = field(default_factory=list)
    interest_ids: list[int] = field(default_factory=list)
    hosts: dict[int, str] = field(default_factory=dict)  # member -> host profile id
    # events/world.py: what payments/world.py charges, one tuple per seat of a paid event.
    paid_seats: list[tuple] = field(default_factory=list)

    def __post_init__(self):
        self.rng = random.Random(self.seed)

    # Sizes ---------------------------------------------------------------------------------

    @property
    def members(self) -> int:
        return max(round(MEMBERS_PER_SCALE * self.scale), MIN_MEMBERS)

    @property
    def events(self) -> int:
        """The proportional events; the big host's come on top."""
        return max(round(EVENTS_PER_SCALE * self.scale), 4)

    @property
    def invitations(self) -> int:
        return round(INVITATIONS_PER_SCALE * self.scale)

    def target_size(self, full: int, least: int) -> int:
        return max(round(full * min(self.scale, 1.0)), least)

    # Writing -------------------------------------------------------------------------------

    def uuid(self) -> str:
        """A random (version 4) UUID from the world's seed, as PostgreSQL reads it."""
        bits = self.rng.getrandbits(128)
        bits = (bits & ~(0xF000 << 64)) | (0x4000 << 64)
        bits = (bits & ~(0xC000 << 48)) | (0x8000 << 48)
        return f"{bits:032x}"

    def copy(self, model, fields, rows, *, chunk: int | None = bulk.CHUNK) -> int:
        written = bulk.copy(model, fields, rows, now=self.now, chunk=chunk)
        self._count(model, written)
        return written

    def bulk_create(self, model, objects: list) -> list:
        created = model.objects.bulk_create(objects)
        self._count(model, len(created))
        return created

    def _count(self, model, n: int) -> None:
        table = model._meta.db_table
        self.counts[table] = self.counts.get(table, 0) + n

    # Time ----------------------------------------------------------------------------------

    def between(self, start: datetime.datetime, end: datetime.datetime) -> datetime.datetime:
        """A moment between start and end (start when they are in the wrong order)."""
        span = (end - start).total_seconds()
        if span <= 0:
            return start
        return start + datetime.timedelta(seconds=self.rng.random() * span)

    def ago(self, *, days: float = 0, hours: float = 0) -> datetime.datetime:
        return self.now - datetime.timedelta(days=days, hours=hours)


def check_scale(scale: float) -> None:
    if not 0 < scale <= MAX_SCALE:
        raise WorldError(f"The scale must be a number above 0 and up to {MAX_SCALE}, such as 1.")


def generate(*, scale: float, seed: int = 1) -> dict:
    """Fill an empty database with a world of this scale; returns the summary. Refuses (and
    writes nothing) when the database already has people."""
    from accounts import world as accounts_world
    from accounts import world_notifications
    from accounts.models import User
    from events import world as events_world
    from messaging import world as messaging_world
    from payments import world as payments_world
    from profiles import world as profiles_world

    check_scale(scale)
    apps = (
        accounts_world,
        profiles_world,
        events_world,
        payments_world,
        messaging_world,
        world_notifications,
    )
    started = time.monotonic()
    with transaction.atomic():
        if User.objects.exists():
            raise WorldError(
                "The database already has people: generate a world into an empty database "
                "(or pass --flush to empty this one first)."
            )
        with connection.cursor() as cursor:
            # Nothing waits for the commit to be checked.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        world = World(
            scale=scale, seed=seed, now=timezone.now(), password_hash=make_password(PASSWORD)
        )
        tables = [model for app in apps for model in app.MODELS]
        with bulk.constraints_checked_at_the_end(tables):
            for app in apps:
                app.generate(world)
    # Statistics for the planner, so that the first queries on the new world use its indexes.
    bulk.analyze(*tables)
    return {
        "scale": scale,
        "seed": seed,
        "counts": dict(sorted(world.counts.items())),
        "seconds": round(time.monotonic() - started, 1),
        "password": PASSWORD,
        "targets": world.targets,
    }
