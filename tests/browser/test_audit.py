"""The audit every browser test gets would notice an inaccessible page, invalid HTML or a CSP
violation."""

import urllib.request

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.conftest import Document
from tests.harness.checkers import AXE_JS, validate_html

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BAD_PAGE = """<!DOCTYPE html><html lang="en"><head><title>Bad</title></head><body><main>
<img src="/static/img/favicon.svg"><input type="text"><script>window.inline = 1</script>
<p><div>a block inside a paragraph</div></p></main></body></html>"""


def test_the_audit_captures_pages_and_finds_what_is_wrong_with_one(
    page: Page, browser: Browser, live_server, audit
):
    page.goto(f"{live_server.url}/people/")  # redirects to the log-in page
    assert [d.url for d in audit.documents] == [f"{live_server.url}/accounts/login/?next=/people/"]
    other = browser.new_context().new_page()  # another person's browser
    other.goto(live_server.url)
    assert audit.documents[-1].url == f"{live_server.url}/"
    with urllib.request.urlopen(live_server.url) as response:
        headers = dict(response.headers)  # our real headers, CSP included
    bad = Document(f"{live_server.url}/bad/", "GET", 200, headers, BAD_PAGE)

    context = browser.new_context()
    context.add_init_script(path=str(AXE_JS))
    found = "\n".join(audit.replay_one(context, bad))
    assert "image-alt" in found  # axe: an image without a text alternative
    assert "label" in found  # axe: a field without a label
    assert "Content Security Policy" in found  # the inline script was refused
    assert validate_html({"bad": BAD_PAGE})["bad"]  # the Nu checker sees the stray </p>
