import datetime

import pytest
from django.utils import timezone

from events import services
from events.factories import EventFactory
from events.models import Event, Invitation
from events.services import EventError
from profiles.factories import SocialProfileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def invitation():
    return Invitation.objects.create(event=EventFactory(), profile=SocialProfileFactory())


def test_accepting_a_free_event_confirms_the_seat_at_once(invitation):
    accepted = services.accept_invitation(invitation, by=invitation.profile)
    assert accepted.status == Invitation.Status.CONFIRMED
    assert accepted.responded_at is not None


def test_only_the_invitee_can_accept(invitation):
    with pytest.raises(EventError, match="not yours"):
        services.accept_invitation(invitation, by=SocialProfileFactory())
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.SENT


@pytest.mark.parametrize(
    "status", ["confirmed", "declined", "expired", "held", "waitlisted", "withdrawn"]
)
def test_an_answered_invitation_cannot_be_accepted_again(invitation, status):
    Invitation.objects.filter(pk=invitation.pk).update(
        status=status, hold_expires_at=timezone.now(), waitlisted_at=timezone.now()
    )
    with pytest.raises(EventError, match="already been answered"):
        services.accept_invitation(invitation, by=invitation.profile)


def test_an_expired_invitation_cannot_be_accepted(invitation):
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    with pytest.raises(EventError, match="expired"):
        services.accept_invitation(invitation, by=invitation.profile)
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.SENT


@pytest.mark.parametrize("status", [Event.Status.CANCELLED, Event.Status.COMPLETED])
def test_an_event_that_is_over_takes_no_guests(invitation, status):
    Event.objects.filter(pk=invitation.event_id).update(status=status)
    with pytest.raises(EventError, match="no longer taking guests"):
        services.accept_invitation(invitation, by=invitation.profile)


def test_a_full_event_refuses_and_changes_nothing(invitation):
    event = invitation.event
    Event.objects.filter(pk=event.pk).update(max_participants=2, min_participants=1)
    Invitation.objects.create(event=event, profile=SocialProfileFactory(), status="confirmed")
    Invitation.objects.create(
        event=event,
        profile=SocialProfileFactory(),
        status="held",
        hold_expires_at=timezone.now() + datetime.timedelta(minutes=15),
    )
    with pytest.raises(EventError, match="This event is full."):
        services.accept_invitation(invitation, by=invitation.profile)
    assert event.invitations.holding_seats().count() == 2
