"""What every part of the events services shares: the one error class, the one lock order, seat
counting, and the status machine and waitlist that run under the event's lock.

Lock order: the event's row first (SELECT ... FOR UPDATE), then the invitation's. Every service
that takes, frees or offers a seat locks the event first, so seats are counted while nobody else
can change them and never exceed the maximum whatever the concurrency.
"""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from accounts.services import notify
from events import tickets
from events.models import Event, Invitation
from profiles.models import HostProfile, SocialProfile

HOLD_FOR = datetime.timedelta(minutes=30)  # a seat held while its guest pays
OFFER_FOR = datetime.timedelta(hours=24)  # a waitlist offer, if the event is not sooner


class EventError(Exception):
    """A refusal whose message is safe to show to the person who asked. `full` says the event
    had no free seat, so the person may join the waitlist."""

    def __init__(self, message: str, *, full: bool = False):
        super().__init__(message)
        self.message = message
        self.full = full


def _full() -> EventError:
    return EventError("This event is full.", full=True)


def _lock(event: Event) -> Event:
    return Event.objects.select_for_update().get(pk=event.pk)


def _lock_invitation(invitation: Invitation) -> tuple[Event, Invitation]:
    """The event's row first, then the invitation's: the one order every service locks in."""
    event = Event.objects.select_for_update().get(pk=invitation.event_id)
    return event, Invitation.objects.select_for_update().get(pk=invitation.pk)


def seats_taken(event: Event) -> int:
    return event.invitations.holding_seats().count()


def _is_full(event: Event) -> bool:
    return seats_taken(event) >= event.max_participants


def answer_by(event: Event) -> datetime.datetime:
    """When a sent invitation lapses: the RSVP deadline, or the start."""
    return event.rsvp_deadline or event.starts_at


def _guests(event: Event):
    """Everyone with an invitation that is still alive or confirmed, to tell about a change."""
    statuses = (*Invitation.OUTSTANDING, Invitation.Status.CONFIRMED)
    return event.invitations.filter(status__in=statuses).select_related("profile__user")


def _money_task(name: str, event: Event, **arguments) -> None:
    """Defer one of the payments app's tasks about this paid event (by default with its id), in
    this transaction (the worker sees it once it commits)."""
    if event.is_free:
        return
    from payments import tasks

    getattr(tasks, name).defer(**(arguments or {"event_id": str(event.pk)}))


def _refuse_unless_host(event: Event, by: HostProfile) -> None:
    if event.host_id != by.pk:
        raise EventError("Only the host can do this.")


def _refuse_unless_guest(invitation: Invitation, by: SocialProfile) -> None:
    if invitation.profile_id != by.pk:
        raise EventError("This invitation is not yours.")


def _refuse_if_expired(invitation: Invitation, now) -> None:
    if invitation.expires_at and invitation.expires_at <= now:
        raise EventError("This invitation has expired.")


def _refuse_unless_taking_guests(event: Event) -> None:
    if not event.is_open:
        raise EventError("This event is no longer taking guests.")
    _refuse_unless_before_start(event)


def _refuse_unless_before_start(event: Event) -> None:
    if event.starts_at <= timezone.now():
        raise EventError("This event has already started.")


def _set(invitation: Invitation, status: str, **fields) -> None:
    invitation.status = status
    if status not in Invitation.SEAT_STATUSES or status == Invitation.Status.CONFIRMED:
        invitation.hold_expires_at = None
    if status == Invitation.Status.CONFIRMED and not invitation.ticket_code:
        invitation.ticket_code = _unused_ticket_code()
    for name, value in fields.items():
        setattr(invitation, name, value)
    invitation.save()


def _unused_ticket_code() -> str:
    """A confirmed seat's ticket code, one nobody has (the unique constraint is the backstop;
    with 10 ** 12 codes, the loop runs once)."""
    while Invitation.objects.filter(ticket_code=(code := tickets.new_code())).exists():
        pass
    return code


def _confirm_if_quorum(event: Event) -> None:
    """Under the event's lock: planned -> confirmed once confirmed seats reach the minimum."""
    if event.status != Event.Status.PLANNED:
        return
    confirmed = event.invitations.filter(status=Invitation.Status.CONFIRMED)
    if confirmed.count() >= event.min_participants:
        event.status = Event.Status.CONFIRMED
        event.save(update_fields=["status", "updated_at"])
        for invitation in confirmed.select_related("profile__user"):
            notify(
                invitation.profile.user,
                "event_confirmed",
                about=event,
                context={"event": event},
            )
        _money_task("capture_event_payments", event)


def _offer_free_seats(event: Event) -> None:
    """Under the event's lock: each free seat is offered, for a while, to the next in line."""
    if not event.is_open:
        return
    now = timezone.now()
    if event.starts_at <= now:
        return
    free = event.max_participants - seats_taken(event)
    if free <= 0:
        return
    waiting = event.invitations.filter(status=Invitation.Status.WAITLISTED).select_related(
        "profile__user"
    )
    for invitation in waiting.order_by("waitlisted_at", "pk")[:free]:
        _set(
            invitation, Invitation.Status.OFFERED, expires_at=min(now + OFFER_FOR, event.starts_at)
        )
        notify(
            invitation.profile.user,
            "seat_offered",
            about=invitation,
            link=reverse("events:my-invitations"),
            context={"event": event, "invitation": invitation},
        )
