"""Money in the local test mode (no Stripe keys): a guest pays a booking fee on the test checkout
and the status page turns to "Paid" by itself once the worker has processed Stripe's events; a
declined card is tried again; a member goes premium, sees who liked them and cancels at the
period's end. In a real headless Chromium; every page the server sends is audited.

The test checkout records signed Stripe events and queues their processing: the status pages
wait until `task_queue.run()` (the worker, in a thread) has processed them."""

import datetime
import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from accounts.factories import UserFactory
from events import services
from events.factories import EventFactory
from payments.models import Payment, Subscription
from profiles import services as profile_services
from profiles.factories import CityFactory, HostProfileFactory, profile_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Market to table"


@pytest.fixture
def open_page(browser: Browser, audit):
    """A page in a fresh browser context, for one more person (see test_event_journey.py)."""
    contexts = []

    def open_page() -> Page:
        context = browser.new_context()
        contexts.append(context)
        page = context.new_page()
        audit.listen(page)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def paid_event():
    """A paid event more than a week away: the fee is charged at once, not only authorised."""
    host = HostProfileFactory(user=UserFactory(username="hugo"), host_name="Hugo's table")
    profile_of(host.user, first_name="Hugo")
    return EventFactory(
        host=host,
        title=TITLE,
        city=CityFactory(name="Paris"),
        starts_at=timezone.now() + datetime.timedelta(days=10),
        fee_cents=1500,
    )


def _invited(event, username: str, first_name: str):
    profile = profile_of(UserFactory(username=username), first_name=first_name)
    services.invite(event, profile, by=event.host)
    return profile


def _open_as(page: Page, base_url: str, user, path: str) -> None:
    """Open `path` logged in as `user`, through a session cookie: logging in is the sign-up
    journey's subject, and two pages fewer to audit per person keep these journeys quick."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base_url}])
    page.goto(base_url + path)


def _accept_from_invitations(page: Page) -> None:
    expect(page.get_by_role("heading", name="Your invitations")).to_be_visible()
    page.get_by_role("button", name=f"Accept the invitation to {TITLE}").click()
    expect(page.get_by_role("heading", name="Test checkout")).to_be_visible()
    expect(page.get_by_role("note").get_by_text("Test mode.")).to_be_visible()
    expect(page.get_by_text(f"Booking fee for {TITLE}: €15.00.")).to_be_visible()


def _mark_page(page: Page) -> None:
    """A flag in the window that a reload would clear: what follows must happen in place."""
    page.evaluate("window.stillThisPage = true")


def _same_page(page: Page) -> bool:
    return page.evaluate("window.stillThisPage === true")


def test_guest_pays_the_booking_fee_and_the_status_page_turns_to_paid_by_itself(
    page: Page, open_page, live_server, task_queue, paid_event
):
    ana = _invited(paid_event, "ana", "Ana")

    _open_as(page, live_server.url, ana.user, reverse("events:my-invitations"))
    _accept_from_invitations(page)
    page.get_by_role("button", name="Pay", exact=True).click()

    expect(page.get_by_role("heading", name=f"Your booking fee for {TITLE}")).to_be_visible()
    status = page.locator("#payment-status")
    expect(status).to_contain_text("Waiting for the payment service to confirm")
    _mark_page(page)
    task_queue.run()  # the worker processes Stripe's events
    expect(status).to_have_text("Paid: €15.00. Your seat is booked.", timeout=8000)
    assert _same_page(page), "the status updated without a reload"

    hugo = open_page()
    _open_as(
        hugo, live_server.url, paid_event.host.user, reverse("events:guests", args=[paid_event.pk])
    )
    expect(hugo.get_by_role("heading", name="Booking fees")).to_be_visible()
    fees = hugo.locator("dl.money")
    expect(fees.get_by_role("definition")).to_have_text(["€15.00", "€0.00", "€0.00"])
    invitations = hugo.get_by_role("table", name="Every invitation and its status")
    expect(invitations.get_by_role("row", name=re.compile(r"^Ana Confirmed"))).to_be_visible()


def test_a_declined_card_is_shown_and_the_guest_pays_on_a_second_try(
    page: Page, live_server, task_queue, paid_event
):
    ana = _invited(paid_event, "ana", "Ana")

    _open_as(page, live_server.url, ana.user, reverse("events:my-invitations"))
    _accept_from_invitations(page)
    page.get_by_role("button", name="Decline the card").click()
    status = page.locator("#payment-status")
    expect(status).to_contain_text("Waiting for the payment service to confirm")
    task_queue.run()
    expect(status).to_have_text(
        "Your payment did not go through: Your card was declined. You can try again from your "
        "invitations while a seat is free.",
        timeout=8000,
    )

    page.get_by_role("link", name="Your invitations").click()
    _accept_from_invitations(page)
    page.get_by_role("button", name="Pay", exact=True).click()
    task_queue.run()
    expect(status).to_have_text("Paid: €15.00. Your seat is booked.", timeout=8000)
    statuses = Payment.objects.order_by("created_at").values_list("status", flat=True)
    assert list(statuses) == [Payment.Status.FAILED, Payment.Status.CAPTURED]


def test_member_goes_premium_sees_who_liked_them_and_cancels_at_the_period_end(
    page: Page, live_server, task_queue
):
    mia = profile_of(UserFactory(username="mia"), first_name="Mia")
    noah = profile_of(UserFactory(username="noah"), first_name="Noah")
    profile_services.like(noah, mia)

    # Mia sees that someone likes her, but not who.
    _open_as(page, live_server.url, mia.user, reverse("profiles:liked-me"))
    expect(
        page.get_by_text("1 person likes your profile. Premium members see who.")
    ).to_be_visible()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Premium").click()
    expect(page.get_by_role("heading", name="Momento Premium")).to_be_visible()
    page.get_by_role("button", name="Go monthly with Momento Premium").click()
    expect(page.get_by_role("heading", name="Test checkout")).to_be_visible()
    expect(page.get_by_role("note").get_by_text("Test mode.")).to_be_visible()
    expect(page.get_by_text("Momento Premium, monthly: €9.00 a month.")).to_be_visible()
    page.get_by_role("button", name="Pay", exact=True).click()

    status = page.locator("#welcome-status")
    expect(status).to_contain_text("Waiting for the payment service to confirm your plan")
    _mark_page(page)
    task_queue.run()
    expect(status).to_contain_text("Your monthly plan is active.", timeout=8000)
    assert _same_page(page), "the welcome page updated without a reload"
    page.get_by_role("link", name="See who liked you").click()
    expect(page.get_by_role("heading", name="Who liked you")).to_be_visible()
    expect(page.get_by_role("link", name="Noah")).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Premium").click()
    page.get_by_role("button", name="Change or cancel your plan").click()
    expect(page.get_by_role("heading", name="Test billing portal")).to_be_visible()
    page.get_by_role("button", name="Cancel at the end of the period").click()
    expect(page.get_by_text("Your plan is updated. It may take a moment to show.")).to_be_visible()
    task_queue.run()
    page.reload()
    ends = timezone.localtime(Subscription.objects.get().current_period_end)
    expect(
        page.get_by_text(f"Monthly plan, cancelled: premium until {ends:%-d %B %Y}.")
    ).to_be_visible()
