"""Events, their invitations and seats, the "interested" bookmark, and what happens after them:
attendance and ratings. Every write goes through events/services/.

One module per concern: `event` (the event and its counts), `invitation` (invitations, seats and
the bookmark), `evening` (attendance, reports, ratings, the calendar feed, "would meet again").
"""

# `event` first: the other two import Event, and event.py imports them back at its end.
from .event import CURRENCY_SYMBOLS, Event, EventQuerySet, format_money

# isort: split
from .evening import (
    CAME,
    RATING_WINDOW,
    Attendance,
    AttendanceQuerySet,
    AttendanceReport,
    CalendarFeed,
    MeetAgain,
    MeetAgainQuerySet,
    Rating,
    RatingQuerySet,
)
from .invitation import NO_DEADLINE, Interested, Invitation, InvitationQuerySet

__all__ = [
    "CAME",
    "CURRENCY_SYMBOLS",
    "NO_DEADLINE",
    "RATING_WINDOW",
    "Attendance",
    "AttendanceQuerySet",
    "AttendanceReport",
    "CalendarFeed",
    "Event",
    "EventQuerySet",
    "Interested",
    "Invitation",
    "InvitationQuerySet",
    "MeetAgain",
    "MeetAgainQuerySet",
    "Rating",
    "RatingQuerySet",
    "format_money",
]
