"""Notifications in a real headless Chromium on a phone-sized screen: the badge in the
navigation counts what is new, the centre lists it, opening one goes to what it is about and
marks it read, "Mark all read" empties the badge, and a switch on the email page sticks."""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page, expect

from accounts import services as accounts
from accounts.factories import UserFactory
from events import services
from events.factories import EventFactory
from profiles import services as profiles
from profiles.factories import HostProfileFactory, profile_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _signed_in(page: Page, base_url: str, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base_url}])


def test_a_member_reads_her_notifications_from_the_badge_on_a_phone(page: Page, live_server):
    page.set_viewport_size({"width": 390, "height": 844})
    host = HostProfileFactory(user=UserFactory(username="hugo"), host_name="Hugo's table")
    hugo = profile_of(host.user, first_name="Hugo")
    ana = profile_of(UserFactory(username="ana"), first_name="Ana")
    services.invite(EventFactory(host=host, title="Picnic by the river"), ana, by=host)
    profiles.request_follow(hugo, ana)
    _signed_in(page, live_server.url, ana.user)

    page.goto(live_server.url + "/events/")
    badge = page.locator("#notification-badge")
    expect(badge).to_have_text("2 unread")  # loaded by htmx after the page
    page.get_by_role("link", name="Notifications 2 unread").click()

    expect(page.get_by_role("heading", name="Notifications")).to_be_visible()
    items = page.locator(".notification-list li")
    expect(items).to_have_count(2)
    expect(items.first).to_contain_text("Hugo would like to follow you")
    expect(page.locator(".notification.unread")).to_have_count(2)

    page.get_by_role("link", name="New Hugo's table invited you: Picnic by the river").click()
    expect(page.get_by_role("heading", name="Your invitations")).to_be_visible()
    expect(page.locator("#notification-badge")).to_have_text("1 unread")

    page.goto(live_server.url + "/notifications/")
    expect(page.locator(".notification.unread")).to_have_count(1)
    page.get_by_role("button", name="Mark all read").click()
    expect(page.get_by_text("All your notifications are marked read.")).to_be_visible()
    expect(page.locator(".notification.unread")).to_have_count(0)
    expect(page.locator("#notification-badge")).to_have_text("")

    page.get_by_role("link", name="Choose which emails you get").click()
    page.get_by_label("Someone asks to follow you").uncheck()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your email choices are saved.")).to_be_visible()
    expect(page.get_by_label("Someone asks to follow you")).not_to_be_checked()
    expect(page.get_by_label("A host invites you")).to_be_checked()
    from accounts.notifications import KINDS

    assert not accounts.wants_email(ana.user, KINDS["follow_request"])
