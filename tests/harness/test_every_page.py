"""Every page of the project, found by itself, as every role: the access matrix, the
private-data canary, the security headers (Mozilla Observatory rules, production settings) and
valid HTML (the Nu checker).

The world is built and crawled once per module, inside a transaction that is rolled back.
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import transaction
from django.test import override_settings
from django.urls import resolve

from tests.harness import observatory
from tests.harness.access import MORE_URLS, RULES, Visit, rule_for, visit_every_route
from tests.harness.checkers import validate_html
from tests.harness.site import Page, client_for, crawl, routes
from tests.harness.world import (
    ANONYMOUS,
    PEOPLE,
    PRIVATE_ADDRESS,
    ROLES,
    build_world,
    private_strings,
    stripe_ids,
)

# The database mark makes pytest-django set up the test database for the crawl; the group keeps
# the module on one worker, so the crawl runs once.
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("every_page")]


@dataclass
class Site:
    visits: dict[str, list[Visit]]  # role -> one visit per URL pattern and per MORE_URLS
    pages: dict[str, list[Page]]  # role -> every page reached (patterns, links, htmx)
    private: dict[str, set[str]]  # person -> their private strings
    stripe_ids: set[str]  # every Stripe id in the world, anyone's


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker) -> Site:
    with (
        django_db_blocker.unblock(),
        override_settings(**settings.HTTPS_SETTINGS),
        transaction.atomic(),
    ):
        world = build_world()
        visits, pages = {}, {}
        for role in ROLES:
            client = client_for(world, role)
            visits[role] = visit_every_route(client, world, role)
            seeds = [visit.page for visit in visits[role]]
            pages[role] = seeds + crawl(client, role, seeds)
        private = {person: private_strings(world.people[person]) for person in PEOPLE}
        ids = stripe_ids()
        transaction.set_rollback(True)
    return Site(visits, pages, private, ids)


def test_every_url_pattern_has_an_access_rule():
    found = {route.key: route for route in routes()}
    missing = [f"{r.key} ({r.route})" for r in found.values() if not rule_for(r.key, r.route)]
    assert not missing, "add a rule to tests/harness/access.py for: " + ", ".join(missing)
    stale = sorted((set(RULES) | set(MORE_URLS)) - set(found))
    assert not stale, f"rules for URLs that no longer exist: {stale}"


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_expected_status_on_every_url(site, role):
    wrong = [
        f"{v.route.key} {v.page.url}: {v.page.status}, expected {v.expected}"
        for v in site.visits[role]
        if v.page.status != v.expected
    ]
    assert not wrong, "\n".join(wrong)
    assert len(site.visits[role]) > 40


@pytest.mark.parametrize("role", ROLES)
def test_no_page_or_fragment_shows_anyone_elses_private_data(site, role):
    leaks = []
    for page in site.pages[role]:
        if role == "staff" and page.url.startswith("/admin/"):
            continue  # the console is where staff see private data
        for person, values in site.private.items():
            if person == role:
                continue
            leaks += [f"{page.url} shows {person}'s {v!r}" for v in values if v in page.body]
    assert not leaks, "\n".join(leaks)
    assert any(p.htmx for p in site.pages[role]), "fragments were rendered too"


@pytest.mark.parametrize("role", ROLES)
def test_no_page_shows_a_stripe_id_not_even_to_the_person_it_is_about(site, role):
    leaks = [
        f"{page.url} shows {value!r}"
        for page in site.pages[role]
        if not (role == "staff" and page.url.startswith("/admin/"))
        for value in site.stripe_ids
        if value in page.body
    ]
    assert not leaks, "\n".join(leaks)


def _pages(site: Site, role: str, key: str) -> list[Page]:
    return [p for p in site.pages[role] if p.key == key and p.status == 200 and not p.htmx]


def test_payers_see_their_own_payments_details_which_the_canary_guards(site):
    """The payer's own page shows their amount and what went wrong: the sentinels are rendered
    where they belong, so the canary would see them anywhere else."""
    guest = " ".join(p.body for p in _pages(site, "guest", "payments:payment"))
    assert "Paid: €12.00" in guest
    assert any(v.startswith("Refunded, canary") and v in guest for v in site.private["guest"])
    invitee = " ".join(p.body for p in _pages(site, "invitee", "payments:payment"))
    assert any(v.startswith("Declined, canary") and v in invitee for v in site.private["invitee"])
    assert 'hx-trigger="every 2s"' in invitee  # the open Checkout's page waits for Stripe
    checkout = _pages(site, "invitee", "payments:local-checkout")
    assert checkout and "Open picnic" in checkout[0].body
    console = " ".join(p.body for p in site.pages["staff"] if p.url.startswith("/admin/payments/"))
    assert any(value in console for value in site.stripe_ids), "staff see them in the console"


def test_only_premium_members_see_who_liked_them(site):
    """The stranger likes the guest, who is not premium: a count, no name. The invitee likes the
    host, who is."""
    (guest,) = _pages(site, "guest", "profiles:liked-me")
    assert "1 person likes your profile" in guest.body
    assert "/people/stranger/" not in guest.body and "Stranger" not in guest.body
    (host,) = _pages(site, "host", "profiles:liked-me")
    assert "/people/invitee/" in host.body


@pytest.mark.parametrize("role", ["stranger", "invitee"])
def test_the_address_of_a_private_event_reaches_only_its_host_and_confirmed_guests(site, role):
    """The world's private event is at "7 Secret Lane": the invitee (not confirmed yet) and the
    stranger reach its pages, fragments and lists, and never see the address."""
    leaks = [p.url for p in site.pages[role] if PRIVATE_ADDRESS in p.body]
    assert not leaks, leaks
    for seer in ("host", "guest"):
        assert any(PRIVATE_ADDRESS in p.body for p in site.pages[seer]), seer


def test_anonymous_visitors_open_the_public_event_page_the_private_canary_and_valid_check_see(
    site,
):
    """Logged out, the world's public event opens (with its preview tags, and the count of its
    guests but not who they are); its page and htmx fragment are among the anonymous pages the
    private-data canary reads and, as a document, among those the HTML validator checks."""
    pages = [p for p in site.pages[ANONYMOUS] if p.key == "events:detail" and p.status == 200]
    (page,) = [p for p in pages if not p.htmx]
    assert "Open picnic" in page.body and 'property="og:title"' in page.body
    assert "guest confirmed" in page.body and "/people/guest/" not in page.body
    assert any(p.htmx for p in pages)
    assert f"{page.url} as {ANONYMOUS}" in _documents(site)
    private = [p for p in site.pages[ANONYMOUS] if p.key == "events:detail" and p.status == 302]
    assert private, "the private event and a made-up id send anonymous visitors to log in"


def test_the_canary_would_notice_a_leak(site):
    """The sentinels really are in the database and findable: a page showing one is caught."""
    host_values = site.private["host"]
    assert any("@sentinel.test" in v for v in host_values)
    assert any(v.startswith("cus_CANARY") for v in host_values)
    assert any(v.startswith("sub_CANARY") for v in host_values)  # premium
    assert any(v.startswith("pi_CANARY") for v in site.private["guest"])  # booking fees
    assert any(v.startswith("Declined, canary") for v in site.private["invitee"])
    assert len(site.stripe_ids) >= 20
    assert any("271828" in v for v in host_values)  # internal metrics
    assert len(host_values) >= 10


def _documents(site: Site) -> dict[str, Page]:
    documents = {}
    for role, pages in site.pages.items():
        for page in pages:
            if page.is_html and not page.htmx and page.body.lstrip().startswith("<!DOCTYPE"):
                documents.setdefault(f"{page.url} as {role}", page)
    return documents


def test_every_page_scores_a_plus_on_the_mozilla_observatory_rules(site):
    failures = []
    for name, page in _documents(site).items():
        result = observatory.score(
            url=f"https://testserver{page.url}",
            status=page.status,
            headers=page.headers,
            set_cookies=page.set_cookies,
            html=page.body,
        )
        if result.grade != "A+":
            penalties = {t: m for t, m in result.modifiers.items() if m < 0}
            failures.append(f"{name}: {result.grade} ({result.score}) {penalties}")
    assert not failures, "\n".join(failures)


def _view_name(page: Page) -> str:
    """The URL name of a page, however the crawl found it (its key may be "link")."""
    return resolve(urlsplit(page.url).path).view_name


def test_every_page_sends_the_security_headers(site):
    for name, page in _documents(site).items():
        csp = page.headers["Content-Security-Policy"]
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, name
        assert "frame-ancestors 'none'" in csp, name
        assert page.headers["Strict-Transport-Security"].startswith("max-age=63072000"), name
        assert page.headers["X-Content-Type-Options"] == "nosniff", name
        assert page.headers["X-Frame-Options"] == "DENY", name
        assert page.headers["Referrer-Policy"] == "strict-origin-when-cross-origin", name
        policy = page.headers["Permissions-Policy"]
        assert "microphone=()" in policy and "geolocation=()" in policy, name
        # The camera only for the check-in page's own QR scanner (static/js/check_in_scan.js).
        scanner = _view_name(page) == "events:check-in" and page.status == 200
        camera = "camera=(self)" if scanner else "camera=()"
        assert camera in policy, name
        for cookie in page.set_cookies:
            assert "Secure" in cookie and "HttpOnly" in cookie, f"{name}: {cookie}"
    check_in = [p for p in _documents(site).values() if _view_name(p) == "events:check-in"]
    assert any(p.status == 200 for p in check_in), "the host's check-in page was crawled"
    assert any(p.status == 404 for p in check_in), "and others' 404 keeps the camera off"


def test_every_page_is_valid_html(site):
    documents = _documents(site)
    errors = validate_html({name: page.body for name, page in documents.items()})
    report = [f"{name}: {e}" for name, messages in errors.items() for e in messages]
    assert not report, "\n".join(report)
    assert len(documents) > 50
    assert any(name.endswith(f"as {ANONYMOUS}") for name in documents)


def _calendars(site: Site, role: str) -> list[Page]:
    return [
        p
        for p in site.pages[role] + [v.page for v in site.visits[role]]
        if p.status == 200 and p.headers.get("Content-Type", "").startswith("text/calendar")
    ]


@pytest.mark.parametrize("role", ["host", "guest", "invitee"])
def test_each_person_with_a_feed_reaches_it_from_settings_and_the_canary_reads_it(site, role):
    """The crawl follows the settings page's link to the person's own feed: a calendar the
    private-data canary reads like every page. The host's and the guest's show the private
    event's address; the invitee's (no confirmed seat) lists nothing."""
    feeds = [p for p in _calendars(site, role) if p.url.startswith("/calendar/")]
    assert feeds, f"{role}'s feed was not reached"
    body = feeds[0].body
    assert "BEGIN:VCALENDAR" in body
    assert (PRIVATE_ADDRESS in body) == (role in ("host", "guest"))


def test_the_event_calendar_file_is_crawled_for_its_host_and_confirmed_guest(site):
    for role in ("host", "guest"):
        files = [p for p in _calendars(site, role) if p.url.endswith("/calendar.ics")]
        assert any("Supper at the host" in p.body for p in files), role
