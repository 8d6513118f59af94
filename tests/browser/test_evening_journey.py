"""The evening and after, in a real headless Chromium on a phone-sized screen: the host checks a
guest in by typing the code from her ticket; after an earlier evening a guest rates it, and the
ratings reach the host's page only once the second guest has rated (double-blind). Every page the
server sends is audited (axe, the Nu checker)."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.factories import DEFAULT_PASSWORD, UserFactory
from events import services
from events.factories import AttendanceFactory, EventFactory, InvitationFactory
from events.models import Event, Invitation
from profiles.factories import CityFactory, HostProfileFactory, profile_of
from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 740}


def test_the_host_checks_a_guest_in_by_code_and_ratings_appear_once_both_guests_rated(
    page: Page, live_server
):
    page.set_viewport_size(PHONE)
    hugo = HostProfileFactory(
        user=UserFactory(username="hugo", email="hugo@example.com"), host_name="Hugo's tables"
    )
    ana = profile_of(UserFactory(username="ana", email="ana@example.com"), first_name="Ana")
    ben = profile_of(UserFactory(username="ben", email="ben@example.com"), first_name="Ben")
    paris = CityFactory(name="Paris", country="France", time_zone="Europe/Paris")
    starts = timezone.now() + datetime.timedelta(hours=1)
    tonight = EventFactory(
        host=hugo,
        title="Dumplings tonight",
        city=paris,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=3),
    )
    for guest in (ana, ben):
        services.accept_invitation(services.invite(tonight, guest, by=hugo), by=guest)
    ticket = Invitation.objects.get(event=tonight, profile=ana)
    code = ticket.ticket_code

    # Ana's ticket shows her code; Hugo types it on his phone, in lower case with a dash.
    log_in(page, live_server.url, email="ana@example.com", password=DEFAULT_PASSWORD)
    page.goto(f"{live_server.url}/me/events/")
    page.get_by_role("link", name=re.compile("^Your ticket")).click()
    expect(page.get_by_text(ticket.ticket_display, exact=True)).to_be_visible()
    page.context.clear_cookies()

    log_in(page, live_server.url, email="hugo@example.com", password=DEFAULT_PASSWORD)
    page.goto(f"{live_server.url}{tonight.get_absolute_url()}")
    page.get_by_role("link", name=re.compile("Check guests in")).click()
    expect(page.get_by_role("heading", name="Check-in", level=1)).to_be_visible()
    page.get_by_label("Ticket code").fill(f"{code[:4].lower()}-{code[4:].lower()}")
    page.get_by_role("button", name="Check in", exact=True).click()
    expect(page.get_by_text("Ana is checked in.")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^Checked in"))).to_have_count(1)
    page.get_by_label("Ticket code").fill(code)
    page.get_by_role("button", name="Check in", exact=True).click()
    expect(page.get_by_text(re.compile("Ana is already checked in"))).to_be_visible()
    assert Invitation.objects.get(event=tonight, profile=ana).checked_in_at is not None

    # An earlier evening, completed: both came. Ana rates; the host sees nothing yet.
    earlier = EventFactory(
        host=hugo, title="Bouchon night", city=paris, past=True, status=Event.Status.COMPLETED
    )
    for guest in (ana, ben):
        InvitationFactory(event=earlier, profile=guest, confirmed=True)
        AttendanceFactory(event=earlier, profile=guest)
    page.context.clear_cookies()
    log_in(page, live_server.url, email="ana@example.com", password=DEFAULT_PASSWORD)
    page.goto(f"{live_server.url}/events/{earlier.pk}/rate/")
    page.get_by_role("group", name="The host").get_by_label("5 stars").check()
    page.get_by_role("group", name="The event").get_by_label("4 stars").check()
    page.get_by_label("A comment (optional)").fill("A table that kept talking until late.")
    page.get_by_role("button", name="Send my rating").click()
    expect(page.get_by_text(re.compile("^Only you can see your rating for now"))).to_be_visible()

    host_page = f"{live_server.url}/hosts/hugo/"
    page.goto(host_page)
    expect(page.get_by_text("Not rated yet")).to_be_visible()
    expect(page.get_by_text("A table that kept talking until late.")).to_have_count(0)

    # Ben rates too: everyone who came has rated, so the ratings are published at once.
    services.rate_event(earlier, by=ben, host_rating=4, event_rating=4)
    page.goto(host_page)
    expect(page.get_by_text("Rated 4.5 / 5 by 2 guests")).to_be_visible()
    expect(page.get_by_text("A table that kept talking until late.")).to_be_visible()
