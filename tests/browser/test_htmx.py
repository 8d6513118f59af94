"""htmx 2 comes from our own static files and its requests carry the CSRF token."""

import pytest
from playwright.sync_api import Page, expect

from accounts.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_htmx_posts_pass_csrf_protection(page: Page, live_server):
    UserFactory(username="hana", email="hana@example.com")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill("hana@example.com")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Hello, hana")).to_be_visible()

    # htmx loads with `defer`: the heading can be visible before the script has run.
    page.wait_for_function("() => window.htmx !== undefined")
    assert page.evaluate("htmx.version").startswith("2.")
    # Log-out is a CSRF-protected POST; htmx sends the token from <body data-hx-headers>.
    status = page.evaluate(
        """() => new Promise(resolve => {
            document.body.addEventListener('htmx:afterRequest',
                event => resolve(event.detail.xhr.status), {once: true});
            htmx.ajax('POST', '/accounts/logout/', {target: '#main', swap: 'none'});
        })"""
    )
    assert status in (200, 302)
    page.reload()
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Log in")
    ).to_be_visible()
