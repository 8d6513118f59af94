"""Giving a seat back under concurrency: the guest cancelling, the host removing them and the
first on the waitlist taking the freed seat, all at once, end with one refund, one seat and one
offer; a create form submitted twice at once makes one event (tests/races.py)."""

import time

import pytest
from django.conf import settings

from events import services
from events.factories import EventFactory, InvitationFactory
from events.models import Event, Invitation
from events.services import EventError
from payments.factories import PaymentFactory
from payments.models import Payment, WebhookEvent
from profiles.factories import CityFactory
from tests.races import run_at_once

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 5


def take_the_offer(invitation: Invitation) -> None:
    """Keep trying until the freed seat is offered, as someone refreshing the page would."""
    for _ in range(200):
        try:
            services.accept_invitation(invitation, by=invitation.profile)
            return
        except EventError:
            time.sleep(0.01)
    raise AssertionError("The seat was never offered.")


@pytest.mark.parametrize("round", range(ROUNDS))
def test_cancel_remove_and_the_waitlist_at_once_give_one_refund_one_seat_one_offer(
    task_queue, round
):
    event = EventFactory(
        fee_cents=1500, min_participants=1, max_participants=1, status=Event.Status.CONFIRMED
    )
    guest = InvitationFactory(event=event, confirmed=True)
    payment = PaymentFactory(
        invitation=guest,
        status=Payment.Status.CAPTURED,
        stripe_payment_intent_id=f"pi_race_{round}_{guest.pk.hex[:8]}",
        stripe_charge_id=f"ch_race_{round}_{guest.pk.hex[:8]}",
    )
    waiting = InvitationFactory(event=event, waitlisted=True)

    errors = run_at_once(
        [
            lambda: services.cancel_seat(guest, by=guest.profile),
            lambda: services.remove_guest(guest, by=event.host, reason="Sorry."),
            lambda: take_the_offer(waiting),
        ]
    )

    assert len(errors) == 1 and isinstance(errors[0], EventError)  # cancel or remove lost
    task_queue.run_here()
    guest.refresh_from_db()
    waiting.refresh_from_db()
    payment.refresh_from_db()
    assert guest.status in Invitation.GIVEN_BACK
    assert payment.status == Payment.Status.REFUNDED
    refunds = WebhookEvent.objects.filter(
        type="charge.refunded", payload__data__object__metadata__payment_id=str(payment.pk)
    )
    assert refunds.count() == 1  # Stripe was asked once
    assert waiting.status == Invitation.Status.HELD  # took the offer, now paying
    assert services.seats_taken(event) == 1
    offers = [
        message
        for message in task_queue.outbox()
        if message.to == [waiting.profile.user.email]
        and message.subject
        == f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}A seat is free for you: {event.title}"
    ]
    assert len(offers) == 1


@pytest.mark.parametrize("round", range(ROUNDS))
def test_the_create_form_submitted_twice_at_once_makes_one_event(round):
    event = EventFactory.build()
    host = EventFactory().host
    city = CityFactory()
    token = f"00000000-0000-4000-8000-{round:012d}"
    made = []

    def create():
        made.append(
            services.create_event(
                host,
                title="Twice",
                city=city,
                starts_at=event.starts_at,
                ends_at=event.ends_at,
                creation_token=token,
            ).pk
        )

    errors = run_at_once([create, create])

    assert not errors
    assert made[0] == made[1]
    assert Event.objects.filter(host=host, title="Twice").count() == 1
