"""What the clock does, run by the task worker (events/tasks.py): unanswered invitations, offers
and seat holds lapse; planned events without their minimum are cancelled at the decision
deadline; confirmed events are completed after they end."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from events.models import Event, Invitation
from events.services.core import (
    _offer_free_seats,
)
from events.services.hosting import QUORUM_REASON, _cancel


def expire_lapsed(now: datetime.datetime | None = None) -> int:
    """Unanswered invitations and offers past their expiry become `expired`; seat holds past
    their deadline are released. Freed seats go to the waitlist. Returns how many lapsed."""
    now = now or timezone.now()
    lapsed = Q(status__in=(Invitation.Status.SENT, Invitation.Status.OFFERED), expires_at__lte=now)
    lapsed |= Q(status=Invitation.Status.HELD, hold_expires_at__lte=now)
    event_ids = set(Invitation.objects.filter(lapsed).values_list("event_id", flat=True))
    count = 0
    for event_id in event_ids:
        with transaction.atomic():
            event = Event.objects.select_for_update().get(pk=event_id)
            count += event.invitations.filter(lapsed).update(
                status=Invitation.Status.EXPIRED, hold_expires_at=None, updated_at=now
            )
            _offer_free_seats(event)
    return count


def cancel_unmet_quorum(now: datetime.datetime | None = None) -> int:
    """Planned events whose decision deadline (or start) has come without the minimum are
    cancelled. Returns how many."""
    now = now or timezone.now()
    due = Event.objects.filter(status=Event.Status.PLANNED).filter(
        Q(decision_deadline__lte=now) | Q(decision_deadline__isnull=True, starts_at__lte=now)
    )
    count = 0
    for event_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            event = Event.objects.select_for_update().get(pk=event_id)
            if event.status != Event.Status.PLANNED:  # confirmed or cancelled meanwhile
                continue
            _cancel(event, QUORUM_REASON, by_quorum=True)
            count += 1
    return count


def complete_finished_events(now: datetime.datetime | None = None) -> int:
    """Confirmed events that have ended are completed. Returns how many."""
    now = now or timezone.now()
    return Event.objects.filter(status=Event.Status.CONFIRMED, ends_at__lte=now).update(
        status=Event.Status.COMPLETED, updated_at=now
    )
