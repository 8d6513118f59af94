"""The home page as a dashboard: a guest answers invitations from it, in place with htmx (the card
swaps to its new state, no reload), and with plain forms when JavaScript is off. In a real
headless Chromium; every page the server sends is audited."""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, Page, expect

from accounts.factories import UserFactory
from events import services
from events.factories import EventFactory
from profiles.factories import CityFactory, HostProfileFactory, profile_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ADDRESS = "12 rue des Martyrs"


def _invitations():
    """Ana is invited to two free gatherings of Hugo's in Lyon."""
    host = HostProfileFactory(user=UserFactory(username="hugo"), host_name="Hugo's table")
    profile_of(host.user, first_name="Hugo")
    ana = profile_of(UserFactory(username="ana"), first_name="Ana")
    lyon = CityFactory(name="Lyon")
    picnic, brunch = (
        services.invite(EventFactory(host=host, title=title, city=lyon), ana, by=host)
        for title in ("Picnic by the river", "Sunday brunch")
    )
    return ana, picnic, brunch


def _open_home_as(page: Page, base_url: str, user) -> None:
    """Signed in through a session cookie: logging in is the sign-up journey's subject."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base_url}])
    page.goto(base_url + "/")


def test_a_guest_accepts_and_declines_from_the_home_page_in_place(page: Page, live_server):
    ana, picnic, brunch = _invitations()
    _open_home_as(page, live_server.url, ana.user)
    expect(page.get_by_role("heading", name="Invitations waiting for your answer")).to_be_visible()
    expect(page.get_by_text("No seat booked yet.")).to_be_visible()
    page.wait_for_function("() => window.htmx !== undefined")
    page.evaluate("window.stillThisPage = true")

    card = page.locator(f"#invitation-{picnic.pk}")
    card.get_by_role("button", name="Accept the invitation to Picnic by the river").click()
    expect(card.get_by_role("status")).to_have_text("You have a seat at Picnic by the river.")
    expect(card.get_by_text(f"Where: {ADDRESS}, Lyon")).to_be_visible()
    expect(card.get_by_role("button")).to_have_count(0)

    card = page.locator(f"#invitation-{brunch.pk}")
    card.get_by_role("button", name="Decline Sunday brunch").click()
    expect(card.get_by_role("status")).to_have_text("You declined Sunday brunch.")
    assert page.evaluate("window.stillThisPage === true"), "the cards changed without a reload"

    # Seen afresh, the seat is the next event and nothing waits any more.
    page.reload()
    expect(page.get_by_role("heading", name="Nothing waits for your answer")).to_be_visible()
    next_event = page.get_by_role("region", name="Your next event")
    expect(next_event.get_by_role("link", name="Picnic by the river", exact=True)).to_be_visible()
    expect(next_event.get_by_text(f"Where: {ADDRESS}, Lyon")).to_be_visible()


def test_without_javascript_an_answer_comes_back_home_with_a_message(browser: Browser, live_server):
    ana, picnic, _ = _invitations()
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    _open_home_as(page, live_server.url, ana.user)
    page.get_by_role("button", name="Accept the invitation to Picnic by the river").click()
    expect(page.get_by_role("heading", name="Hello, Ana")).to_be_visible()
    expect(page.get_by_text("You have a seat at Picnic by the river.")).to_be_visible()
    next_event = page.get_by_role("region", name="Your next event")
    expect(next_event.get_by_text(f"Where: {ADDRESS}, Lyon")).to_be_visible()
    context.close()
