"""Event times and their zone, in one place. Every time is stored in UTC and is read and shown
in the event's own zone, its city's (`Event.zone`):

- shown: `zoned(value, event)`, behind the `in_zone` template filter (events/templatetags/
  when.py) that every page and email uses. A card or list line names the city beside the
  time, which says whose time it is; everywhere else (the event page, confirmation pages,
  emails) the time is followed by "(Paris time)", the `zone_label` filter. The .ics carries the
  zone itself (TZID and VTIMEZONE).
- read: `from_wall_time(naive, zone)`, which the event form uses once it knows the city: a
  time that does not exist (clocks jump forward) or exists twice (clocks go back) is refused
  with its own message, never guessed.
"""

import datetime
from zoneinfo import ZoneInfo


class Zoned(datetime.datetime):
    """A time already in its event's zone: Django's `date` and `time` filters (and
    machine_time) leave it there instead of converting it back to the site's zone, UTC."""

    convert_to_local_time = False


def zoned(value: datetime.datetime, event) -> Zoned:
    """An event's time in the event's own zone. The city must already be loaded
    (select_related) wherever times are shown: no query here."""
    local = value.astimezone(event.zone)
    return Zoned(
        local.year,
        local.month,
        local.day,
        local.hour,
        local.minute,
        local.second,
        local.microsecond,
        local.tzinfo,
        fold=local.fold,  # the second 01:30 of a night when clocks go back keeps its offset
    )


def zone_label(event) -> str:
    """How a time of the event names its zone: "Paris time", after the city (the zone's own
    name, "Europe/Paris", tells a reader less, and an abbreviation such as "CST" is
    ambiguous)."""
    return f"{event.city.name} time"


class WallTimeError(ValueError):
    """A local time that cannot be read as one instant; the message is safe to show."""


def from_wall_time(wall: datetime.datetime, zone: ZoneInfo) -> datetime.datetime:
    """The UTC instant of a wall-clock time (naive) in `zone`."""
    wall = wall.replace(tzinfo=None)
    first, second = wall.replace(tzinfo=zone, fold=0), wall.replace(tzinfo=zone, fold=1)
    if first.utcoffset() != second.utcoffset():
        back = first.astimezone(datetime.UTC).astimezone(zone).replace(tzinfo=None)
        if back != wall:
            raise WallTimeError(
                f"{wall:%H:%M} does not exist on {wall.day} {wall:%B}: the clocks jump forward "
                "that night. Choose a time an hour later or earlier."
            )
        raise WallTimeError(
            f"{wall:%H:%M} happens twice on {wall.day} {wall:%B}: the clocks go back that night. "
            "Choose a time outside that hour."
        )
    return first.astimezone(datetime.UTC)


def to_wall_time(value: datetime.datetime, zone: ZoneInfo) -> datetime.datetime:
    """What a form shows for a stored time: its wall-clock time in `zone`, naive."""
    return value.astimezone(zone).replace(tzinfo=None)
