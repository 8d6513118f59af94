"""The console's money pages: lists that filter, search and cost the same queries for 2 and 20
rows; rows nobody edits there; and the refund action, which goes through the service."""

from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from accounts.factories import UserFactory
from events.factories import InvitationFactory
from events.models import Invitation
from payments.factories import PaymentFactory, SubscriptionFactory
from payments.models import Payment, Subscription, SubscriptionPayment, WebhookEvent
from payments.services import BY_STAFF
from tests.harness.checkers import validate_html
from tests.queries import assert_same_queries_for_few_and_many

pytestmark = pytest.mark.django_db
Status = Payment.Status


def make_payments(n: int) -> None:
    """n paid booking fees, which the filters and search find, and one pending, which they don't."""
    for _ in range(n):
        PaymentFactory(status=Status.CAPTURED, invitation__event__title="Paid supper")
    PaymentFactory(invitation__event__title="Unpaid lunch")


def make_subscriptions(n: int) -> None:
    SubscriptionFactory.create_batch(n, plan="yearly")
    SubscriptionFactory(status=Subscription.Status.ENDED)


def _invoice(status: str) -> SubscriptionPayment:
    subscription = SubscriptionFactory()
    return SubscriptionPayment.objects.create(
        subscription=subscription,
        user=subscription.user,
        amount_cents=900,
        currency="EUR",
        status=status,
        stripe_invoice_id=f"in_test_{subscription.stripe_subscription_id}",
    )


def make_invoices(n: int) -> None:
    for _ in range(n):
        _invoice(SubscriptionPayment.Status.PAID)
    _invoice(SubscriptionPayment.Status.FAILED)


def make_webhook_events(n: int) -> None:
    start = WebhookEvent.objects.count()
    for i in range(start, start + n):
        WebhookEvent.objects.create(
            stripe_event_id=f"evt_test_{i:06d}",
            type="charge.refunded",
            payload={"data": {"object": {}}},
            processed_at=timezone.now(),
        )
    WebhookEvent.objects.create(
        stripe_event_id=f"evt_test_{start + n:06d}x", type="invoice.paid", payload={}
    )


# The changelist's URL name, a query that filters and searches, and rows that it finds.
LISTS = {
    "payment": (
        {"status__exact": "captured", "capture_later__exact": "0", "q": "Paid supper"},
        make_payments,
    ),
    "subscription": (
        {"status__exact": "active", "plan__exact": "yearly", "q": "sub_test"},
        make_subscriptions,
    ),
    "subscriptionpayment": (
        {"status__exact": "paid", "currency__exact": "EUR", "q": "in_test"},
        make_invoices,
    ),
    "webhookevent": (
        {"type": "charge.refunded", "processed_at__isempty": "0", "q": "evt_test"},
        make_webhook_events,
    ),
}


@pytest.mark.parametrize("model", LISTS)
def test_staff_filter_and_search_money_lists_for_the_same_queries_with_2_and_20_rows(
    client, staff, model, django_assert_num_queries
):
    query, make = LISTS[model]
    client.force_login(staff)
    url = reverse(f"admin:payments_{model}_changelist")
    assert client.get(url).status_code == 200  # unfiltered, with nothing in it

    filtered = f"{url}?{urlencode(query)}"
    assert_same_queries_for_few_and_many(
        client, filtered, make=make, assert_num_queries=django_assert_num_queries
    )
    response = client.get(filtered)
    assert response.context["cl"].result_count == 20  # the filters and search found each one
    assert response.context["cl"].full_result_count == 22


def _one(model: str):
    if model == "payment":
        return PaymentFactory(status=Status.CAPTURED)
    if model == "subscription":
        return SubscriptionFactory()
    if model == "subscriptionpayment":
        return _invoice(SubscriptionPayment.Status.PAID)
    make_webhook_events(1)
    return WebhookEvent.objects.first()


@pytest.mark.parametrize("model", LISTS)
def test_money_rows_are_read_only_in_the_console(client, staff, model):
    """Stripe and its webhooks write these rows: staff look, and add, change or delete none."""
    row = _one(model)
    before = {f.name: getattr(row, f.attname) for f in type(row)._meta.concrete_fields}
    client.force_login(staff)

    changelist = client.get(reverse(f"admin:payments_{model}_changelist"))
    assert changelist.status_code == 200
    assert reverse(f"admin:payments_{model}_add") not in changelist.text
    assert "delete_selected" not in changelist.text
    assert client.get(reverse(f"admin:payments_{model}_add")).status_code == 403

    change_url = reverse(f"admin:payments_{model}_change", args=[row.pk])
    page = client.get(change_url)
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    assert 'name="_save"' not in page.text
    assert client.post(change_url, {"status": "refunded", "_save": "1"}).status_code == 403

    delete_url = reverse(f"admin:payments_{model}_delete", args=[row.pk])
    assert client.get(delete_url).status_code == 403
    assert client.post(delete_url, {"post": "yes"}).status_code == 403

    row.refresh_from_db()
    assert {f.name: getattr(row, f.attname) for f in type(row)._meta.concrete_fields} == before


def test_the_console_shows_the_stripe_ids_of_a_payment(client, staff):
    payment = PaymentFactory(
        status=Status.CAPTURED, stripe_payment_intent_id="pi_test_seen", stripe_charge_id="ch_x1"
    )
    client.force_login(staff)
    page = client.get(reverse("admin:payments_payment_change", args=[payment.pk]))
    assert "pi_test_seen" in page.text and payment.stripe_checkout_session_id in page.text


CONFIRMATION = "admin/payments/payment/refund_confirmation.html"


def ask_to_refund(client, *payments):
    """Choose the console's refund action for these payments: the confirmation page."""
    return client.post(
        reverse("admin:payments_payment_changelist"),
        {"action": "refund", "_selected_action": [p.pk for p in payments]},
    )


def refund(client, *payments) -> list[str]:
    """Run the console's refund action on these payments, confirmed; the messages it shows."""
    response = client.post(
        reverse("admin:payments_payment_changelist"),
        {"action": "refund", "_selected_action": [p.pk for p in payments], "post": "yes"},
        follow=True,
    )
    assert response.status_code == 200
    return [message.message for message in response.context["messages"]]


def test_the_refund_action_first_asks_and_refunds_nothing(client, staff, task_queue):
    paid = PaymentFactory(status=Status.CAPTURED, amount_cents=1500, currency="EUR")
    authorised = PaymentFactory(status=Status.AUTHORIZED, amount_cents=2000, currency="EUR")
    pending = PaymentFactory(amount_cents=900)
    client.force_login(staff)

    page = ask_to_refund(client, paid, authorised, pending)

    assert page.status_code == 200
    assert page.templates[0].name == CONFIRMATION
    assert {p.pk for p in page.context["refundable"]} == {paid.pk, authorised.pk}
    assert "Total to give back: <strong>€35.00</strong>" in page.text
    for payment in (paid, authorised, pending):
        assert payment.event.title in page.text and payment.amount_display in page.text
        assert f'name="_selected_action" value="{payment.pk}"' in page.text
    assert 'name="post" value="yes"' in page.text and 'value="Yes, refund €35.00"' in page.text
    for payment, status in [(paid, Status.CAPTURED), (authorised, Status.AUTHORIZED)]:
        payment.refresh_from_db()
        assert (payment.status, payment.refund_reason) == (status, "")
    assert task_queue.jobs == []  # nothing asked of Stripe either
    assert validate_html({"confirmation": page.text}) == {}


def test_a_confirmation_with_nothing_to_refund_offers_no_button(client, staff):
    client.force_login(staff)
    page = ask_to_refund(client, PaymentFactory())
    assert "None of the selected payments can be refunded" in page.text
    assert 'type="submit"' not in page.text.split('id="refund-payments"')[1]


def test_staff_refund_a_paid_booking_fee_through_the_service(client, staff, task_queue):
    invitation = InvitationFactory(confirmed=True, event__fee_cents=1500)
    payment = PaymentFactory(invitation=invitation, status=Status.CAPTURED)
    client.force_login(staff)

    assert refund(client, payment) == ["1 refunded."]
    task_queue.run_here()  # the refund's webhook arrives, and changes nothing more
    payment.refresh_from_db()
    assert payment.status == Status.REFUNDED
    assert payment.refund_reason == BY_STAFF  # what only refund_by_staff writes
    assert payment.stripe_refund_id.startswith("re_local_")
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.CONFIRMED  # only money: the seat stays
    sent = task_queue.outbox()
    assert [m.to for m in sent] == [[payment.user.email]]
    assert "Refunded" in sent[0].subject


def test_refunding_a_pending_payment_reports_an_error_and_changes_nothing(client, staff):
    pending = PaymentFactory()
    paid = PaymentFactory(status=Status.CAPTURED)
    client.force_login(staff)

    shown = refund(client, pending, paid)

    assert shown == [
        f"{pending}: Only an authorised or paid payment can be refunded.",
        "1 refunded.",
    ]
    pending.refresh_from_db()
    assert (pending.status, pending.refund_reason, pending.stripe_refund_id) == (
        Status.PENDING,
        "",
        "",
    )
    paid.refresh_from_db()
    assert paid.status == Status.REFUNDED
    assert refund(client, pending) == [  # alone: an error, and no success to report
        f"{pending}: Only an authorised or paid payment can be refunded."
    ]


def test_staff_who_may_only_view_payments_cannot_refund_them(client):
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_payment"))
    paid = PaymentFactory(status=Status.CAPTURED)
    client.force_login(viewer)
    changelist = client.get(reverse("admin:payments_payment_changelist"))
    assert changelist.status_code == 200
    assert 'value="refund"' not in changelist.text

    refund(client, paid)  # confirmed, as if the page had been shown
    page = ask_to_refund(client, paid)
    assert page.status_code == 200  # the list again: no such action for them, no question
    assert CONFIRMATION not in [template.name for template in page.templates]

    paid.refresh_from_db()
    assert paid.status == Status.CAPTURED
    assert paid.refund_reason == ""
