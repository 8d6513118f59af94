"""Stripe's webhooks are idempotent and order-independent: each flow's events, delivered three
times over in a shuffled order through the real endpoint (a repeated event id is Stripe's retry),
end in the state the in-order delivery ends in, and every side effect happens once.

Each test builds the same flow twice, in two worlds of its own: one gets its events once and in
order, the other gets them shuffled; both are then described in the same words (roles for
people, names for Stripe ids) and compared, and each is also checked against what the flow must
end in. In local mode the gateway's captures, releases and refunds arrive back as Stripe events
(`evt_local_...`), so each money movement at "Stripe" is one recorded event.
"""

from __future__ import annotations

import datetime
import random
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.utils import timezone

from accounts.factories import UserFactory
from events import services as events
from events.factories import EventFactory, InvitationFactory
from events.models import Event, Invitation
from payments import local
from payments.factories import PaymentFactory
from payments.models import Payment, Subscription, SubscriptionPayment, WebhookEvent
from payments.services import EVENT_CANCELLED, SEAT_LOST
from payments.stripe_gateway import _local_id
from tests.payments.helpers import post_event, stripe_event

pytestmark = pytest.mark.django_db

SEEDS = [7, 1989, 424242]
PREFIX = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX


# Stripe's objects, with the ids the local gateway uses for the same payment -----------------------


def intent(payment: Payment, status: str, **kwargs) -> dict:
    return local.payment_intent(payment, status, **kwargs)


def charge_id(payment: Payment) -> str:
    return _local_id("ch", payment.pk)


def session(payment: Payment, *, status: str, payment_status: str) -> dict:
    return {
        "id": payment.stripe_checkout_session_id,
        "object": "checkout.session",
        "mode": "payment",
        "status": status,
        "payment_status": payment_status,
        "amount_total": payment.amount_cents,
        "currency": payment.currency.lower(),
        "payment_intent": intent(payment, status)["id"] if status == "complete" else None,
        "client_reference_id": str(payment.pk),
        "metadata": {"payment_id": str(payment.pk)},
    }


def paid_at_once(payment: Payment) -> list[dict]:
    return [
        stripe_event(
            "checkout.session.completed",
            session(payment, status="complete", payment_status="paid"),
        ),
        stripe_event(
            "payment_intent.succeeded",
            intent(payment, "succeeded", charge=charge_id(payment)),
        ),
    ]


def authorised(payment: Payment) -> list[dict]:
    return [
        stripe_event(
            "checkout.session.completed",
            session(payment, status="complete", payment_status="unpaid"),
        ),
        stripe_event(
            "payment_intent.amount_capturable_updated", intent(payment, "requires_capture")
        ),
    ]


# One flow's world: its rows, the events to deliver and how to describe the outcome ----------------


Step = list[dict] | Callable[[], object]


@dataclass
class World:
    """`steps` are batches of Stripe events, or what a person does between two batches."""

    steps: list[Step]
    expected: dict
    people: dict[str, object] = field(default_factory=dict)  # role -> user
    payments: dict[str, Payment] = field(default_factory=dict)
    invitations: dict[str, Invitation] = field(default_factory=dict)
    event: Event | None = None
    subscription_id: str = ""
    names: dict[str, str] = field(default_factory=dict)  # other Stripe ids, in words

    def name(self, value: str) -> str:
        """A Stripe id in words, the same in every world."""
        if not value:
            return ""
        for role, payment in self.payments.items():
            for kind in ("pi", "ch", "re"):
                if value == _local_id(kind, payment.pk):
                    return f"{kind} {role}"
        return self.names.get(value, value)

    def role_of(self, address: str) -> str:
        roles = {user.email: role for role, user in self.people.items()}
        return roles.get(address, address)

    def subject(self, subject: str) -> str:
        subject = subject.removeprefix(PREFIX)
        return subject.replace(self.event.title, "<event>") if self.event else subject


@dataclass
class Since:
    """Where this world's webhook events and emails begin."""

    webhook_event: int
    emails: int

    @classmethod
    def now(cls, task_queue) -> Since:
        last = WebhookEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
        return cls(last or 0, len(task_queue.outbox()))


def describe(world: World, since: Since, task_queue) -> dict:
    """Everything the flow changed, in words that do not depend on the world."""
    state: dict = {}
    for role, payment in world.payments.items():
        payment.refresh_from_db()
        state[f"payment {role}"] = {
            "status": payment.status,
            "intent": world.name(payment.stripe_payment_intent_id),
            "charge": world.name(payment.stripe_charge_id),
            "refund": world.name(payment.stripe_refund_id),
            "refund_reason": payment.refund_reason,
            "seat_lost": payment.seat_lost,
            "failure_message": payment.failure_message,
        }
    for role, invitation in world.invitations.items():
        invitation.refresh_from_db()
        state[f"invitation {role}"] = invitation.status
    if world.event is not None:
        world.event.refresh_from_db()
        state["event"] = world.event.status
        state["seats taken"] = events.seats_taken(world.event)
    if world.subscription_id:
        row = Subscription.objects.get(stripe_subscription_id=world.subscription_id)
        state["subscription"] = {
            "member": world.role_of(row.user.email),
            "status": row.status,
            "plan": row.plan,
            "started_at": row.started_at,
            "current_period_end": row.current_period_end,
            "ended_at": row.ended_at,
            "premium": row.gives_premium,
        }
        invoices = SubscriptionPayment.objects.filter(subscription=row)
        state["invoices"] = [
            (world.name(invoice), status, amount)
            for invoice, status, amount in invoices.values_list(
                "stripe_invoice_id", "status", "amount_cents"
            )
        ]

    recorded = WebhookEvent.objects.filter(pk__gt=since.webhook_event)
    assert not recorded.filter(processed_at__isnull=True).exists(), "an event was not processed"
    # What the gateway did at "Stripe": one event per capture, release or refund.
    state["at stripe"] = Counter(
        (row.type, world.name(row.payload["data"]["object"]["id"]))
        for row in recorded
        if row.stripe_event_id.startswith("evt_local_")
    )
    state["emails"] = Counter(
        (world.role_of(address), world.subject(message.subject))
        for message in task_queue.outbox()[since.emails :]
        for address in message.to
    )
    return state


# Delivering ---------------------------------------------------------------------------------------


def post(client, event: dict) -> None:
    response = post_event(client, event)
    assert response.status_code == 200, response.content


def deliver_in_order(client, task_queue, world: World) -> None:
    """Each event once, in the order Stripe created them; the worker keeps up."""
    for step in world.steps:
        if callable(step):
            step()
            task_queue.run_here()
            continue
        for event in step:
            post(client, event)
            task_queue.run_here()


def deliver_shuffled(client, task_queue, world: World, *, seed: int, jobs: str, since: Since):
    """Each batch three times over, shuffled; then every recorded event of the world (the
    gateway's too) is delivered once more, shuffled, as Stripe's late retries."""
    rng = random.Random(seed)
    for step in world.steps:
        if callable(step):
            step()
            task_queue.run_here()
            continue
        deliveries = step * 3
        rng.shuffle(deliveries)
        for event in deliveries:
            post(client, event)
            if jobs == "after each post":
                task_queue.run_here()
        task_queue.run_here()
    retries = [row.payload for row in WebhookEvent.objects.filter(pk__gt=since.webhook_event)]
    rng.shuffle(retries)
    recorded = WebhookEvent.objects.count()
    for event in retries:
        post(client, event)
    assert WebhookEvent.objects.count() == recorded, "a retried event was recorded again"
    task_queue.run_here()


# The flows ----------------------------------------------------------------------------------------


def held_seat(event: Event, **payment_fields) -> tuple[Invitation, Payment]:
    invitation = InvitationFactory(event=event, held=True)
    return invitation, PaymentFactory(invitation=invitation, **payment_fields)


def booked(role: str) -> tuple[str, str]:
    return (role, "Booked: <event>")


def flow_paid_at_once() -> World:
    event = EventFactory(fee_cents=1500)
    invitation, payment = held_seat(event)
    return World(
        steps=[paid_at_once(payment)],
        people={"guest": payment.user, "host": event.host.user},
        payments={"guest": payment},
        invitations={"guest": invitation},
        event=event,
        expected={
            "payment guest": {
                "status": "captured",
                "intent": "pi guest",
                "charge": "ch guest",
                "refund": "",
                "refund_reason": "",
                "seat_lost": False,
                "failure_message": "",
            },
            "invitation guest": "confirmed",
            "event": "planned",
            "seats taken": 1,
            "at stripe": Counter(),
            "emails": Counter([booked("guest")]),
        },
    )


def flow_quorum() -> World:
    """Two guests authorise on an event decided within 6 days; the second reaches the minimum,
    and both payments are captured once."""
    event = EventFactory(
        fee_cents=1500,
        min_participants=2,
        decision_deadline=timezone.now() + datetime.timedelta(days=2),
    )
    ana, ana_payment = held_seat(event, capture_later=True)
    ben, ben_payment = held_seat(event, capture_later=True)
    captured = {
        "status": "captured",
        "refund": "",
        "refund_reason": "",
        "seat_lost": False,
        "failure_message": "",
    }
    return World(
        steps=[authorised(ana_payment) + authorised(ben_payment)],
        people={"ana": ana_payment.user, "ben": ben_payment.user, "host": event.host.user},
        payments={"ana": ana_payment, "ben": ben_payment},
        invitations={"ana": ana, "ben": ben},
        event=event,
        expected={
            "payment ana": {**captured, "intent": "pi ana", "charge": "ch ana"},
            "payment ben": {**captured, "intent": "pi ben", "charge": "ch ben"},
            "invitation ana": "confirmed",
            "invitation ben": "confirmed",
            "event": "confirmed",
            "seats taken": 2,
            "at stripe": Counter(
                [("payment_intent.succeeded", "pi ana"), ("payment_intent.succeeded", "pi ben")]
            ),
            "emails": Counter(
                [
                    booked("ana"),
                    booked("ben"),
                    ("ana", "It is on: <event>"),
                    ("ben", "It is on: <event>"),
                ]
            ),
        },
    )


def flow_failed_then_retried() -> World:
    event = EventFactory(fee_cents=1500)
    invitation, payment = held_seat(event)
    declined = stripe_event(
        "payment_intent.payment_failed",
        intent(payment, "requires_payment_method", error="Your card was declined."),
    )
    return World(
        steps=[[declined, *paid_at_once(payment)]],
        people={"guest": payment.user, "host": event.host.user},
        payments={"guest": payment},
        invitations={"guest": invitation},
        event=event,
        expected={
            "payment guest": {
                "status": "captured",
                "intent": "pi guest",
                "charge": "ch guest",
                "refund": "",
                "refund_reason": "",
                "seat_lost": False,
                "failure_message": "Your card was declined.",
            },
            "invitation guest": "confirmed",
            "event": "planned",
            "seats taken": 1,
            "at stripe": Counter(),
            "emails": Counter([booked("guest")]),
        },
    )


def flow_checkout_expired() -> World:
    event = EventFactory(fee_cents=1500)
    invitation, payment = held_seat(event)
    return World(
        steps=[
            [
                stripe_event(
                    "checkout.session.expired",
                    session(payment, status="expired", payment_status="unpaid"),
                ),
                # Closing a Checkout also cancels its payment intent, when it had one.
                stripe_event("payment_intent.canceled", intent(payment, "canceled")),
            ]
        ],
        people={"guest": payment.user, "host": event.host.user},
        payments={"guest": payment},
        invitations={"guest": invitation},
        event=event,
        expected={
            "payment guest": {
                "status": "abandoned",
                "intent": "",
                "charge": "",
                "refund": "",
                "refund_reason": "",
                "seat_lost": False,
                "failure_message": "",
            },
            "invitation guest": "sent",
            "event": "planned",
            "seats taken": 0,
            "at stripe": Counter(),
            "emails": Counter(),
        },
    )


def flow_declined_then_expired() -> World:
    event = EventFactory(fee_cents=1500)
    invitation, payment = held_seat(event)
    return World(
        steps=[
            [
                stripe_event(
                    "payment_intent.payment_failed",
                    intent(payment, "requires_payment_method", error="Your card was declined."),
                ),
                stripe_event(
                    "checkout.session.expired",
                    session(payment, status="expired", payment_status="unpaid"),
                ),
            ]
        ],
        people={"guest": payment.user, "host": event.host.user},
        payments={"guest": payment},
        invitations={"guest": invitation},
        event=event,
        expected={
            "payment guest": {
                "status": "abandoned",
                "intent": "pi guest",
                "charge": "",
                "refund": "",
                "refund_reason": "",
                "seat_lost": False,
                "failure_message": "Your card was declined.",
            },
            "invitation guest": "sent",
            "event": "planned",
            "seats taken": 0,
            "at stripe": Counter(),
            "emails": Counter(),
        },
    )


def flow_cancelled_after_payment() -> World:
    event = EventFactory(fee_cents=1500)
    invitation, payment = held_seat(event)

    def host_cancels():
        events.cancel_event(event, by=event.host, reason="The venue burnt down.")

    return World(
        steps=[paid_at_once(payment), host_cancels],
        people={"guest": payment.user, "host": event.host.user},
        payments={"guest": payment},
        invitations={"guest": invitation},
        event=event,
        expected={
            "payment guest": {
                "status": "refunded",
                "intent": "pi guest",
                "charge": "ch guest",
                "refund": "re guest",
                "refund_reason": EVENT_CANCELLED,
                "seat_lost": False,
                "failure_message": "",
            },
            "invitation guest": "confirmed",
            "event": "cancelled",
            "seats taken": 1,
            "at stripe": Counter([("charge.refunded", "ch guest")]),
            "emails": Counter(
                [booked("guest"), ("guest", "Cancelled: <event>"), ("guest", "Refunded: <event>")]
            ),
        },
    )


def flow_paid_after_the_seat_was_taken() -> World:
    """The hold lapsed, someone else took the last seat, then the payment arrived."""
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
        steps=[paid_at_once(payment)],
        people={"late": payment.user, "other": other.profile.user, "host": event.host.user},
        payments={"late": payment},
        invitations={"late": invitation, "other": other},
        event=event,
        expected={
            "payment late": {
                "status": "refunded",
                "intent": "pi late",
                "charge": "ch late",
                "refund": "re late",
                "refund_reason": SEAT_LOST,
                "seat_lost": True,
                "failure_message": "",
            },
            "invitation late": "expired",
            "invitation other": "confirmed",
            "event": "confirmed",
            "seats taken": 1,
            "at stripe": Counter([("charge.refunded", "ch late")]),
            "emails": Counter([("late", "Refunded: <event>")]),
        },
    )


def flow_subscription() -> World:
    """Subscribed, paid, cancelled at the period's end, then ended: Stripe's `created` times
    increase, and an older event delivered after a newer one must not win."""
    member = UserFactory()
    plan = settings.PREMIUM_PLANS["monthly"]
    customer = f"cus_test_{uuid.uuid4().hex[:14]}"
    subscription_id = f"sub_test_{uuid.uuid4().hex[:14]}"
    invoice_id = f"in_test_{uuid.uuid4().hex[:14]}"
    metadata = {"user_id": str(member.pk), "plan": "monthly"}
    started = 1_780_000_000  # the same in both worlds, however long the first one took
    period_end = started + 30 * 24 * 3600
    ended = started + 50

    def subscription(status: str, **fields) -> dict:
        return {
            "id": subscription_id,
            "object": "subscription",
            "status": status,
            "customer": customer,
            "cancel_at_period_end": False,
            "start_date": started,
            "ended_at": None,
            "metadata": metadata,
            "items": {
                "object": "list",
                "data": [{"price": {"id": plan["price_id"]}, "current_period_end": period_end}],
            },
            **fields,
        }

    checkout = {
        "id": f"cs_test_{uuid.uuid4().hex[:14]}",
        "object": "checkout.session",
        "mode": "subscription",
        "status": "complete",
        "payment_status": "paid",
        "customer": customer,
        "subscription": subscription_id,
        "client_reference_id": str(member.pk),
        "metadata": metadata,
    }
    invoice = {
        "id": invoice_id,
        "object": "invoice",
        "customer": customer,
        "amount_paid": plan["amount_cents"],
        "amount_due": plan["amount_cents"],
        "currency": plan["currency"].lower(),
        "status": "paid",
        "parent": {"subscription_details": {"subscription": subscription_id, "metadata": metadata}},
    }
    timeline = [
        ("checkout.session.completed", checkout),
        ("customer.subscription.created", subscription("active")),
        ("invoice.paid", invoice),
        ("customer.subscription.updated", subscription("active", cancel_at_period_end=True)),
        (
            "customer.subscription.deleted",
            subscription("canceled", cancel_at_period_end=True, ended_at=ended),
        ),
    ]
    when = datetime.datetime.fromtimestamp
    return World(
        steps=[
            [
                stripe_event(kind, obj, created=started + 10 * n)
                for n, (kind, obj) in enumerate(timeline)
            ]
        ],
        people={"member": member},
        subscription_id=subscription_id,
        names={invoice_id: "invoice"},
        expected={
            "subscription": {
                "member": "member",
                "status": "ended",
                "plan": "monthly",
                "started_at": when(started, tz=datetime.UTC),
                "current_period_end": when(period_end, tz=datetime.UTC),
                "ended_at": when(ended, tz=datetime.UTC),
                "premium": False,
            },
            "invoices": [("invoice", "paid", plan["amount_cents"])],
            "at stripe": Counter(),
            "emails": Counter(
                [
                    ("member", "Welcome to Momento Premium"),
                    # Asking to cancel is a fact whatever the order: told once.
                    ("member", "Your premium plan is cancelled"),
                    ("member", "Your premium plan has ended"),
                ]
            ),
        },
    )


FLOWS = {
    "paid at once": flow_paid_at_once,
    "quorum": flow_quorum,
    "failed then retried": flow_failed_then_retried,
    "checkout expired": flow_checkout_expired,
    "declined then expired": flow_declined_then_expired,
    "cancelled after payment": flow_cancelled_after_payment,
    "paid after the seat was taken": flow_paid_after_the_seat_was_taken,
    "subscription": flow_subscription,
}


@pytest.mark.parametrize("jobs", ["after each post", "at the end"])
@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("flow", FLOWS)
def test_a_flow_delivered_three_times_shuffled_ends_as_delivered_once_in_order(
    client, task_queue, flow, seed, jobs
):
    in_order = FLOWS[flow]()
    since = Since.now(task_queue)
    deliver_in_order(client, task_queue, in_order)
    expected = describe(in_order, since, task_queue)
    assert expected == in_order.expected

    shuffled = FLOWS[flow]()
    since = Since.now(task_queue)
    deliver_shuffled(client, task_queue, shuffled, seed=seed, jobs=jobs, since=since)
    assert describe(shuffled, since, task_queue) == expected
    assert not [job for job in task_queue.jobs if job["status"] == "todo"]


@pytest.mark.parametrize("seed", range(8))
def test_a_host_cancelling_at_any_moment_of_the_payment_gives_the_money_back_once(
    client, task_queue, seed
):
    """Before the payment arrived (its Checkout is closed, a late payment is refunded as a lost
    seat) or after it (refunded as cancelled): either way, one refund and one email."""
    rng = random.Random(seed)
    event = EventFactory(fee_cents=1500)
    invitation, payment = held_seat(event)
    world = World(
        steps=[],
        expected={},
        people={"guest": payment.user},
        payments={"guest": payment},
        invitations={"guest": invitation},
        event=event,
    )
    since = Since.now(task_queue)
    deliveries = paid_at_once(payment) * 3
    rng.shuffle(deliveries)
    deliveries.insert(rng.randrange(len(deliveries) + 1), None)  # the host cancels here

    for event_or_cancel in deliveries:
        if event_or_cancel is None:
            events.cancel_event(event, by=event.host, reason="The venue burnt down.")
        else:
            post(client, event_or_cancel)
        if rng.random() < 0.5:
            task_queue.run_here()
    task_queue.run_here()

    state = describe(world, since, task_queue)
    assert state["payment guest"]["status"] == "refunded"
    assert state["payment guest"]["refund"] == "re guest"
    assert state["payment guest"]["refund_reason"] in (EVENT_CANCELLED, SEAT_LOST)
    assert state["at stripe"][("charge.refunded", "ch guest")] == 1
    assert state["emails"][("guest", "Refunded: <event>")] == 1
    assert state["emails"][("guest", "Cancelled: <event>")] == 1
    assert state["emails"][("guest", "Booked: <event>")] <= 1
    assert state["event"] == "cancelled"
