"""Every order of a payment's events ends in one state, a refund's included: Stripe does not
promise to deliver `charge.refunded` after the events of the payment it refunds.

For each flow below, every permutation of its Stripe events is delivered to a world of its own
(tests/payments/test_replay.py builds and describes the worlds) and must end exactly as the
in-order delivery does: the same payment, invitation and event states, the same emails in the
same order (booked, then refunded), and Stripe asked to move the money no more than in order.
The refunds here are made at Stripe, outside Momento (its dashboard), so the refund arrives as
an event whatever Momento did.
"""

from __future__ import annotations

import datetime
import itertools
from collections import Counter

import pytest
from django.utils import timezone

from events import services as events
from events.factories import EventFactory, InvitationFactory
from events.models import Event, Invitation
from payments import local
from payments.models import Payment
from payments.services import EVENT_CANCELLED, SEAT_LOST
from tests.payments.helpers import stripe_event
from tests.payments.test_replay import (
    Since,
    World,
    booked,
    describe,
    held_seat,
    intent,
    paid_at_once,
    post,
)

pytestmark = pytest.mark.django_db

REFUNDED = ("guest", "Refunded: <event>")


def refunded_at_stripe(payment: Payment) -> dict:
    return stripe_event("charge.refunded", local.charge(payment, refunded=True))


def declined(payment: Payment) -> dict:
    return stripe_event(
        "payment_intent.payment_failed",
        intent(payment, "requires_payment_method", error="Your card was declined."),
    )


def refunded(role: str, **fields) -> dict:
    return {
        "status": "refunded",
        "intent": f"pi {role}",
        "charge": f"ch {role}",
        "refund": "",  # made at Stripe: Momento never asked for one
        "refund_reason": "",
        "seat_lost": False,
        "failure_message": "",
        **fields,
    }


# The flows: a world whose one step is the batch of events to permute ---------------------------


def flow_paid_then_refunded() -> World:
    event = EventFactory(fee_cents=1500)
    invitation, payment = held_seat(event)
    return World(
        steps=[[*paid_at_once(payment), refunded_at_stripe(payment)]],
        people={"guest": payment.user, "host": event.host.user},
        payments={"guest": payment},
        invitations={"guest": invitation},
        event=event,
        expected={
            "payment guest": refunded("guest"),
            "invitation guest": "confirmed",  # a refund is only money: the seat stays
            "event": "planned",
            "seats taken": 1,
            "at stripe": Counter(),
            "emails": Counter([booked("guest"), REFUNDED]),
        },
    )


def flow_declined_paid_then_refunded() -> World:
    event = EventFactory(fee_cents=1500)
    invitation, payment = held_seat(event)
    return World(
        steps=[[declined(payment), *paid_at_once(payment), refunded_at_stripe(payment)]],
        people={"guest": payment.user, "host": event.host.user},
        payments={"guest": payment},
        invitations={"guest": invitation},
        event=event,
        expected={
            "payment guest": refunded("guest", failure_message="Your card was declined."),
            "invitation guest": "confirmed",
            "event": "planned",
            "seats taken": 1,
            "at stripe": Counter(),
            "emails": Counter([booked("guest"), REFUNDED]),
        },
    )


def flow_seat_lost_then_refunded() -> World:
    """Paid after the hold lapsed and the last seat went: Momento would refund it, and the
    refund made at Stripe meanwhile must not be made twice."""
    event = EventFactory(
        fee_cents=1500, min_participants=1, max_participants=1, status=Event.Status.CONFIRMED
    )
    invitation, payment = held_seat(event)
    Invitation.objects.filter(pk=invitation.pk).update(
        hold_expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    assert events.expire_lapsed() == 1
    other = InvitationFactory(event=event, confirmed=True)
    return World(
        steps=[[*paid_at_once(payment), refunded_at_stripe(payment)]],
        people={"guest": payment.user, "other": other.profile.user, "host": event.host.user},
        payments={"guest": payment},
        invitations={"guest": invitation, "other": other},
        event=event,
        expected={
            "payment guest": refunded("guest", refund_reason=SEAT_LOST, seat_lost=True),
            "invitation guest": "expired",
            "invitation other": "confirmed",
            "event": "confirmed",
            "seats taken": 1,
            "at stripe": Counter(),
            "emails": Counter([REFUNDED]),
        },
    )


def flow_cancelled_then_paid_and_refunded() -> World:
    """The host cancelled while the guest was paying; the payment went through anyway."""
    event = EventFactory(fee_cents=1500)
    invitation, payment = held_seat(event)
    events.cancel_event(event, by=event.host, reason="The venue burnt down.")
    return World(
        steps=[[*paid_at_once(payment), refunded_at_stripe(payment)]],
        people={"guest": payment.user, "host": event.host.user},
        payments={"guest": payment},
        invitations={"guest": invitation},
        event=event,
        names={payment.stripe_checkout_session_id: "cs guest"},
        expected={
            "payment guest": refunded("guest", refund_reason=EVENT_CANCELLED),
            "invitation guest": "withdrawn",
            "event": "cancelled",
            "seats taken": 0,
            # Cancelling closed the Checkout, before the payment was known.
            "at stripe": Counter([("checkout.session.expired", "cs guest")]),
            "emails": Counter([REFUNDED]),  # after the cancellation's, sent before
        },
    )


FLOWS = {
    "paid then refunded": flow_paid_then_refunded,
    "declined, paid then refunded": flow_declined_paid_then_refunded,
    "seat lost then refunded": flow_seat_lost_then_refunded,
    "cancelled, then paid and refunded": flow_cancelled_then_paid_and_refunded,
}
# When Momento would refund the payment itself: with the worker keeping up, it may have asked
# Stripe first, and the two worlds then differ in who refunded (see the test below).
MOMENTO_REFUNDS = {"seat lost then refunded", "cancelled, then paid and refunded"}


def subjects_in_order(world: World, since: Since, task_queue) -> list[tuple[str, str]]:
    return [
        (world.role_of(address), world.subject(message.subject))
        for message in task_queue.outbox()[since.emails :]
        for address in message.to
    ]


def deliver(client, task_queue, world: World, order: tuple[int, ...], *, jobs: str):
    [batch] = world.steps
    task_queue.run_here()  # what building the world queued (a cancellation's settling)
    for n in order:
        post(client, batch[n])
        if jobs == "after each post":
            task_queue.run_here()
    task_queue.run_here()


def outcome(client, task_queue, flow: str, order: tuple[int, ...] | None, *, jobs: str):
    world = FLOWS[flow]()
    since = Since.now(task_queue)
    [batch] = world.steps
    deliver(client, task_queue, world, order or tuple(range(len(batch))), jobs=jobs)
    return world, describe(world, since, task_queue), subjects_in_order(world, since, task_queue)


def orderings(world: World) -> list[tuple[int, ...]]:
    [batch] = world.steps
    return list(itertools.permutations(range(len(batch))))


@pytest.mark.parametrize("flow", FLOWS)
def test_every_order_of_a_refunded_payments_events_ends_as_in_order_with_the_worker_behind(
    client, task_queue, flow
):
    """The worker runs after the whole batch arrived: every order must end identically."""
    world, expected, expected_emails = outcome(client, task_queue, flow, None, jobs="at the end")
    assert expected == world.expected

    for order in orderings(world):
        _, state, emails = outcome(client, task_queue, flow, order, jobs="at the end")
        assert state == expected, f"delivered in the order {order}"
        assert emails == expected_emails, f"delivered in the order {order}"
    assert not [job for job in task_queue.jobs if job["status"] == "todo"]


@pytest.mark.parametrize("flow", FLOWS)
def test_every_order_of_a_refunded_payments_events_ends_as_in_order_with_the_worker_keeping_up(
    client, task_queue, flow
):
    """Each event processed as it arrives. Where Momento refunds by itself, it may ask Stripe
    before the refund made there is known (in reality Stripe answers that the charge is already
    refunded); everything else ends the same, and Stripe is asked once at most."""
    world, expected, expected_emails = outcome(
        client, task_queue, flow, None, jobs="after each post"
    )

    def without_who_refunded(state: dict) -> dict:
        state = {**state, "payment guest": {**state["payment guest"], "refund": None}}
        state.pop("at stripe")
        return state

    for order in orderings(world):
        _, state, emails = outcome(client, task_queue, flow, order, jobs="after each post")
        assert emails == expected_emails, f"delivered in the order {order}"
        if flow not in MOMENTO_REFUNDS:
            assert state == expected, f"delivered in the order {order}"
            continue
        assert without_who_refunded(state) == without_who_refunded(expected)
        asked = state["at stripe"][("charge.refunded", "ch guest")]
        assert asked <= 1 and (asked == 1) == (state["payment guest"]["refund"] == "re guest")
