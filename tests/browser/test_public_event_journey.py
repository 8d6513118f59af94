"""A host shares the link of a public event: someone logged out opens it, sees what it is and how
many go, logs in from the page and comes back to it to ask for a seat. In a real headless
Chromium; every page the server sends is audited (axe, the Nu checker)."""

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.factories import DEFAULT_PASSWORD, UserFactory
from events import services
from events.factories import EventFactory
from profiles.factories import CityFactory, HostProfileFactory, profile_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_shared_public_event_opens_logged_out_and_logging_in_comes_back_to_it(
    page: Page, live_server
):
    host = HostProfileFactory(user=UserFactory(username="hugo"), host_name="Hugo's picnics")
    ana = profile_of(UserFactory(username="ana"), first_name="Ana")
    profile_of(UserFactory(username="cleo", email="cleo@example.com"), first_name="Cleo")
    event = EventFactory(
        host=host,
        title="Canal picnic",
        city=CityFactory(name="Paris"),
        location="Quai de Valmy",
        is_private=False,
        max_participants=4,
    )
    services.accept_invitation(services.invite(event, ana, by=host), by=ana)

    page.goto(f"{live_server.url}{event.get_absolute_url()}")
    expect(page.get_by_role("heading", name="Canal picnic", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Hugo's picnics")).to_be_visible()
    expect(page.get_by_text("2 to 4 guests · 1 going · 3 seats free")).to_be_visible()
    going = page.get_by_role("region", name="Going")
    expect(going.get_by_text("1 guest confirmed.")).to_be_visible()
    expect(going.get_by_role("link", name="Ana")).to_have_count(0)

    page.get_by_role("link", name="Log in to ask for a seat").click()
    page.get_by_label("Email").fill("cleo@example.com")
    page.get_by_label(re.compile(r"^Password:?$")).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{live_server.url}{event.get_absolute_url()}")
    page.get_by_role("button", name="Ask for a seat").click()
    expect(page.get_by_text("You have a seat at Canal picnic.")).to_be_visible()
    going = page.get_by_role("region", name="Going")
    expect(going.get_by_role("link", name="Ana")).to_be_visible()
    expect(going.get_by_role("link", name="Cleo")).to_be_visible()  # oneself among them
