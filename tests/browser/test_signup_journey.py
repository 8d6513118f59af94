"""A person signs up, confirms their email, sets up their profile and logs in, in a real
headless Chromium."""

import re

import pytest
from playwright.sync_api import Page, expect

from profiles.factories import CityFactory, InterestFactory, jpeg_bytes
from tests.accounts.helpers import link_in
from tests.browser.helpers import sign_up

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-Passphrase-42"


def test_sign_up_confirm_email_set_up_the_profile_and_log_in(page: Page, live_server, task_queue):
    InterestFactory(name="Hiking")
    CityFactory(name="Paris", country="France")
    page.goto(live_server.url)
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Sign up").click()

    sign_up(page, email="browser.person@example.com", username="browserperson", password=PASSWORD)

    [message] = task_queue.outbox()
    page.goto(link_in(message))
    page.get_by_role("button", name="Confirm").click()

    # Onboarding: four steps, each of which could be skipped.
    expect(page.get_by_role("heading", name="About you")).to_be_visible()
    page.get_by_label("First name").fill("Brook")
    page.get_by_label("Bio").fill("Walks, jazz and long dinners.")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name="Photos")).to_be_visible()
    page.get_by_label("Add a photo").set_input_files(
        {"name": "me.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}
    )
    page.get_by_role("button", name="Upload photo").click()
    expect(page.get_by_role("img", name="Your photo 1")).to_be_visible()
    page.get_by_role("link", name="Continue").click()
    page.get_by_label("Hiking").check()
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_label("City").select_option(label="Paris, France")
    page.get_by_role("button", name="Add city").click()
    expect(page.get_by_text("Current", exact=True)).to_be_visible()
    page.get_by_role("link", name="Continue").click()
    page.get_by_role("button", name="Finish").click()
    expect(page.get_by_role("heading", name="Hello, Brook")).to_be_visible()

    nav.get_by_role("link", name="Profile").click()
    expect(page.get_by_role("heading", name="Brook")).to_be_visible()
    expect(page.get_by_role("img", name="Photo 1 of Brook")).to_be_visible()
    expect(page.get_by_text("Hiking")).to_be_visible()

    nav.get_by_role("button", name="Log out").click()
    nav.get_by_role("link", name="Log in").click()
    page.get_by_label("Email").fill("browser.person@example.com")
    page.get_by_label("Password").fill("wrong-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text(re.compile("password you specified are not correct"))).to_be_visible()

    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Hello, Brook")).to_be_visible()
