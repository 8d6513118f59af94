"""Seats never exceed the maximum, whatever the concurrency."""

import pytest

from events import services
from events.factories import EventFactory, InvitationFactory
from events.models import Invitation
from events.services import EventError
from profiles.factories import SocialProfileFactory
from tests.races import run_at_once

ROUNDS = 50
RACERS = 30


@pytest.mark.django_db(transaction=True)
def test_thirty_people_racing_for_the_last_three_seats_get_exactly_three():
    racers = SocialProfileFactory.create_batch(RACERS)
    already_in = SocialProfileFactory.create_batch(2)
    for _ in range(ROUNDS):
        event = EventFactory(max_participants=5)
        Invitation.objects.bulk_create(
            [Invitation(event=event, profile=p, status="confirmed") for p in already_in]
            + [Invitation(event=event, profile=p) for p in racers]
        )
        invitations = list(event.invitations.filter(status="sent").select_related("profile"))

        # Every invitee accepts at the same moment, each on a connection of their own.
        errors = run_at_once(
            [lambda i=i: services.accept_invitation(i, by=i.profile) for i in invitations]
        )

        assert len(errors) == RACERS - 3, errors[:2]  # so exactly 3 accepted
        assert all(isinstance(e, EventError) for e in errors), errors
        assert {e.message for e in errors} == {"This event is full."}
        assert event.invitations.holding_seats().count() == 5


@pytest.mark.django_db(transaction=True)
def test_thirty_people_asking_for_the_last_three_seats_of_a_public_event():
    """Asking creates one's own invitation: exactly 3 get a seat, the rest a waitlist place."""
    askers = SocialProfileFactory.create_batch(RACERS)
    for _ in range(10):
        event = EventFactory(is_private=False, max_participants=3, min_participants=1)

        errors = run_at_once([lambda p=p, e=event: services.ask_for_seat(e, by=p) for p in askers])

        assert errors == []
        statuses = list(event.invitations.values_list("status", flat=True))
        assert statuses.count(Invitation.Status.CONFIRMED) == 3
        assert statuses.count(Invitation.Status.WAITLISTED) == RACERS - 3


@pytest.mark.django_db(transaction=True)
def test_seats_freed_at_once_are_offered_once_each():
    """Three guests give up held seats at the same moment: exactly three offers go out, in
    waitlist order, and the seats never exceed the maximum."""
    for _ in range(10):
        event = EventFactory(max_participants=4, min_participants=1, fee_cents=1000)
        holders = InvitationFactory.create_batch(4, event=event, held=True)
        waiting = [InvitationFactory(event=event, waitlisted=True) for _ in range(5)]

        errors = run_at_once(
            [lambda i=i: services.decline_invitation(i, by=i.profile) for i in holders[:3]]
        )

        assert errors == []
        offered = event.invitations.filter(status=Invitation.Status.OFFERED)
        assert set(offered.values_list("pk", flat=True)) == {i.pk for i in waiting[:3]}
        assert event.invitations.holding_seats().count() == 4
