"""The site works by keyboard alone, and its forms work with JavaScript turned off."""

import pytest
from playwright.sync_api import Browser, Page, expect

from accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.accounts.helpers import link_in
from tests.browser.helpers import sign_up

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def tab_to(page: Page, selector: str, limit: int = 30) -> None:
    """Press Tab until the element matching `selector` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_log_in_and_out_with_the_keyboard_alone(page: Page, live_server):
    UserFactory(username="kiran", email="kiran@example.com")
    page.goto(live_server.url)

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    page.goto(live_server.url)
    tab_to(page, "a[href='/accounts/login/']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/accounts/login/")
    tab_to(page, "input[name=login]")
    page.keyboard.type("kiran@example.com")
    tab_to(page, "input[name=password]")
    page.keyboard.type(DEFAULT_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Hello, kiran")).to_be_visible()

    tab_to(page, "button.link-button")
    page.keyboard.press("Enter")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Log in")).to_be_visible()


def test_sign_up_log_out_and_log_in_without_javascript(browser: Browser, live_server, task_queue):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/signup/")
    sign_up(page, email="nojs@example.com", username="nojs", password="a-long-Passphrase-42")

    [message] = task_queue.outbox()
    page.goto(link_in(message))
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="About you")).to_be_visible()
    page.get_by_role("link", name="Finish later").click()
    expect(page.get_by_role("heading", name="Hello, nojs")).to_be_visible()

    page.get_by_role("button", name="Log out").click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Log in").click()
    page.get_by_label("Email").fill("nojs@example.com")
    page.get_by_label("Password").fill("a-long-Passphrase-42")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Hello, nojs")).to_be_visible()
    context.close()
