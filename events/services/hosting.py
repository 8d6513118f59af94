"""The host's side: creating, changing and cancelling events, inviting, withdrawing invitations
and removing confirmed guests (always with a full refund)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.services import notify
from events.models import Event, Invitation
from events.services.core import (
    EventError,
    _confirm_if_quorum,
    _guests,
    _lock,
    _lock_invitation,
    _money_task,
    _offer_free_seats,
    _refuse_unless_before_start,
    _refuse_unless_host,
    _refuse_unless_taking_guests,
    _set,
    answer_by,
    seats_taken,
)
from profiles import images
from profiles.models import Block, HostProfile, SocialProfile

# Changing these after invitations are out tells the guests.
NOTIFY_FIELDS = ("starts_at", "ends_at", "city", "location")
QUORUM_REASON = "Not enough guests confirmed by the decision deadline."
REMOVED_REASON = "The host removed the guest."


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
            notify(
                invitation.profile.user,
                "event_changed",
                about=event,
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
        notify(
            invitation.profile.user,
            "event_cancelled",
            about=event,
            context={"event": event, "by_quorum": by_quorum},
        )
    _money_task("settle_cancelled_event", event)


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
    notify(
        profile.user,
        "invited",
        about=invitation,
        link=reverse("events:my-invitations"),
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
    _money_task("refund_seat", event, invitation_id=str(invitation.pk), reason=REMOVED_REASON)
    notify(
        invitation.profile.user,
        "guest_removed",
        about=invitation,
        link=reverse("events:my-events"),
        context={"event": event, "invitation": invitation},
    )
    _offer_free_seats(event)
    return invitation
