"""The money side of a generated world (momento/world.py): one payment per seat of a paid event,
in the state the payments services would have left it (payments/services.py), a few premium
plans with their invoices, and a Stripe customer id for everyone who paid.

A seat's payment: confirmed → captured (or only authorised while a near quorum event is still
planned); held → pending, its Checkout open; payment failed → failed; given back in time or
removed by the host → refunded; given back late → captured, kept. A cancelled event's confirmed
seats were given their money back: authorisations released, charges refunded.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import connection

from events.models import Event, Invitation
from events.services import CANCELLED_REASON, REMOVED_REASON
from payments.models import Payment, Plan, Subscription, SubscriptionPayment
from payments.services import AUTHORIZATION_LASTS, EVENT_CANCELLED

if TYPE_CHECKING:
    from momento.world import World

P = Payment.Status
S = Invitation.Status
DECLINED = "Your card was declined."

MODELS = [Payment, Subscription, SubscriptionPayment]


def generate(world: World) -> None:
    world.copy(
        Payment,
        [
            "id",
            "user",
            "event",
            "invitation",
            "amount_cents",
            "currency",
            "status",
            "capture_later",
            "stripe_checkout_session_id",
            "stripe_payment_intent_id",
            "stripe_charge_id",
            "stripe_refund_id",
            "refund_reason",
            "failure_message",
            "created_at",
            "updated_at",
        ],
        (_payment(world, *seat) for seat in world.paid_seats),
    )
    _subscriptions(world)
    with connection.cursor() as cursor:
        # Everyone who paid has their one Stripe customer.
        cursor.execute(
            """
            UPDATE accounts_user
               SET payment_customer_id = 'cus_world_' || replace(id::text, '-', '')
             WHERE id IN (SELECT user_id FROM payments_payment
                          UNION SELECT user_id FROM payments_subscription)
            """
        )


def _payment(world: World, invitation_id, plan, member, seat, late, when):
    rng, now = world.rng, world.now
    quorum = plan.decision_deadline or plan.starts_at
    authorised_only = plan.status == Event.Status.PLANNED and quorum - now <= AUTHORIZATION_LASTS
    status, reason, failure = P.CAPTURED, "", ""
    if seat == S.CONFIRMED and plan.status == Event.Status.CANCELLED:
        status = P.RELEASED if rng.random() < 0.3 else P.REFUNDED
        reason = EVENT_CANCELLED
    elif seat == S.CONFIRMED:
        status = P.AUTHORIZED if authorised_only else P.CAPTURED
    elif seat == S.HELD:
        status = P.PENDING
    elif seat == S.PAYMENT_FAILED:
        status, failure = P.FAILED, DECLINED
    elif seat == S.REMOVED or (seat == S.CANCELLED and not late):
        status = P.REFUNDED
        reason = REMOVED_REASON if seat == S.REMOVED else CANCELLED_REASON
    key = world.uuid()
    charged = status in (P.CAPTURED, P.REFUNDED)
    return (
        world.uuid(),
        world.user_ids[member],
        plan.id,
        invitation_id,
        plan.fee_cents,
        plan.currency,
        status,
        status in (P.AUTHORIZED, P.RELEASED) or (status == P.PENDING and authorised_only),
        f"cs_world_{key}",
        "" if status == P.PENDING else f"pi_world_{key}",
        f"ch_world_{key}" if charged else "",
        f"re_world_{key}" if status == P.REFUNDED else "",
        reason,
        failure,
        when,
        (plan.cancelled_at or when) if status in (P.REFUNDED, P.RELEASED) else when,
    )


def _subscriptions(world: World) -> None:
    """About one member in a hundred has had a premium plan: most active, some ended."""
    rng, now = world.rng, world.now
    members = [i for i in world.pool if i > 1 and rng.random() < 0.01] or world.pool[2:4]
    invoices = []

    def rows():
        for member in members:
            plan = rng.choice(Plan.values)
            status = rng.choices(Subscription.Status.values, weights=(3, 60, 10, 12, 15))[0]
            period = datetime.timedelta(days=30 if plan == Plan.MONTHLY else 365)
            created = world.between(world.joined[member], now - datetime.timedelta(days=1))
            started = None if status == Subscription.Status.INCOMPLETE else created
            periods = max(1, int((now - created) / period) + 1)
            if status == Subscription.Status.ENDED:
                periods = rng.randint(1, periods)
            end = created + period * periods if started else None
            ended = min(end, now) if status == Subscription.Status.ENDED else None
            subscription_id = world.uuid()
            price = settings.PREMIUM_PLANS[plan]
            for k in range(periods if started else 0):
                paid = not (status == Subscription.Status.PAST_DUE and k == periods - 1)
                invoices.append(
                    (
                        world.uuid(),
                        subscription_id,
                        world.user_ids[member],
                        price["amount_cents"],
                        price["currency"],
                        "paid" if paid else "failed",
                        f"in_world_{subscription_id}_{k}",
                        f"pi_world_{subscription_id}_{k}",
                        min(created + period * k, now),
                    )
                )
            yield (
                subscription_id,
                world.user_ids[member],
                plan,
                status,
                f"sub_world_{subscription_id}",
                started,
                end,
                ended,
                int(created.timestamp()),
                created,
                min(ended or now, now),
            )

    world.copy(
        Subscription,
        [
            "id",
            "user",
            "plan",
            "status",
            "stripe_subscription_id",
            "started_at",
            "current_period_end",
            "ended_at",
            "stripe_updated",
            "created_at",
            "updated_at",
        ],
        rows(),
    )
    world.copy(
        SubscriptionPayment,
        [
            "id",
            "subscription",
            "user",
            "amount_cents",
            "currency",
            "status",
            "stripe_invoice_id",
            "stripe_payment_intent_id",
            "created_at",
        ],
        invoices,
    )
