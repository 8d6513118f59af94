"""Seats never exceed the maximum, whatever the concurrency."""

import pytest

from events import services
from events.factories import EventFactory
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
