"""Two people find each other: browse by city, like (htmx), follow and accept, become a host,
and block, in a real headless Chromium."""

import pytest
from playwright.sync_api import Browser, expect

from accounts.factories import DEFAULT_PASSWORD, UserFactory
from profiles import services
from profiles.factories import CityFactory, add_photo, profile_of
from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _person(username: str, first_name: str, city):
    profile = profile_of(UserFactory(username=username), first_name=first_name, bio="Hello!")
    services.add_city(profile, city)
    add_photo(profile)
    services.finish_onboarding(profile)
    return profile


def test_people_find_like_follow_host_and_block(browser: Browser, live_server):
    paris, lyon = CityFactory(name="Paris"), CityFactory(name="Lyon")
    ana = _person("ana", "Ana", paris)
    _person("ben", "Ben", paris)
    _person("lou", "Lou", lyon)

    ben_page = browser.new_context().new_page()
    log_in(ben_page, live_server.url, email="ben@example.com", password=DEFAULT_PASSWORD)
    ben_page.get_by_role("navigation", name="Main").get_by_role("link", name="People").click()
    ben_page.get_by_label("City").select_option(label="Paris, France")
    ben_page.get_by_role("button", name="Filter").click()
    people = ben_page.get_by_role("list").filter(has=ben_page.get_by_role("link", name="Ana"))
    expect(people.get_by_role("link", name="Lou")).to_have_count(0)
    people.get_by_role("link", name="Ana").click()

    like = ben_page.get_by_role("button", name="Like Ana")
    like.click()  # htmx swaps the button in place
    expect(ben_page.get_by_role("button", name="Liked Ana")).to_have_attribute(
        "aria-pressed", "true"
    )
    ben_page.get_by_role("button", name="Follow").click()
    expect(ben_page.get_by_text("You asked to follow Ana.")).to_be_visible()
    expect(ben_page.get_by_role("button", name="Cancel follow request")).to_be_visible()

    ana_page = browser.new_context().new_page()
    log_in(ana_page, live_server.url, email="ana@example.com", password=DEFAULT_PASSWORD)
    ana_page.get_by_role("link", name="Follow requests").click()
    ana_page.get_by_role("button", name="Accept Ben").click()
    expect(ana_page.get_by_text("Ben now follows you.")).to_be_visible()

    ana_page.get_by_role("link", name="Momento").click()
    ana_page.get_by_role("link", name="Become a host").click()
    ana_page.get_by_label("Host name").fill("Ana's long table")
    ana_page.get_by_label("About you as a host").fill("Dinners for six in my kitchen.")
    ana_page.get_by_role("button", name="Become a host").click()
    expect(ana_page.get_by_role("heading", name="Ana's long table")).to_be_visible()
    assert ana.user.host_profile.host_name == "Ana's long table"

    ben_page.reload()
    expect(ben_page.get_by_role("button", name="Unfollow")).to_be_visible()
    ben_page.get_by_role("link", name="Block").click()
    ben_page.get_by_role("button", name="Block").click()
    expect(ben_page.get_by_role("heading", name="Blocked people")).to_be_visible()
    expect(ben_page.get_by_text("Ana (@ana)")).to_be_visible()

    ana_page.goto(f"{live_server.url}/people/ben/")
    expect(ana_page.get_by_role("heading", name="Page not found")).to_be_visible()
