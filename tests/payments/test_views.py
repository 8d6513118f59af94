"""The payment pages in the local test mode: from accepting to the page that shows the real
state, the local checkout, leaving it, and premium."""

import datetime

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from events.factories import EventFactory, InvitationFactory
from events.models import Invitation
from payments import stripe_gateway
from payments.factories import PaymentFactory, SubscriptionFactory
from payments.models import Payment, Subscription
from profiles import services as profile_services
from profiles.factories import SocialProfileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def invitation():
    return InvitationFactory(event=EventFactory(fee_cents=1500, min_participants=1))


def accept(client, invitation):
    client.force_login(invitation.profile.user)
    return client.post(reverse("events:accept", args=[invitation.pk]))


def test_accepting_a_paid_invitation_goes_to_the_labelled_test_checkout(client, invitation):
    response = accept(client, invitation)
    payment = Payment.objects.get()
    assert response["Location"] == payment.checkout_url
    page = client.get(payment.checkout_url)
    assert page.status_code == 200
    assert "Test mode." in page.text and "€15.00" in page.text
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.HELD


def test_asking_for_a_seat_on_a_public_paid_event_goes_to_checkout(client):
    event = EventFactory(fee_cents=800, is_private=False)
    client.force_login(SocialProfileFactory().user)
    response = client.post(reverse("events:ask", args=[event.pk]))
    assert response["Location"] == Payment.objects.get().checkout_url


def test_paying_shows_the_real_state_which_polls_until_the_webhook_arrived(
    client, invitation, task_queue
):
    accept(client, invitation)
    payment = Payment.objects.get()
    response = client.post(payment.checkout_url, {"action": "pay"})
    assert response["Location"] == reverse("payments:payment", args=[payment.pk])

    waiting = client.get(response["Location"])
    assert "Waiting for the payment service" in waiting.text
    assert 'hx-trigger="every 2s"' in waiting.text

    task_queue.run_here()
    fragment = client.get(response["Location"], headers={"HX-Request": "true"})
    assert "Paid: €15.00" in fragment.text
    assert "hx-trigger" not in fragment.text and "<html" not in fragment.text


def test_a_declined_card_says_so_and_the_invitation_offers_a_retry(client, invitation, task_queue):
    accept(client, invitation)
    payment = Payment.objects.get()
    client.post(payment.checkout_url, {"action": "decline"})
    task_queue.run_here()
    page = client.get(reverse("payments:payment", args=[payment.pk]))
    assert "Your card was declined." in page.text
    invitations = client.get(reverse("events:my-invitations"))
    assert "Accept" in invitations.text
    retry = accept(client, invitation)
    assert retry["Location"] == Payment.objects.get(status="pending").checkout_url


def test_leaving_checkout_releases_the_seat(client, invitation):
    accept(client, invitation)
    payment = Payment.objects.get()
    response = client.post(payment.checkout_url, {"action": "abandon"}, follow=True)
    assert "the seat was released" in response.text
    payment.refresh_from_db()
    invitation.refresh_from_db()
    assert (payment.status, invitation.status) == (Payment.Status.ABANDONED, "sent")


def test_a_held_seat_can_go_back_to_checkout_from_the_invitations(client, invitation):
    accept(client, invitation)
    page = client.get(reverse("events:my-invitations"))
    assert "Pay the €15.00 booking fee" in page.text
    response = client.post(reverse("payments:checkout", args=[invitation.pk]))
    assert response["Location"] == Payment.objects.get().checkout_url


def test_checkout_for_a_seat_no_longer_held_explains(client, invitation):
    client.force_login(invitation.profile.user)
    response = client.post(reverse("payments:checkout", args=[invitation.pk]), follow=True)
    assert "Your seat is no longer held" in response.text
    assert not Payment.objects.exists()


def test_other_peoples_payments_and_checkouts_are_404(client, invitation):
    payment = PaymentFactory(invitation=InvitationFactory(held=True, event=invitation.event))
    client.force_login(invitation.profile.user)
    token = signing.dumps(
        {"mode": "payment", "session": "cs_x", "payment": str(payment.pk)},
        salt=stripe_gateway.LOCAL_SALT,
    )
    assert client.get(reverse("payments:payment", args=[payment.pk])).status_code == 404
    assert client.get(reverse("payments:cancelled", args=[payment.pk])).status_code == 404
    assert client.get(reverse("payments:local-checkout", args=[token])).status_code == 404
    assert client.get(reverse("payments:local-checkout", args=["forged"])).status_code == 404
    assert (
        client.post(reverse("payments:checkout", args=[payment.invitation.pk])).status_code == 404
    )
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING


def test_the_test_mode_pages_do_not_exist_with_stripe_keys(client, user, settings):
    settings.STRIPE_SECRET_KEY = "sk_test_configured"
    client.force_login(user)
    assert client.get(reverse("payments:local-portal")).status_code == 404
    pricing = client.get(reverse("payments:pricing"))
    assert "Test mode." not in pricing.text


# Premium ---------------------------------------------------------------------------------------


def test_pricing_lists_perks_and_plans_and_subscribing_reaches_the_welcome(
    client, user, task_queue
):
    client.force_login(user)
    pricing = client.get(reverse("payments:pricing"))
    assert "See who liked you" in pricing.text and "€9.00" in pricing.text
    assert "€90.00" in pricing.text and "Test mode." in pricing.text
    checkout = client.post(reverse("payments:subscribe"), {"plan": "monthly"})["Location"]
    assert client.post(checkout, {"action": "pay"})["Location"] == reverse("payments:welcome")
    assert "Waiting for the payment service" in client.get(reverse("payments:welcome")).text
    task_queue.run_here()
    welcome = client.get(reverse("payments:welcome"), headers={"HX-Request": "true"})
    assert "Your monthly plan is active" in welcome.text
    assert "Change or cancel your plan" in client.get(reverse("payments:pricing")).text


def test_a_forged_plan_is_refused_with_a_message(client, user):
    client.force_login(user)
    response = client.post(reverse("payments:subscribe"), {"plan": "forever"}, follow=True)
    assert "Choose the monthly or the yearly plan." in response.text
    assert not Subscription.objects.exists()


def test_the_local_portal_cancels_at_the_period_end(client, user, task_queue):
    user.payment_customer_id = "cus_local_x"
    user.save(update_fields=["payment_customer_id"])
    subscription = SubscriptionFactory(
        user=user, current_period_end=timezone.now() + datetime.timedelta(days=20)
    )
    client.force_login(user)
    portal = client.post(reverse("payments:manage"))["Location"]
    assert portal == reverse("payments:local-portal")
    assert "Cancel at the end of the period" in client.get(portal).text
    client.post(portal, {"action": "cancel"})
    task_queue.run_here()
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.CANCELLED
    assert "premium until" in client.get(reverse("payments:pricing")).text


def test_who_liked_you_is_a_premium_perk(client, user):
    me = user.social_profile
    profile_services.like(SocialProfileFactory(first_name="Zora"), me)
    client.force_login(user)
    page = client.get(reverse("profiles:liked-me"))
    assert "1 person likes your profile" in page.text and "Zora" not in page.text
    SubscriptionFactory(user=user)
    assert "Zora" in client.get(reverse("profiles:liked-me")).text


def test_the_host_sees_what_was_charged_authorised_and_refunded(client):
    event = EventFactory(fee_cents=1000)
    PaymentFactory(invitation=InvitationFactory(event=event, held=True), status="captured")
    PaymentFactory(invitation=InvitationFactory(event=event, held=True), status="authorized")
    PaymentFactory(invitation=InvitationFactory(event=event, held=True), status="refunded")
    client.force_login(event.host.user)
    page = client.get(reverse("events:guests", args=[event.pk]))
    assert "Booking fees" in page.text
    assert page.context["money"] == {
        "authorized": 1000,
        "captured": 2000,
        "refunded": 1000,
        "held": 2000,
    }


def test_a_declined_card_can_be_tried_again_on_the_same_test_checkout(
    client, invitation, task_queue
):
    accept(client, invitation)
    payment = Payment.objects.get()
    client.post(payment.checkout_url, {"action": "decline"})
    task_queue.run_here()
    client.post(payment.checkout_url, {"action": "pay"})
    task_queue.run_here()
    payment.refresh_from_db()
    invitation.refresh_from_db()
    assert (payment.status, invitation.status) == (Payment.Status.CAPTURED, "confirmed")
