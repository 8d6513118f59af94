"""Every write about events and invitations, and the event status machine.

Seats are counted under the event's row lock (SELECT ... FOR UPDATE on the event), so they never
exceed the maximum whatever the concurrency: every service that takes, frees or offers a seat
locks the event first, then the invitation. A seat is taken by a confirmed invitation, one held
while the guest pays (until `hold_expires_at`) and one offered to the waitlist's first person
(until `expires_at`).

Status machine: planned -> confirmed when confirmed seats reach the minimum; confirmed ->
completed after the end; planned/confirmed -> cancelled by the host, or by `cancel_unmet_quorum`
at the decision deadline. The periodic sweeps run in the task worker (events/tasks.py).

Giving a seat back: a confirmed guest may cancel (`cancel_seat`) until the event starts, with the
booking fee refunded in full up to the event's refund cut-off (`Event.refund_deadline`) and not at
all after it (a late cancellation, recorded on the invitation); the host may remove a confirmed
guest with a reason (`remove_guest`), always with a full refund. Either way the seat is offered to
the waitlist at once, and the refund goes through the payments app's task after commit.

Paid events hand off to the payments app: accepting holds the seat (`held`), the payments app
runs the checkout and then calls `confirm_paid_seat`, `fail_paid_seat` or `release_held_seat`.
Back the other way, through the task queue after commit: a paid event's Stripe price is published
when it is created or its fee changes, its authorised payments are captured when it is confirmed,
and its money is given back when it is cancelled.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from events.models import Event, Interested, Invitation
from momento import emails
from profiles import images
from profiles.models import Block, HostProfile, SocialProfile

HOLD_FOR = datetime.timedelta(minutes=30)  # a seat held while its guest pays
OFFER_FOR = datetime.timedelta(hours=24)  # a waitlist offer, if the event is not sooner
# Changing these after invitations are out tells the guests.
NOTIFY_FIELDS = ("starts_at", "ends_at", "city", "location")
QUORUM_REASON = "Not enough guests confirmed by the decision deadline."
CANCELLED_REASON = "The guest gave back their seat before the refund cut-off."
REMOVED_REASON = "The host removed the guest."


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


# Hosts: creating, changing and cancelling ------------------------------------------------------


def create_event(host: HostProfile, *, tags=(), image=None, **fields) -> Event:
    """A new planned event. `image` is a checked upload (images.open_upload) or None. A form
    submitted twice carries the same `creation_token`: the second submit returns the first
    event (a unique constraint decides between simultaneous ones)."""
    event = Event(host=host, **fields)
    if event.creation_token and (earlier := _created_with(host, event.creation_token)):
        return earlier
    stored = _store_image(image)
    if stored:
        event.image_large, event.image_medium, event.image_thumb = stored
    try:
        with transaction.atomic():
            event.save()
            event.tags.set(tags)
            _money_task("publish_event_price", event)
    except IntegrityError:
        images.delete_variants(stored)
        if event.creation_token and (earlier := _created_with(host, event.creation_token)):
            return earlier
        raise
    except BaseException:
        images.delete_variants(stored)
        raise
    return event


def _created_with(host: HostProfile, token) -> Event | None:
    return Event.objects.filter(host=host, creation_token=token).first()


def _money_task(name: str, event: Event) -> None:
    """Defer one of the payments app's tasks about this event, in this transaction (the worker
    sees it once it commits)."""
    if event.is_free:
        return
    from payments import tasks

    getattr(tasks, name).defer(event_id=str(event.pk))


def _refund_seat(event: Event, invitation: Invitation, reason: str) -> None:
    """Defer the refund of what was paid for this seat, in this transaction."""
    if event.is_free:
        return
    from payments import tasks

    tasks.refund_seat.defer(invitation_id=str(invitation.pk), reason=reason)


def update_event(event: Event, *, by: HostProfile, tags=None, image=None, **fields) -> Event:
    """Change an open event. Guests are told when its time or place changes."""
    stored = _store_image(image)
    try:
        with transaction.atomic():
            return _update_event(event, by, tags, stored, fields)
    except BaseException:
        images.delete_variants(stored)
        raise


def _update_event(event: Event, by: HostProfile, tags, stored: list[str], fields) -> Event:
    event = _lock(event)
    _refuse_unless_host(event, by)
    if not event.is_open:
        raise EventError("A cancelled or completed event can't be changed.")
    maximum = fields.get("max_participants", event.max_participants)
    if maximum < (taken := seats_taken(event)):
        raise EventError(f"{taken} seats are already taken: the maximum can't be lower.")
    before = {name: getattr(event, name) for name in NOTIFY_FIELDS}
    price = (event.fee_cents, event.currency)
    for name, value in fields.items():
        setattr(event, name, value)
    if (event.fee_cents, event.currency) != price:  # Stripe prices can't change: a new one
        event.stripe_price_id = ""
        _money_task("publish_event_price", event)
    if stored:
        old_images = event.image_names
        event.image_large, event.image_medium, event.image_thumb = stored
        transaction.on_commit(lambda: images.delete_variants(old_images))
    event.save()
    if tags is not None:
        event.tags.set(tags)
    event.invitations.filter(status=Invitation.Status.SENT).update(expires_at=answer_by(event))
    changed = [name for name in NOTIFY_FIELDS if getattr(event, name) != before[name]]
    if changed:
        for invitation in _guests(event):
            emails.send(
                "events/emails/event_changed",
                to=invitation.profile.user,
                context={"event": event, "changed": changed},
            )
    _offer_free_seats(event)
    _confirm_if_quorum(event)
    return event


def _store_image(image) -> list[str]:
    """Store a checked upload's variants; their storage names, large, medium and thumb."""
    if image is None:
        return []
    stored = images.save_variants(image, folder="events")
    return [stored.names[variant] for variant in ("large", "medium", "thumb")]


@transaction.atomic
def cancel_event(event: Event, *, by: HostProfile, reason: str) -> Event:
    """The host cancels an open event. Every invitation that is still alive is withdrawn and its
    seat released; everyone is told why."""
    event = _lock(event)
    _refuse_unless_host(event, by)
    if not event.is_open:
        raise EventError("This event is already cancelled or over.")
    _cancel(event, reason, by_quorum=False)
    return event


def _cancel(event: Event, reason: str, *, by_quorum: bool) -> None:
    """Under the event's lock."""
    guests = list(_guests(event))
    event.status = Event.Status.CANCELLED
    event.cancel_reason = reason
    event.cancelled_at = timezone.now()
    event.save(update_fields=["status", "cancel_reason", "cancelled_at", "updated_at"])
    event.invitations.filter(status__in=Invitation.OUTSTANDING).update(
        status=Invitation.Status.WITHDRAWN, hold_expires_at=None, updated_at=event.cancelled_at
    )
    for invitation in guests:
        emails.send(
            "events/emails/event_cancelled",
            to=invitation.profile.user,
            context={"event": event, "by_quorum": by_quorum},
        )
    _money_task("settle_cancelled_event", event)


def _refuse_unless_host(event: Event, by: HostProfile) -> None:
    if event.host_id != by.pk:
        raise EventError("Only the host can do this.")


# Hosts: inviting and withdrawing ---------------------------------------------------------------


@transaction.atomic
def invite(event: Event, profile: SocialProfile, *, by: HostProfile) -> Invitation:
    """Invite one person. Someone blocked either way, or already invited, can't be."""
    event = _lock(event)
    _refuse_unless_host(event, by)
    _refuse_unless_taking_guests(event)
    if profile.user_id == by.user_id:
        raise EventError("You host this event: you can't invite yourself.")
    if Block.exists_between(by.user.social_profile, profile):
        raise EventError("You can't invite this person.")
    now = timezone.now()
    if answer_by(event) <= now:
        raise EventError("The RSVP deadline has passed.")
    invitation = event.invitations.select_for_update().filter(profile=profile).first()
    again = (Invitation.Status.WITHDRAWN, Invitation.Status.EXPIRED, *Invitation.GIVEN_BACK)
    if invitation is not None and invitation.status not in again:
        raise EventError(f"{profile.display_name} is already invited.")
    if invitation is None:
        invitation = Invitation(event=event, profile=profile)
    invitation.status = Invitation.Status.SENT
    invitation.expires_at = answer_by(event)
    invitation.hold_expires_at = invitation.waitlisted_at = invitation.responded_at = None
    invitation.cancelled_at, invitation.cancelled_late, invitation.removal_reason = None, False, ""
    invitation.save()
    emails.send(
        "events/emails/invited",
        to=profile.user,
        context={"event": event, "invitation": invitation},
    )
    return invitation


@transaction.atomic
def withdraw_invitation(invitation: Invitation, *, by: HostProfile) -> Invitation:
    """The host takes back an invitation that is not confirmed; a seat it held is offered on."""
    event, invitation = _lock_invitation(invitation)
    _refuse_unless_host(event, by)
    if invitation.status == Invitation.Status.CONFIRMED:
        raise EventError("A confirmed guest keeps their seat.")
    if not invitation.is_outstanding:
        raise EventError("This invitation is no longer open.")
    _set(invitation, Invitation.Status.WITHDRAWN)
    _offer_free_seats(event)
    return invitation


@transaction.atomic
def remove_guest(invitation: Invitation, *, by: HostProfile, reason: str) -> Invitation:
    """The host takes a confirmed guest off the list, with a reason the guest is told. The
    booking fee is always refunded in full, and the seat is offered to the waitlist."""
    event, invitation = _lock_invitation(invitation)
    _refuse_unless_host(event, by)
    if invitation.status in Invitation.GIVEN_BACK:
        raise EventError(f"{invitation.profile.display_name} no longer has a seat.")
    if not invitation.is_confirmed:
        raise EventError("Only a confirmed guest can be removed: withdraw the invitation instead.")
    if not event.is_open:
        raise EventError("This event is already cancelled or over.")
    _refuse_unless_before_start(event)
    reason = reason.strip()
    if not reason:
        raise EventError("Say why: your guest is told.")
    now = timezone.now()
    _set(invitation, Invitation.Status.REMOVED, cancelled_at=now, removal_reason=reason)
    _refund_seat(event, invitation, REMOVED_REASON)
    emails.send(
        "events/emails/guest_removed",
        to=invitation.profile.user,
        context={"event": event, "invitation": invitation},
    )
    _offer_free_seats(event)
    return invitation


# Guests: answering and giving a seat back ------------------------------------------------------


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
        _refund_seat(event, invitation, CANCELLED_REASON)
    emails.send(
        "events/emails/seat_cancelled",
        to=invitation.profile.user,
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
    if _is_full(event):
        invitation.status = Invitation.Status.WAITLISTED
        invitation.waitlisted_at = invitation.responded_at = now
        invitation.save()
        return invitation
    invitation.status = Invitation.Status.SENT
    invitation.save()
    return _take_seat(event, invitation, now)


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
    for name, value in fields.items():
        setattr(invitation, name, value)
    invitation.save()


# Payments' side of a paid seat -----------------------------------------------------------------


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


# Interested --------------------------------------------------------------------------------------


def mark_interested(event: Event, *, by: SocialProfile) -> None:
    Interested.objects.get_or_create(event=event, profile=by)


def unmark_interested(event: Event, *, by: SocialProfile) -> None:
    Interested.objects.filter(event=event, profile=by).delete()


# The status machine and the waitlist -------------------------------------------------------------


def _confirm_if_quorum(event: Event) -> None:
    """Under the event's lock: planned -> confirmed once confirmed seats reach the minimum."""
    if event.status != Event.Status.PLANNED:
        return
    confirmed = event.invitations.filter(status=Invitation.Status.CONFIRMED)
    if confirmed.count() >= event.min_participants:
        event.status = Event.Status.CONFIRMED
        event.save(update_fields=["status", "updated_at"])
        for invitation in confirmed.select_related("profile__user"):
            emails.send(
                "events/emails/event_confirmed",
                to=invitation.profile.user,
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
        emails.send(
            "events/emails/seat_offered",
            to=invitation.profile.user,
            context={"event": event, "invitation": invitation},
        )


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
