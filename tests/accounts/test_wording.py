"""One wording for getting in and out: "Log in", "Sign up", "Log out", on Momento's pages and on
allauth's (locale/en/LC_MESSAGES/django.po rewords allauth's "Sign In" and "sign in")."""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from accounts.factories import DEFAULT_PASSWORD
from tests.accounts.helpers import log_in

pytestmark = pytest.mark.django_db

OTHER_WORDING = re.compile(r"(?i:sign[ -]?in|sign[ -]?out|signed (in|out)|signup)|Sign Up")


def text(response) -> str:
    """What a person reads: the page without its tags, attributes and scripts."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def wording_on(client: Client, name: str) -> str:
    response = client.get(reverse(name), headers={"Accept-Language": "en"})
    assert response.status_code == 200
    page = text(response)
    assert not OTHER_WORDING.search(page), OTHER_WORDING.search(page).group(0)
    return page


def test_visitors_are_asked_to_log_in_or_sign_up(client):
    login = wording_on(client, "account_login")
    assert re.search(r"<h1>\s*Log in\s*</h1>", client.get(reverse("account_login")).text)
    assert "Log in" in login and "sign up" in login
    signup = wording_on(client, "account_signup")
    assert "Sign up" in signup and "log in" in signup
    wording_on(client, "account_reset_password")
    wording_on(client, "home")


def test_members_log_out_and_log_out_their_other_sessions(client, user):
    log_in(Client(), user.email, DEFAULT_PASSWORD)  # another device, to log out of
    log_in(client, user.email, DEFAULT_PASSWORD)
    assert [str(m) for m in get_messages(client.get("/").wsgi_request)] == [
        f"You are logged in as {user.username}."
    ]
    assert "Are you sure you want to log out?" in wording_on(client, "account_logout")
    assert "Log out other sessions" in wording_on(client, "usersessions_list")
    response = client.post(reverse("account_logout"), follow=True)
    assert "You have logged out." in text(response)


def test_the_compiled_wording_matches_its_source():
    """locale/en/LC_MESSAGES/django.mo is compiled from django.po: an edit not compiled fails."""
    folder = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
    source: dict[str, str] = {}
    for entry in (folder / "django.po").read_text().split("\n\n"):
        fields: dict[str, str] = {}
        key = None
        for line in entry.splitlines():
            if line.startswith(("msgid ", "msgstr ")):
                key, _, value = line.partition(" ")
                fields[key] = ast.literal_eval(value)
            elif line.startswith('"') and key:
                fields[key] += ast.literal_eval(line)
        if fields.get("msgid"):
            source[fields["msgid"]] = fields["msgstr"]
    with (folder / "django.mo").open("rb") as compiled:
        catalog = gettext.GNUTranslations(compiled)._catalog
    assert {k: v for k, v in catalog.items() if k} == source


def test_the_phone_number_says_who_sees_it_and_promises_nothing_else(client, user):
    client.force_login(user)
    page = client.get(reverse("accounts:settings")).content.decode()
    assert "Private: only you and Momento staff see it." in page
    assert "only if you agree" not in page
