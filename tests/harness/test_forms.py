"""Form fuzzing: every POST form the site shows, found by itself, gets generated bad input
(Hypothesis). No submission may fail with a 500, and a rejected one may write nothing. Stripe's
webhook, a POST endpoint without a form, gets bodies and signatures Stripe did not send."""

import json
import time
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.harness.access import visit_every_route
from tests.harness.site import client_for
from tests.harness.world import ANONYMOUS, build_world
from tests.payments.helpers import signature, stripe_event

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("forms")]

# Participants all see the same forms and the host stands for them, but for money: the invitee,
# whose seat is held with a Checkout open, stands for payers (the forms posting to these names).
FUZZED_ROLES = {ANONYMOUS: "", "host": "", "staff": "", "invitee": "payments:"}
# Forms whose whole point is to destroy the world the next example needs.
NOT_FUZZED = ("_delete", "admin:logout", "account_logout")
# Tables that change on every request whatever the outcome: sessions, the cache (rate-limit
# counters), the task queue and allauth's record of a session's last activity.
VOLATILE = ("django_session", "momento_cache", "procrastinate_", "usersessions_usersession")

WEIRD = [
    "",
    " ",
    "\x00",
    "\u202e\u0000evil",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "9" * 40,
    "-1",
    "0",
    "1e309",
    "NaN",
    "2026-02-30",
    "not-an-email",
    "a@b",
    "😀" * 300,
    "x" * 100_000,
    "../../etc/passwd",
]
text = st.text(st.characters(exclude_categories=("Cs",)), max_size=300)
bad_value = st.one_of(st.sampled_from(WEIRD), text)


@dataclass(frozen=True)
class Form:
    role: str
    page: str
    action: str
    name: str  # the URL name the form posts to
    fields: tuple[str, ...]
    hidden: tuple[tuple[str, str], ...]


FIELD_TAGS = ("input", "select", "textarea", "button")


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self.current: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "get").lower() == "post":
            self.current = {"action": attrs.get("action") or "", "fields": [], "hidden": []}
            self.forms.append(self.current)
        elif self.current is not None and attrs.get("name") and tag in FIELD_TAGS:
            if attrs.get("type") == "hidden" or attrs["name"] == "csrfmiddlewaretoken":
                self.current["hidden"].append((attrs["name"], attrs.get("value") or ""))
            else:
                self.current["fields"].append(attrs["name"])

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None


def discover_forms(world) -> list[Form]:
    found: dict[tuple, Form] = {}
    for role in FUZZED_ROLES:
        client = client_for(world, role)
        for visit in visit_every_route(client, world, role, expecting=200):
            page = visit.page
            parser = _Forms()
            parser.feed(page.body)
            for form in parser.forms:
                action = urlsplit(urljoin(page.url, form["action"])).path
                try:
                    match = resolve(action)
                except Resolver404:
                    continue
                name = match.view_name
                if any(part in name for part in NOT_FUZZED):
                    continue
                if not name.startswith(FUZZED_ROLES[role]):
                    continue
                fields = tuple(dict.fromkeys(form["fields"]))
                key = (role, name, fields)
                found.setdefault(
                    key, Form(role, page.url, action, name, fields, tuple(form["hidden"]))
                )
    return list(found.values())


def snapshot() -> dict[str, str]:
    """A fingerprint of every table's rows, but the volatile ones."""
    tables = [t for t in connection.introspection.table_names() if not t.startswith(VOLATILE)]
    query = " UNION ALL ".join(
        f"SELECT '{t}', md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) FROM \"{t}\" x"
        for t in tables
    )
    with connection.cursor() as cursor:
        cursor.execute(query)
        return dict(cursor.fetchall())


def submissions(form: Form):
    one_field = st.one_of(bad_value, st.lists(bad_value, min_size=2, max_size=3), st.none())
    return st.fixed_dictionaries(dict.fromkeys(form.fields, one_field))


def fuzz(form: Form, world) -> None:
    # As many examples as the Hypothesis profile says (tests/conftest.py), and always one with
    # every field left out.
    # One logged-in client for the examples, while the site leaves it as it was: an example
    # that redirects or sets a cookie (a new session, a message, a log-out) gets the next one a
    # fresh client, so every example starts from a session like a new log-in's.
    clients: list[Client] = []

    @given(values=submissions(form))
    @example(values=dict.fromkeys(form.fields))
    def submit(values):
        cache.clear()  # rate limits would turn every later example into a 429
        if not clients or "cache" in django_settings.SESSION_ENGINE:  # cleared with the cache
            clients[:] = [client_for(world, form.role)]
        client = clients[0]
        data = dict(form.hidden)
        data.update({k: v for k, v in values.items() if v is not None})
        before = snapshot()
        try:
            response = client.post(form.action, data, secure=True)
        except BaseException:
            clients.clear()
            raise
        if 300 <= response.status_code < 400 or set(response.cookies) - {
            django_settings.CSRF_COOKIE_NAME
        }:
            clients.clear()
        assert response.status_code < 500
        if not 300 <= response.status_code < 400:  # refused: shown again, or an error
            assert snapshot() == before, f"{form.name} wrote to the database"

    submit()


def test_every_form_refuses_bad_input_cleanly():
    world = build_world()
    forms = discover_forms(world)
    assert {f.name for f in forms} >= {"account_login", "account_signup", "account_email"}
    assert any(f.name.startswith("admin:") for f in forms)
    assert {(f.role, f.name) for f in forms} >= {
        ("invitee", "payments:checkout"),
        ("invitee", "payments:local-checkout"),  # a booking fee's
        ("staff", "payments:local-checkout"),  # a premium plan's
        ("staff", "payments:subscribe"),
        ("host", "payments:manage"),
        ("host", "payments:local-portal"),
    }
    failures = []
    for form in forms:
        try:
            fuzz(form, world)
        except Exception as error:  # every form's failure is reported, not only the first
            failures.append(f"{form.role} → {form.name} ({form.page}): {error!r}"[:2000])
    assert not failures, "\n\n".join(failures)


def _unsigned(body: str | bytes, how: str) -> str | None:
    """A Stripe-Signature header that is not a valid one of ours for this body."""
    if isinstance(body, bytes):
        body = body.decode("latin-1")
    return {
        "missing": None,
        "garbage": "t=1,v1=00",
        "other secret": signature(body, secret="whsec_someone_else"),
        "too old": signature(body, timestamp=int(time.time()) - 3600),
        "other body": signature(body + " "),
    }[how]


def test_the_stripe_webhook_records_nothing_that_stripe_did_not_sign():
    """Anyone can post to the webhook (no log-in, no CSRF token): whatever the body, only our
    endpoint secret's fresh signature gets an event recorded."""
    client = Client(enforce_csrf_checks=True)
    url = reverse("payments:webhook")
    event = json.dumps(stripe_event("charge.refunded", {"id": "ch_x", "refunded": True}))

    @settings(
        max_examples=40, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(
        body=st.one_of(
            st.sampled_from([event, "{}", "[]", "null", b"\xff\xfe", *WEIRD]),
            text,
            st.binary(max_size=300),
        ),
        how=st.sampled_from(["missing", "garbage", "other secret", "too old", "other body"]),
    )
    def post(body, how):
        header = _unsigned(body, how)
        headers = {} if header is None else {"Stripe-Signature": header}
        before = snapshot()
        response = client.post(url, body, content_type="application/json", headers=headers)
        assert response.status_code == 400
        assert snapshot() == before

    post()
    signed = client.post(
        url, event, content_type="application/json", headers={"Stripe-Signature": signature(event)}
    )
    assert signed.status_code == 200
