"""A person signs up, confirms their email and logs in, in a real headless Chromium."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.accounts.helpers import link_in
from tests.browser.helpers import sign_up

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-Passphrase-42"


def test_sign_up_confirm_email_and_log_in(page: Page, live_server, task_queue):
    page.goto(live_server.url)
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Sign up").click()

    sign_up(page, email="browser.person@example.com", username="browserperson", password=PASSWORD)

    [message] = task_queue.outbox()
    page.goto(link_in(message))
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Hello, browserperson")).to_be_visible()

    nav.get_by_role("button", name="Log out").click()
    nav.get_by_role("link", name="Log in").click()
    page.get_by_label("Email").fill("browser.person@example.com")
    page.get_by_label("Password").fill("wrong-password")
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_text(re.compile("password you specified are not correct"))).to_be_visible()

    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="Hello, browserperson")).to_be_visible()
