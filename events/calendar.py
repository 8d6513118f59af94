"""Calendar files (RFC 5545, built with icalendar): the .ics of one seat, and a person's
private feed of them.

Each event is one VEVENT whatever file it is in, so a calendar app that has both the .ics
and the feed keeps one entry:
- UID `<event id>@<site host>`, stable for the event's life; SEQUENCE and LAST-MODIFIED follow
  `updated_at`, so an app that re-reads the feed takes a changed time or place.
- DTSTART/DTEND in the event's own zone (TZID), with its VTIMEZONE in the file.
- LOCATION: the exact address only where the event page shows it (events.access.
  shows_location), else the city alone.
- STATUS: CANCELLED for a cancelled event or a seat given back, TENTATIVE while the event
  waits for its minimum, CONFIRMED after.
- One alarm, the evening before: 18:00 in the event's zone on the day before it starts,
  written as a trigger relative to the start (what calendar apps support best).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.text import slugify
from icalendar import Alarm, Calendar
from icalendar import Event as VEvent

from events.access import shows_location
from events.models import Event, Invitation
from events.sharing import absolute_url

PRODID = "-//Momento//Calendar//EN"
REMINDER_TIME = datetime.time(18, 0)  # the evening before, in the event's zone
FEED_PAST = datetime.timedelta(days=31)  # the feed keeps the past month
FEED_MOST = 500  # of each kind, seats and hosted events: a bound on one request


@dataclass(frozen=True)
class Entry:
    """One event as one person sees it in their calendar."""

    event: Event
    shows_location: bool
    given_back: bool = False  # a seat the person no longer holds: shown cancelled

    @property
    def is_cancelled(self) -> bool:
        return self.given_back or self.event.status == Event.Status.CANCELLED


def uid(event: Event) -> str:
    return f"{event.pk}@{urlsplit(settings.SITE_URL).hostname or 'momento'}"


def reminder_before(event: Event) -> datetime.timedelta:
    """How long before the start the alarm rings: at 18:00, the evening before, in the
    event's zone (the day before a 19:30 start: 25 h 30 min before it)."""
    start = event.starts_at.astimezone(event.zone)
    evening = datetime.datetime.combine(
        start.date() - datetime.timedelta(days=1), REMINDER_TIME, tzinfo=event.zone
    )
    return event.starts_at - evening


def _status(entry: Entry) -> str:
    if entry.is_cancelled:
        return "CANCELLED"
    if entry.event.status == Event.Status.PLANNED:
        return "TENTATIVE"
    return "CONFIRMED"


def _vevent(entry: Entry, *, now: datetime.datetime) -> VEvent:
    event = entry.event
    zone = event.zone
    vevent = VEvent()
    vevent.add("uid", uid(event))
    vevent.add("dtstamp", now)
    vevent.add("created", event.created_at)
    vevent.add("last-modified", event.updated_at)
    # Grows with every change of the event: apps replace what they had.
    vevent.add("sequence", int((event.updated_at - event.created_at).total_seconds() // 60))
    vevent.add("summary", event.title)
    vevent.add("dtstart", event.starts_at.astimezone(zone))
    vevent.add("dtend", event.ends_at.astimezone(zone))
    place = event.city.name
    if entry.shows_location and event.location:
        place = f"{event.location}, {place}"
    vevent.add("location", place)
    url = absolute_url(event.get_absolute_url())
    vevent.add("url", url)
    description = f"Hosted by {event.host.host_name}. {url}"
    if event.description:
        description = f"{event.description}\n\n{description}"
    vevent.add("description", description)
    vevent.add("status", _status(entry))
    if entry.is_cancelled:
        return vevent
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", f"Tomorrow: {event.title}")
    alarm.add("trigger", -reminder_before(event))
    vevent.add_component(alarm)
    return vevent


def calendar_of(entries: list[Entry], *, name: str = "") -> bytes:
    """The calendar file of these entries, with the VTIMEZONE of each zone they use."""
    now = timezone.now()
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    if name:
        calendar.add("x-wr-calname", name)
    for entry in entries:
        calendar.add_component(_vevent(entry, now=now))
    if entries:
        # Transitions only around these events: a zone since 1970 would cost every request.
        starts = [entry.event.starts_at.date() for entry in entries]
        calendar.add_missing_timezones(
            first_date=min(starts) - datetime.timedelta(days=366),
            last_date=max(starts) + datetime.timedelta(days=366),
        )
    return calendar.to_ical()


def seat_file(event: Event) -> tuple[str, str, str]:
    """A confirmed guest's .ics of their event, as an email attachment: (name, text, type)."""
    content = calendar_of([Entry(event, shows_location=True)])
    return file_name(event), content.decode(), "text/calendar"


def file_name(event: Event) -> str:
    return f"{slugify(event.title) or 'event'}.ics"


def feed_entries(profile) -> list[Entry]:
    """What a person's feed lists: their seats (confirmed, or given back: shown cancelled)
    and the events they host, that ended in the past month or are still to come, in start
    order. Two queries, whatever the number of events; events of hosts blocked either way
    are left out, as on "my events"."""
    since = timezone.now() - FEED_PAST
    seats = (
        Invitation.objects.of_visible_events(profile)
        .filter(
            status__in=(Invitation.Status.CONFIRMED, *Invitation.GIVEN_BACK),
            event__ends_at__gte=since,
        )
        .select_related("event__city", "event__host")
        .order_by("event__starts_at", "pk")[:FEED_MOST]
    )
    hosted = (
        Event.objects.filter(host__user_id=profile.user_id, ends_at__gte=since)
        .select_related("city", "host")
        .order_by("starts_at", "pk")[:FEED_MOST]
    )
    entries = [
        Entry(
            seat.event,
            shows_location=shows_location(seat.event, is_host=False, confirmed=seat.is_confirmed),
            given_back=not seat.is_confirmed,
        )
        for seat in seats
    ]
    entries += [Entry(event, shows_location=True) for event in hosted]
    return sorted(entries, key=lambda entry: (entry.event.starts_at, str(entry.event.pk)))
