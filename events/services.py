"""Every write about events and invitations. Seats are counted under the event's row lock, so
they never exceed the maximum whatever the concurrency."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from events.models import Event, Invitation
from profiles.models import SocialProfile


class InvitationError(Exception):
    """A refusal whose message is safe to show to the person who asked."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@transaction.atomic
def accept_invitation(invitation: Invitation, *, by: SocialProfile) -> Invitation:
    """Take a seat on a free event: confirmed at once, or refused as full.

    The event row is locked first, then the seats are counted: two people accepting the last
    seat at once are served one after the other."""
    event = Event.objects.select_for_update().get(pk=invitation.event_id)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.profile_id != by.pk:
        raise InvitationError("This invitation is not yours.")
    if invitation.status not in Invitation.ANSWERABLE:
        raise InvitationError("This invitation has already been answered.")
    now = timezone.now()
    if invitation.expires_at and invitation.expires_at <= now:
        raise InvitationError("This invitation has expired.")
    if event.status not in (Event.Status.PLANNED, Event.Status.CONFIRMED):
        raise InvitationError("This event is no longer taking guests.")
    if event.invitations.holding_seats().count() >= event.max_participants:
        raise InvitationError("This event is full.")
    invitation.status = Invitation.Status.CONFIRMED
    invitation.responded_at = now
    invitation.save(update_fields=["status", "responded_at", "updated_at"])
    return invitation
