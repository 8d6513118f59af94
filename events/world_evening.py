"""The evenings of a generated world's completed events (events/world.py calls these for each
one): who came and was checked in, their ratings and the hosts' replies, when the ratings were
published, the other attendees' word on no-shows, and "would meet again" picks. The rules are
events/world.py's docstring; rows are tuples for its bulk COPY.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import connection

from events.models import RATING_WINDOW, Attendance, Event

if TYPE_CHECKING:
    from events.world import Plan
    from momento.world import World

DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)
REPLIES = ["Thank you for coming!", "So glad you enjoyed it. See you at the next one?"]


@dataclass
class After:
    """What the evenings left that is decided event by event, once its guests are: the events
    whose ratings were published (event, when) and the "would meet again" picks."""

    published: list[tuple[str, datetime.datetime]] = field(default_factory=list)
    picks: list[tuple] = field(default_factory=list)


def came(world: World, plan: Plan, member: int, attendance, ratings, host_profile, host_id):
    """The guest's attendance row and rating; returns when they were checked in, or None."""
    rng = world.rng
    status = rng.choices(Attendance.Status.values, weights=(85, 7, 8))[0]
    checked_in = None
    if status in Attendance.PRESENT and rng.random() < 0.7:
        # At the door: on time give or take, or after the start when late. Check-in writes
        # the row then (events/services/checkin.py).
        minutes = (
            rng.uniform(-15, 20) if status == Attendance.Status.ATTENDED else rng.uniform(15, 60)
        )
        checked_in = plan.starts_at + datetime.timedelta(minutes=minutes)
        reported = checked_in
    else:
        reported = min(plan.ends_at + datetime.timedelta(hours=rng.uniform(1, 48)), world.now)
    profile = world.profile_ids[member]
    attendance.append((world.uuid(), plan.id, profile, status, host_profile, reported))
    if status == Attendance.Status.NO_SHOW or rng.random() < 0.4:
        return checked_in
    closes = min(plan.ends_at + RATING_WINDOW, world.now)
    ratings.append(
        (
            world.uuid(),
            plan.id,
            profile,
            host_id,
            rng.choices((1, 2, 3, 4, 5), weights=(1, 2, 5, 15, 25))[0],
            rng.choices((1, 2, 3, 4, 5), weights=(1, 3, 6, 15, 20))[0],
            "Lovely evening." if rng.random() < 0.3 else "",
            world.between(max(reported, plan.ends_at), closes),
        )
    )
    return checked_in


def after_the_evening(world: World, plan: Plan, rows: list, ratings: list, first: int, after):
    """A completed event's publication, replies and picks, from its attendance `rows` and its
    ratings (`ratings[first:]`, given their reply here)."""
    rng, now = world.rng, world.now
    came = [row[2] for row in rows if row[3] in Attendance.PRESENT]
    closes = plan.ends_at + RATING_WINDOW
    published = None
    if closes <= now:  # the sweep publishes within the hour after the window closes
        published = min(closes + datetime.timedelta(minutes=rng.uniform(1, 60)), now)
    elif came and len(ratings) - first == len(came):  # the last attendee's rating publishes
        published = max(row[7] for row in ratings[first:])
    if published is not None:
        after.published.append((plan.id, published))
    for i in range(first, len(ratings)):
        row = ratings[i]
        if published is not None and row[6] and rng.random() < 0.4:
            ratings[i] = (*row, rng.choice(REPLIES), world.between(published, now))
        else:
            ratings[i] = (*row, "", None)
    picks = set()
    for chooser in came:
        if len(came) < 2 or rng.random() >= 0.3:
            continue
        others = [profile for profile in came if profile != chooser]
        for chosen in rng.sample(others, min(len(others), rng.randint(1, 2))):
            picks.add((chooser, chosen))
            if rng.random() < 0.2:  # returned: a mutual pick
                picks.add((chosen, chooser))
    for chooser, chosen in sorted(picks):
        made = world.between(plan.ends_at, min(closes, now))
        after.picks.append((world.uuid(), plan.id, chooser, chosen, made))


def publish_ratings(published: list[tuple[str, datetime.datetime]]) -> None:
    """Every published event's mark, in one UPDATE (the events are written before their guests
    decide it)."""
    if not published:
        return
    ids, moments = zip(*published, strict=True)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Event._meta.db_table} AS e SET ratings_published_at = v.at"
            " FROM unnest(%s::uuid[], %s::timestamptz[]) AS v(id, at) WHERE e.id = v.id",
            [list(ids), list(moments)],
        )


def with_reports(world: World, attendance: list, reports: list):
    """The host's rows, each with its report time, and in small proportion the others' word:
    a quarter of no-shows disputed by their guest (one in five too late to count), staff
    deciding half of the disputes older than a week, and an attendee confirming the one
    reported before them at the same event one time in twenty."""
    rng, window = world.rng, Attendance.DISPUTE_FOR
    came_before: dict[str, str] = {}  # event -> the last attendance row of someone who came
    for attendance_id, event, profile, status, host, reported in attendance:
        decision, decided_at = "", None
        if status == Attendance.Status.NO_SHOW and rng.random() < 0.25:
            late = rng.random() < 0.2
            said = reported + (window + HOUR if late else window * rng.random())
            if said <= world.now:
                reports.append((world.uuid(), attendance_id, profile, "attended", said))
                if not late and said + 7 * DAY <= world.now and rng.random() < 0.5:
                    decision = rng.choice(Attendance.Decision.values)
                    decided_at = world.between(said, world.now)
        elif status != Attendance.Status.NO_SHOW:
            other = came_before.get(event)
            if other and rng.random() < 0.05:
                reports.append(
                    (world.uuid(), other, profile, "attended", min(reported + HOUR, world.now))
                )
            came_before[event] = attendance_id
        row = (attendance_id, event, profile, status, host, reported)
        yield (*row, decision, decided_at, reported)
