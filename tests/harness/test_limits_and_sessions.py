"""Rate limits answer 429 with a page in the layout past their limit; sessions rotate at log-in
and end on the server at log-out and, for the other devices, at a password change.

Each capability that adds a limited action (invitations, messages, likes, follows, reports)
adds it to LIMITED below."""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from accounts.factories import DEFAULT_PASSWORD
from tests.accounts.helpers import log_in
from tests.harness.site import client_for
from tests.harness.world import ANONYMOUS, World, build_world

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Limited:
    role: str
    url: str | Callable[[World], str]  # a URL name, or the URL in the world
    data: Callable[[World, int], dict]
    allowed: int  # requests that pass before the limit answers
    message: str = "Too many requests"


LIMITED = {
    "log-in failures per address": Limited(
        ANONYMOUS,
        "account_login",
        lambda w, i: {"login": w.host.email, "password": f"wrong-{i}"},
        allowed=5,
        message="Too many failed login attempts",
    ),
    "password reset requests per address": Limited(
        ANONYMOUS, "account_reset_password", lambda w, i: {"email": w.host.email}, allowed=5
    ),
    "sign-ups per IP address": Limited(
        ANONYMOUS,
        "account_signup",
        lambda w, i: {
            "email": f"newcomer{i}@example.com",
            "username": f"newcomer{i}",
            "password1": "a-long-Passphrase-42",
            "password2": "a-long-Passphrase-42",
        },
        allowed=20,
    ),
    "likes per person": Limited(
        "guest", lambda w: reverse("profiles:like", args=["host"]), lambda w, i: {}, allowed=60
    ),
    "follow requests per person": Limited(
        "guest", lambda w: reverse("profiles:follow", args=["invitee"]), lambda w, i: {}, allowed=30
    ),
    "reports per person": Limited(
        "guest",
        lambda w: reverse("profiles:report", args=["host"]),
        lambda w, i: {"reason": "spam", "note": f"Report {i}"},
        allowed=10,
    ),
    "invitations per host": Limited(
        "host",
        lambda w: reverse("events:guests", args=[w.objects["event"].pk]),
        lambda w, i: {"username": f"nobody-{i}"},
        allowed=100,
    ),
    "referrals per person": Limited(
        "guest", "accounts:referrals", lambda w, i: {"email": f"friend{i}@example.com"}, allowed=10
    ),
    "checkouts and portal sessions per person": Limited(
        "stranger", "payments:subscribe", lambda w, i: {"plan": "monthly"}, allowed=30
    ),
}


@pytest.mark.parametrize("action", LIMITED)
def test_each_limited_action_answers_429_with_a_page_past_its_limit(action):
    limited = LIMITED[action]
    world = build_world()
    client = client_for(world, limited.role)
    url = limited.url(world) if callable(limited.url) else reverse(limited.url)
    statuses = [
        client.post(url, limited.data(world, i)).status_code for i in range(limited.allowed)
    ]
    assert 429 not in statuses
    response = client.post(url, limited.data(world, limited.allowed))
    assert response.status_code == 429
    html = response.content.decode()
    assert limited.message in html
    assert 'class="brand"' in html  # in the layout, not a bare error


def test_the_session_key_changes_at_log_in(user):
    client = Client()
    client.get(reverse("account_login"))
    client.session.save()
    before = client.session.session_key
    assert log_in(client, user.email, DEFAULT_PASSWORD).status_code == 302
    assert client.session.session_key != before
    assert not Session.objects.filter(session_key=before).exists()


def test_log_out_ends_the_session_on_the_server(user):
    client = Client()
    log_in(client, user.email, DEFAULT_PASSWORD)
    key = client.session.session_key
    stolen = Client()
    stolen.cookies["sessionid"] = key
    assert stolen.get(reverse("account_email")).status_code == 200

    client.post(reverse("account_logout"))

    assert not Session.objects.filter(session_key=key).exists()
    assert stolen.get(reverse("account_email")).status_code == 302  # the old cookie is dead


def test_a_password_change_ends_the_other_sessions_but_not_this_one(user):
    laptop, phone = Client(), Client()
    log_in(laptop, user.email, DEFAULT_PASSWORD)
    log_in(phone, user.email, DEFAULT_PASSWORD)

    response = laptop.post(
        reverse("account_change_password"),
        {
            "oldpassword": DEFAULT_PASSWORD,
            "password1": "a-new-Passphrase-77",
            "password2": "a-new-Passphrase-77",
        },
    )

    assert response.status_code == 302
    assert laptop.get(reverse("account_email")).status_code == 200
    assert phone.get(reverse("account_email")).status_code == 302
