"""The guest's side: accepting, declining, the waitlist, asking for a seat on a public event,
giving a seat back (refunded up to the event's cut-off), the payments app's answers about a paid
seat, and the "interested" bookmark."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.services import notify
from events import calendar
from events.models import Event, Interested, Invitation
from events.services.core import (
    HOLD_FOR,
    EventError,
    _confirm_if_quorum,
    _full,
    _is_full,
    _lock,
    _lock_invitation,
    _money_task,
    _offer_free_seats,
    _refuse_if_expired,
    _refuse_unless_before_start,
    _refuse_unless_guest,
    _refuse_unless_taking_guests,
    _set,
    answer_by,
)
from profiles.models import Block, SocialProfile

CANCELLED_REASON = "The guest gave back their seat before the refund cut-off."


@transaction.atomic
def accept_invitation(invitation: Invitation, *, by: SocialProfile) -> Invitation:
    """Take a seat: confirmed at once on a free event, held while paying on a paid one.

    The event row is locked first, then the seats are counted: two people accepting the last
    seat at once are served one after the other, and the second hears "full"."""
    event, invitation = _lock_invitation(invitation)
    _refuse_unless_guest(invitation, by)
    if not invitation.is_answerable:
        raise EventError("This invitation has already been answered.")
    now = timezone.now()
    _refuse_if_expired(invitation, now)
    _refuse_unless_taking_guests(event)
    if invitation.status != Invitation.Status.OFFERED and _is_full(event):
        raise _full()
    return _take_seat(event, invitation, now)


def _take_seat(event: Event, invitation: Invitation, now) -> Invitation:
    if event.is_free:
        _set(invitation, Invitation.Status.CONFIRMED, responded_at=now)
        _confirm_if_quorum(event)
        notify(
            invitation.profile.user,
            "seat_confirmed",
            about=invitation,
            link=reverse("events:ticket", args=[invitation.pk]),
            context={"event": event, "invitation": invitation},
            attachments=[calendar.seat_file(event)],
        )
    else:
        _set(invitation, Invitation.Status.HELD, responded_at=now, hold_expires_at=now + HOLD_FOR)
    return invitation


@transaction.atomic
def decline_invitation(invitation: Invitation, *, by: SocialProfile) -> Invitation:
    """Say no, or leave the waitlist, or give up a held or offered seat (it is offered on)."""
    event, invitation = _lock_invitation(invitation)
    _refuse_unless_guest(invitation, by)
    if not invitation.is_outstanding:
        raise EventError("This invitation has already been answered.")
    _set(invitation, Invitation.Status.DECLINED, responded_at=timezone.now())
    _offer_free_seats(event)
    return invitation


def refunds_on_cancel(event: Event, now: datetime.datetime | None = None) -> bool:
    """Whether a guest who gives back their seat now gets the booking fee back."""
    return (now or timezone.now()) <= event.refund_deadline


@transaction.atomic
def cancel_seat(invitation: Invitation, *, by: SocialProfile) -> Invitation:
    """A confirmed guest gives back their seat, until the event starts. Up to the refund
    cut-off the booking fee is refunded in full; after it nothing is, and the cancellation is
    recorded as late. The seat is offered to the waitlist at once."""
    event, invitation = _lock_invitation(invitation)
    _refuse_unless_guest(invitation, by)
    if invitation.status in Invitation.GIVEN_BACK:
        raise EventError("You no longer have a seat at this event.")
    if not invitation.is_confirmed:
        raise EventError("You have no confirmed seat to give back.")
    if event.status == Event.Status.CANCELLED:
        raise EventError("This event is cancelled: what you paid is refunded.")
    _refuse_unless_before_start(event)
    now = timezone.now()
    refunded = refunds_on_cancel(event, now)
    _set(invitation, Invitation.Status.CANCELLED, cancelled_at=now, cancelled_late=not refunded)
    if refunded:
        _money_task("refund_seat", event, invitation_id=str(invitation.pk), reason=CANCELLED_REASON)
    notify(
        invitation.profile.user,
        "seat_cancelled",
        about=invitation,
        link=reverse("events:my-events"),
        context={"event": event, "invitation": invitation, "refunded": refunded},
    )
    _offer_free_seats(event)
    return invitation


@transaction.atomic
def join_waitlist(invitation: Invitation, *, by: SocialProfile) -> Invitation:
    """Queue for a seat on a full event; the first in line is offered the next free seat."""
    event, invitation = _lock_invitation(invitation)
    _refuse_unless_guest(invitation, by)
    if invitation.status not in (Invitation.Status.SENT, Invitation.Status.PAYMENT_FAILED):
        raise EventError("This invitation has already been answered.")
    now = timezone.now()
    _refuse_if_expired(invitation, now)
    _refuse_unless_taking_guests(event)
    if not _is_full(event):
        raise EventError("A seat is free: accept the invitation instead.")
    _set(invitation, Invitation.Status.WAITLISTED, waitlisted_at=now, responded_at=now)
    return invitation


@transaction.atomic
def ask_for_seat(event: Event, *, by: SocialProfile) -> Invitation:
    """On a public event, anyone may ask: it creates their own invitation and takes a seat, or
    a place on the waitlist when the event is full."""
    event = _lock(event)
    if event.is_private:
        raise EventError("This event is by invitation only.")
    if event.host.user_id == by.user_id:
        raise EventError("You host this event.")
    if Block.exists_between(event.host.user.social_profile, by):
        raise EventError("You can't join this event.")
    _refuse_unless_taking_guests(event)
    now = timezone.now()
    invitation = event.invitations.select_for_update().filter(profile=by).first()
    if invitation is None:
        invitation = Invitation(event=event, profile=by, asked=True)
    elif invitation.status == Invitation.Status.WITHDRAWN:
        raise EventError("The host withdrew your invitation to this event.")
    elif invitation.status == Invitation.Status.REMOVED:
        raise EventError("The host removed you from this event.")
    elif invitation.status not in (
        Invitation.Status.DECLINED,
        Invitation.Status.EXPIRED,
        Invitation.Status.CANCELLED,
    ):
        raise EventError("You already have an invitation to this event.")
    invitation.expires_at = answer_by(event)
    invitation.hold_expires_at = invitation.cancelled_at = None
    invitation.cancelled_late = False
    # A seat taken again starts the evening afresh (the ticket code stays the guest's).
    invitation.running_late_minutes = invitation.late_reported_at = None
    invitation.cant_make_it_at = invitation.checked_in_at = None
    if _is_full(event):
        invitation.status = Invitation.Status.WAITLISTED
        invitation.waitlisted_at = invitation.responded_at = now
        invitation.save()
        return invitation
    invitation.status = Invitation.Status.SENT
    invitation.save()
    return _take_seat(event, invitation, now)


@transaction.atomic
def confirm_paid_seat(invitation: Invitation) -> Invitation:
    """The booking fee is paid: the held seat is confirmed. If the hold had lapsed, the seat is
    taken again if one is free; otherwise EventError(full), and payments refunds."""
    event, invitation = _lock_invitation(invitation)
    if invitation.status == Invitation.Status.CONFIRMED:
        return invitation
    lapsed = invitation.status != Invitation.Status.HELD
    if lapsed and (not event.is_open or _is_full(event)):
        raise EventError("This seat is no longer available.", full=True)
    _set(invitation, Invitation.Status.CONFIRMED, responded_at=timezone.now())
    _confirm_if_quorum(event)
    return invitation


@transaction.atomic
def release_held_seat(invitation: Invitation) -> Invitation:
    """The guest left the checkout (or it closed after a failed payment): the held seat is free
    again (offered on to the waitlist) and the invitation can be accepted again while it has not
    expired."""
    event, invitation = _lock_invitation(invitation)
    if invitation.status in (Invitation.Status.HELD, Invitation.Status.PAYMENT_FAILED):
        _set(invitation, Invitation.Status.SENT)
        _offer_free_seats(event)
    return invitation


@transaction.atomic
def fail_paid_seat(invitation: Invitation) -> Invitation:
    """The payment failed: the hold is released; the guest may retry while a seat is free."""
    event, invitation = _lock_invitation(invitation)
    if invitation.status == Invitation.Status.HELD:
        _set(invitation, Invitation.Status.PAYMENT_FAILED)
        _offer_free_seats(event)
    return invitation


def mark_interested(event: Event, *, by: SocialProfile) -> None:
    Interested.objects.get_or_create(event=event, profile=by)


def unmark_interested(event: Event, *, by: SocialProfile) -> None:
    Interested.objects.filter(event=event, profile=by).delete()
