"""Two people in two browsers: a message sent by one appears for the other without a reload,
and then the sender sees "Seen"; a board post appears for the other guests the same way."""

import pytest
from playwright.sync_api import Browser, Page, expect

from accounts.factories import DEFAULT_PASSWORD
from events.factories import EventFactory, InvitationFactory
from profiles.factories import FollowFactory, HostProfileFactory, SocialProfileFactory
from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WAIT = 15_000  # ms: the polls run every 4 to 5 seconds


def _person(name):
    profile = SocialProfileFactory(first_name=name.title(), user__username=name)
    return profile


def _browser_of(browser: Browser, live_server, profile) -> Page:
    page = browser.new_context().new_page()
    log_in(page, live_server.url, email=profile.user.email, password=DEFAULT_PASSWORD)
    return page


def test_a_message_appears_for_the_other_without_reload_and_then_shows_seen(
    page: Page, browser: Browser, live_server
):
    ana, bo = _person("ana"), _person("bo")
    FollowFactory(follower=ana, followed=bo, accepted=True)
    log_in(page, live_server.url, email=ana.user.email, password=DEFAULT_PASSWORD)
    page.goto(f"{live_server.url}/people/bo/")
    page.get_by_role("button", name="Message").click()
    expect(page.get_by_role("heading", name="Bo")).to_be_visible()
    conversation_url = page.url

    other = _browser_of(browser, live_server, bo)
    other.goto(conversation_url)
    expect(other.get_by_text("No messages yet")).to_be_visible()
    other.wait_for_function("() => window.htmx !== undefined")
    page.wait_for_function("() => window.htmx !== undefined")

    page.get_by_label("Your message").fill("Coffee on Saturday?")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_label("Your message")).to_have_value("", timeout=WAIT)
    expect(page.locator("#thread-messages")).to_contain_text("Coffee on Saturday?", timeout=WAIT)
    expect(other.locator("#thread-messages")).to_contain_text("Coffee on Saturday?", timeout=WAIT)
    assert other.url == conversation_url  # no reload, no navigation
    expect(page.locator("#thread-status")).to_have_text("Seen", timeout=WAIT)


def test_a_board_post_appears_for_the_other_guests_without_reload(
    page: Page, browser: Browser, live_server
):
    host, guest = _person("hosta"), _person("gus")
    event = EventFactory(host=HostProfileFactory(user=host.user))
    InvitationFactory(event=event, profile=guest, confirmed=True)
    board_url = f"{live_server.url}/events/{event.pk}/board/"
    log_in(page, live_server.url, email=guest.user.email, password=DEFAULT_PASSWORD)
    page.goto(board_url)
    other = _browser_of(browser, live_server, host)
    other.goto(board_url)
    expect(other.get_by_text("No posts yet")).to_be_visible()
    page.wait_for_function("() => window.htmx !== undefined")
    other.wait_for_function("() => window.htmx !== undefined")

    page.get_by_label("Your post").fill("Is there a lift?")
    page.get_by_role("button", name="Post").click()
    expect(page.locator("#board-posts")).to_contain_text("Is there a lift?", timeout=WAIT)
    mine = page.locator("#board-posts li").filter(has_text="Is there a lift?")
    expect(mine).to_contain_text("Attendee")
    expect(mine).to_contain_text("(you)")
    theirs = other.locator("#board-posts li").filter(has_text="Is there a lift?")
    expect(theirs).to_contain_text("Attendee", timeout=WAIT)
    expect(theirs).not_to_contain_text("Gus")
    expect(other.get_by_text("No posts yet")).to_have_count(0)
    assert page.locator("#board-posts li").count() == 1  # shown once, not twice
