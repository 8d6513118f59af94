"""Reminders, sent by the task worker's sweep (events/tasks.py), each once per person and what it
reminds of whatever the number of workers or re-runs (`notify(once=...)`, a unique constraint):

- an unanswered invitation, the day before its deadline;
- a waitlist offer, in its last hours;
- a confirmed guest, the day before the event, with the exact place;
- an attendee who has not rated, once the event is completed, while the rating window is open.

Each sweep reads its candidates with one query on indexed columns; `notify_each_once` skips
those already told (one query) and tells the rest.
"""

from __future__ import annotations

import datetime

from django.db.models import Exists, F, OuterRef
from django.urls import reverse
from django.utils import timezone

from accounts.services import notify_each_once
from events.models import RATING_WINDOW, Attendance, Event, Invitation, Rating

INVITATION_REMINDER = datetime.timedelta(hours=24)  # before an invitation's deadline
OFFER_REMINDER = datetime.timedelta(hours=3)  # before a waitlist offer lapses
EVENT_REMINDER = datetime.timedelta(hours=24)  # before the start


def send_reminders(now: datetime.datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    return {
        "invitations": remind_unanswered_invitations(now),
        "offers": remind_ending_offers(now),
        "events": remind_confirmed_guests(now),
        "ratings": remind_to_rate(now),
    }


def remind_unanswered_invitations(now: datetime.datetime) -> int:
    """Invitations still unanswered a day before they lapse; not those sent within that last day
    (their own email, just sent, gives the deadline)."""
    due = Invitation.objects.filter(
        status=Invitation.Status.SENT,
        expires_at__gt=now,
        expires_at__lte=now + INVITATION_REMINDER,
        created_at__lt=F("expires_at") - INVITATION_REMINDER,
    ).select_related("event__city", "event__host", "profile__user")
    return notify_each_once(
        due,
        kind="invitation_expiring",
        user_of=lambda i: i.profile.user,
        about_of=lambda i: i,
        context_of=lambda i: {"event": i.event, "invitation": i},
        link_of=lambda i: reverse("events:my-invitations"),
    )


def remind_ending_offers(now: datetime.datetime) -> int:
    due = Invitation.objects.filter(
        status=Invitation.Status.OFFERED,
        expires_at__gt=now,
        expires_at__lte=now + OFFER_REMINDER,
    ).select_related("event__city", "event__host", "profile__user")
    return notify_each_once(
        due,
        kind="offer_ending",
        user_of=lambda i: i.profile.user,
        about_of=lambda i: i,
        context_of=lambda i: {"event": i.event, "invitation": i},
        link_of=lambda i: reverse("events:my-invitations"),
    )


def remind_confirmed_guests(now: datetime.datetime) -> int:
    """The day before: every confirmed guest of a confirmed event, with the exact place (they
    may see it: their seat is confirmed)."""
    due = Invitation.objects.filter(
        status=Invitation.Status.CONFIRMED,
        event__status=Event.Status.CONFIRMED,
        event__starts_at__gt=now,
        event__starts_at__lte=now + EVENT_REMINDER,
    ).select_related("event__city", "event__host", "profile__user")
    return notify_each_once(
        due,
        kind="event_reminder",
        user_of=lambda i: i.profile.user,
        about_of=lambda i: i.event,
        context_of=lambda i: {"event": i.event, "invitation": i},
        link_of=lambda i: reverse("events:ticket", args=[i.pk]),
    )


def remind_to_rate(now: datetime.datetime) -> int:
    """Attendees of a completed event who have not rated it, while they still may."""
    rated = Rating.objects.filter(event_id=OuterRef("event_id"), rater_id=OuterRef("profile_id"))
    due = (
        Attendance.objects.filter(
            status__in=Attendance.PRESENT,
            event__status=Event.Status.COMPLETED,
            event__ends_at__gt=now - RATING_WINDOW,
            event__ends_at__lte=now,
        )
        .filter(~Exists(rated))
        .select_related("event__city", "event__host", "profile__user")
    )
    return notify_each_once(
        due,
        kind="rate_event",
        user_of=lambda a: a.profile.user,
        about_of=lambda a: a.event,
        context_of=lambda a: {"event": a.event},
        link_of=lambda a: reverse("events:rate", args=[a.event_id]),
    )
