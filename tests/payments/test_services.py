"""Booking fees and premium plans through the services, in the local test mode: the local
gateway answers like Stripe and reports through the same signed webhooks."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from events import services as events
from events.factories import EventFactory, InvitationFactory
from events.models import Event, Invitation
from payments import local, services
from payments.models import Payment, Subscription, SubscriptionPayment, WebhookEvent, is_premium
from payments.services import PaymentError

pytestmark = pytest.mark.django_db
Status = Payment.Status


def in_(**kwargs) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(**kwargs)


def quorum_event(**fields) -> Event:
    """A paid event still below its minimum, deciding within the authorisation's life."""
    defaults = {"fee_cents": 1500, "min_participants": 2, "max_participants": 3}
    return EventFactory(decision_deadline=in_(days=2), **{**defaults, **fields})


def checkout(event: Event, invitation: Invitation | None = None) -> Payment:
    invitation = invitation or InvitationFactory(event=event)
    events.accept_invitation(invitation, by=invitation.profile)
    return services.start_checkout(invitation, by=invitation.profile.user)


def paid(event: Event, task_queue, invitation=None) -> Payment:
    payment = checkout(event, invitation)
    local.pay(payment)
    task_queue.run_here()
    payment.refresh_from_db()
    return payment


def subjects(task_queue) -> list[str]:
    return [email.subject.removeprefix("[Momento] ") for email in task_queue.outbox()]


def status_of(invitation: Invitation) -> str:
    invitation.refresh_from_db()
    return invitation.status


# Starting a checkout ---------------------------------------------------------------------------


def test_a_held_seat_gets_one_checkout_and_asking_again_reuses_it():
    event = EventFactory(fee_cents=1500)
    payment = checkout(event)
    again = services.start_checkout(payment.invitation, by=payment.user)
    assert again.pk == payment.pk
    assert payment.checkout_url.startswith("/test-mode/checkout/")
    assert (payment.amount_cents, payment.currency) == (1500, "EUR")
    assert payment.user.payment_customer_id.startswith("cus_local_")
    assert Payment.objects.count() == 1


def test_no_checkout_without_a_held_seat_or_for_someone_else():
    event = EventFactory(fee_cents=1500)
    invitation = InvitationFactory(event=event)
    with pytest.raises(PaymentError, match="no longer held"):
        services.start_checkout(invitation, by=invitation.profile.user)
    events.accept_invitation(invitation, by=invitation.profile)
    other = InvitationFactory(event=event).profile.user
    with pytest.raises(PaymentError, match="not yours"):
        services.start_checkout(invitation, by=other)
    assert not Payment.objects.exists()


def test_an_event_deciding_after_the_authorisation_would_lapse_is_charged_at_once():
    far = EventFactory(fee_cents=900, decision_deadline=in_(days=10), starts_at=in_(days=12))
    near = quorum_event()
    assert checkout(far).capture_later is False
    assert checkout(near).capture_later is True


# Paying ----------------------------------------------------------------------------------------


def test_paying_an_event_that_has_its_quorum_charges_and_confirms_the_seat(task_queue):
    event = EventFactory(fee_cents=1500, min_participants=1, status=Event.Status.CONFIRMED)
    payment = paid(event, task_queue)
    assert payment.status == Status.CAPTURED
    assert payment.stripe_charge_id and payment.stripe_payment_intent_id
    assert status_of(payment.invitation) == Invitation.Status.CONFIRMED
    assert subjects(task_queue).count(f"Booked: {event.title}") == 1


def test_a_quorum_event_authorises_until_its_minimum_then_captures_every_payment(task_queue):
    event = quorum_event()
    first = paid(event, task_queue)
    assert first.status == Status.AUTHORIZED
    assert status_of(first.invitation) == Invitation.Status.CONFIRMED
    event.refresh_from_db()
    assert event.status == Event.Status.PLANNED

    second = paid(event, task_queue)
    event.refresh_from_db()
    first.refresh_from_db()
    assert event.status == Event.Status.CONFIRMED
    assert (first.status, second.status) == (Status.CAPTURED, Status.CAPTURED)
    assert Payment.objects.totals() == {
        "authorized": 0,
        "captured": 3000,
        "refunded": 0,
        "held": 3000,
    }


def test_an_unmet_quorum_releases_the_authorisations_and_tells_the_guest(task_queue):
    event = quorum_event()
    payment = paid(event, task_queue)
    with time_machine.travel(in_(days=3)):
        assert events.cancel_unmet_quorum() == 1
        task_queue.run_here()
    payment.refresh_from_db()
    assert payment.status == Status.RELEASED
    assert payment.refund_reason == services.EVENT_CANCELLED
    assert subjects(task_queue).count(f"Not charged: {event.title}") == 1


def test_a_host_cancelling_refunds_charges_and_closes_open_checkouts(task_queue):
    event = EventFactory(fee_cents=2000, min_participants=1, max_participants=4)
    charged = paid(event, task_queue)
    waiting = checkout(event)
    events.cancel_event(event, by=event.host, reason="The venue closed.")
    task_queue.run_here()
    charged.refresh_from_db()
    waiting.refresh_from_db()
    assert charged.status == Status.REFUNDED and charged.stripe_refund_id
    assert waiting.status == Status.ABANDONED
    assert subjects(task_queue).count(f"Refunded: {event.title}") == 1


def test_a_declined_card_fails_the_seat_and_the_guest_can_retry(task_queue):
    event = EventFactory(fee_cents=1500, min_participants=1)
    payment = checkout(event)
    local.decline(payment)
    task_queue.run_here()
    payment.refresh_from_db()
    assert payment.status == Status.FAILED
    assert payment.failure_message == "Your card was declined."
    assert status_of(payment.invitation) == Invitation.Status.PAYMENT_FAILED
    # No email: the guest was at the checkout when the card failed, and tries again there.
    assert not [m for m in task_queue.outbox() if "did not go through" in m.subject]

    retry = paid(event, task_queue, invitation=payment.invitation)
    assert retry.pk != payment.pk and retry.status == Status.CAPTURED
    assert status_of(payment.invitation) == Invitation.Status.CONFIRMED


def test_leaving_checkout_releases_the_seat_to_the_waitlist(task_queue):
    event = EventFactory(fee_cents=1500, min_participants=1, max_participants=1)
    payment = checkout(event)
    waiting = InvitationFactory(event=event, waitlisted=True)
    services.abandon_checkout(payment)
    payment.refresh_from_db()
    assert payment.status == Status.ABANDONED
    assert status_of(payment.invitation) == Invitation.Status.SENT
    assert status_of(waiting) == Invitation.Status.OFFERED


def test_leaving_after_paying_changes_nothing(task_queue):
    event = EventFactory(fee_cents=1500, min_participants=1)
    payment = paid(event, task_queue)
    assert services.abandon_checkout(payment).status == Status.CAPTURED
    assert status_of(payment.invitation) == Invitation.Status.CONFIRMED


def test_a_payment_after_the_hold_lapsed_keeps_a_seat_that_is_still_free(task_queue):
    event = EventFactory(fee_cents=1500, min_participants=1, max_participants=2)
    payment = checkout(event)
    with time_machine.travel(in_(minutes=31)):
        events.expire_lapsed()
    assert status_of(payment.invitation) == Invitation.Status.EXPIRED
    local.pay(payment)
    task_queue.run_here()
    payment.refresh_from_db()
    assert payment.status == Status.CAPTURED and not payment.seat_lost
    assert status_of(payment.invitation) == Invitation.Status.CONFIRMED


def test_a_payment_after_the_hold_lapsed_and_the_seat_went_is_refunded_once(task_queue):
    event = EventFactory(fee_cents=1500, min_participants=1, max_participants=1)
    late = checkout(event)
    with time_machine.travel(in_(minutes=31)):
        events.expire_lapsed()
    InvitationFactory(event=event, confirmed=True)
    local.pay(late)
    task_queue.run_here()
    late.refresh_from_db()
    assert late.status == Status.REFUNDED and late.seat_lost
    assert late.refund_reason == services.SEAT_LOST
    assert status_of(late.invitation) == Invitation.Status.EXPIRED
    assert WebhookEvent.objects.filter(type="charge.refunded").count() == 1
    assert subjects(task_queue) == [f"Refunded: {event.title}"]


def test_staff_refund_gives_the_money_back_and_leaves_the_seat(task_queue):
    event = EventFactory(fee_cents=1500, min_participants=1)
    payment = paid(event, task_queue)
    services.refund_by_staff(payment)
    payment.refresh_from_db()
    assert payment.status == Status.REFUNDED
    assert payment.refund_reason == services.BY_STAFF
    assert status_of(payment.invitation) == Invitation.Status.CONFIRMED
    with pytest.raises(PaymentError, match="Only an authorised or paid"):
        services.refund_by_staff(payment)


def test_a_paid_event_gets_a_stripe_price_and_a_new_one_when_its_fee_changes(task_queue):
    event = EventFactory(fee_cents=1500)
    services.publish_event_price(event)
    event.refresh_from_db()
    first = event.stripe_price_id
    assert first.startswith("price_local_") and event.stripe_product_id
    events.update_event(event, by=event.host, fee_cents=1800)
    event.refresh_from_db()
    assert event.stripe_price_id == ""
    task_queue.run_here()
    event.refresh_from_db()
    assert event.stripe_price_id not in ("", first)


# Premium ---------------------------------------------------------------------------------------


def subscribe(user, task_queue, plan="monthly") -> Subscription:
    services.start_subscription(user, plan=plan)
    local.subscribe(session_id="cs_local_test", user_id=str(user.pk), plan=plan)
    task_queue.run_here()
    return Subscription.objects.get(user=user)


def test_a_member_subscribes_and_premium_follows_stripe(user, task_queue):
    assert not is_premium(user)
    subscription = subscribe(user, task_queue, plan="yearly")
    assert (subscription.status, subscription.plan) == ("active", "yearly")
    assert is_premium(user)
    assert subscription.current_period_end > in_(days=360)
    invoice = SubscriptionPayment.objects.get()
    assert (invoice.amount_cents, invoice.status, invoice.user) == (9000, "paid", user)
    with pytest.raises(PaymentError, match="already a premium member"):
        services.start_subscription(user, plan="monthly")

    local.change_subscription(subscription, "cancel")
    task_queue.run_here()
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.CANCELLED and is_premium(user)

    local.change_subscription(subscription, "end")
    task_queue.run_here()
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.ENDED and not is_premium(user)
    assert subjects(task_queue) == [
        "Welcome to Momento Premium",
        "Your premium plan is cancelled",
        "Your premium plan has ended",
    ]


def test_an_unknown_plan_and_a_portal_without_a_customer_are_refused(user):
    with pytest.raises(PaymentError, match="monthly or the yearly"):
        services.start_subscription(user, plan="lifetime")
    with pytest.raises(PaymentError, match="no plan"):
        services.portal_url(user)


def test_a_new_hold_after_an_old_checkout_closed_gets_a_new_checkout(task_queue):
    event = EventFactory(fee_cents=1500, min_participants=1)
    old = checkout(event)
    with time_machine.travel(in_(minutes=40)):
        events.expire_lapsed()
        events.invite(event, old.invitation.profile, by=event.host)
        new = checkout(event, old.invitation)
    old.refresh_from_db()
    assert new.pk != old.pk
    assert (old.status, new.status) == (Status.ABANDONED, Status.PENDING)


def test_a_payment_arriving_after_the_event_was_cancelled_is_refunded_for_that_reason(task_queue):
    event = EventFactory(fee_cents=1500, min_participants=1)
    payment = checkout(event)
    events.cancel_event(event, by=event.host, reason="Storm.")
    local.pay(payment)  # paid on the Checkout page before it closed
    task_queue.run_here()
    payment.refresh_from_db()
    assert payment.status == Status.REFUNDED and not payment.seat_lost
    assert payment.refund_reason == services.EVENT_CANCELLED
    refund_email = [m for m in task_queue.outbox() if m.subject.startswith("[Momento] Refunded")]
    assert len(refund_email) == 1 and "filled up" not in refund_email[0].body


def test_a_member_is_told_7_days_before_premium_renews_once_per_period(user, task_queue):
    subscription = subscribe(user, task_queue, plan="monthly")
    renews = subscription.current_period_end
    assert services.remind_renewals(now=renews - datetime.timedelta(days=8)) == 0
    assert services.remind_renewals(now=renews - datetime.timedelta(days=6)) == 1
    assert services.remind_renewals(now=renews - datetime.timedelta(days=5)) == 0
    assert f"Your premium plan renews on {renews:%-d %B}" in subjects(task_queue)
    # The next period is told again.
    Subscription.objects.filter(pk=subscription.pk).update(
        current_period_end=renews + datetime.timedelta(days=30)
    )
    assert services.remind_renewals(now=renews + datetime.timedelta(days=24)) == 1
    # A cancelled plan does not renew: nothing to tell.
    Subscription.objects.filter(pk=subscription.pk).update(
        status=Subscription.Status.CANCELLED,
        current_period_end=renews + datetime.timedelta(days=60),
    )
    assert services.remind_renewals(now=renews + datetime.timedelta(days=54)) == 0


def test_a_failed_renewal_charge_is_told_once_and_a_later_success_is_not_a_failure(
    user, task_queue
):
    subscription = subscribe(user, task_queue)
    invoice = {
        "id": "in_test_renewal",
        "subscription": subscription.stripe_subscription_id,
        "amount_due": 900,
        "amount_paid": 900,
        "currency": "eur",
        "parent": {"subscription_details": {"metadata": {"user_id": str(user.pk)}}},
    }
    services.record_invoice(invoice, paid=False)
    services.record_invoice(invoice, paid=False)  # the same event again
    services.record_invoice(invoice, paid=True)  # Stripe's retry worked
    failed = [s for s in subjects(task_queue) if "did not go through" in s]
    assert failed == ["Your premium payment did not go through"]
    assert SubscriptionPayment.objects.get(stripe_invoice_id="in_test_renewal").status == "paid"
