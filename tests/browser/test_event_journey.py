"""A host proposes a private gathering and invites people; one accepts and sees the address, one
declines; a full event's waitlist gets the seat its host adds; the host cancels. In a real
headless Chromium, one browser context per person; every page the server sends is audited."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from accounts.factories import DEFAULT_PASSWORD, UserFactory
from events import services
from events.factories import EventFactory
from profiles.factories import CityFactory, HostProfileFactory, profile_of
from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ADDRESS = "12 rue des Martyrs"
ADDRESS_HIDDEN = "(the address is shown to confirmed guests)"


@pytest.fixture
def open_page(browser: Browser, audit):
    """A page in a fresh browser context, for one more person. The server records every page it
    sends for the audit; here the page's console and script errors join it too."""
    contexts = []

    def open_page() -> Page:
        context = browser.new_context()
        contexts.append(context)
        page = context.new_page()
        audit.listen(page)
        return page

    yield open_page
    for context in contexts:
        context.close()


def _person(username: str, first_name: str):
    return profile_of(UserFactory(username=username), first_name=first_name)


def _host(username: str, first_name: str, host_name: str):
    host = HostProfileFactory(user=UserFactory(username=username), host_name=host_name)
    profile_of(host.user, first_name=first_name)
    return host


def _log_in(page: Page, base_url: str, username: str) -> None:
    log_in(page, base_url, email=f"{username}@example.com", password=DEFAULT_PASSWORD)


def _local(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_host_proposes_a_private_gathering_guests_answer_and_it_is_cancelled(
    page: Page, open_page, live_server
):
    CityFactory(name="Paris")
    _host("hugo", "Hugo", "Hugo's table")
    _person("ana", "Ana")
    _person("ben", "Ben")
    title = "Dinner on the roof"

    # The host proposes a gathering.
    _log_in(page, live_server.url, "hugo")
    page.get_by_role("link", name="Your events").click()
    expect(page.get_by_role("heading", name="Hosting", exact=True)).to_be_visible()
    page.get_by_role("link", name="Propose a gathering").click()
    expect(page.get_by_role("heading", name="Propose a gathering")).to_be_visible()
    starts = (timezone.now() + datetime.timedelta(days=7)).replace(hour=19, minute=30)
    page.get_by_label("Title").fill(title)
    page.get_by_label("Description").fill("Six people, one long table, the city below.")
    page.get_by_label("Starts").fill(_local(starts))
    page.get_by_label("Ends").fill(_local(starts + datetime.timedelta(hours=3)))
    page.get_by_label("City").select_option(label="Paris, France")
    page.get_by_label("Location").fill(ADDRESS)
    page.get_by_label("Minimum guests").fill("1")
    page.get_by_label("Maximum guests").fill("6")
    page.get_by_label("Booking fee (€)").fill("0")
    page.get_by_label("Private").check()
    page.get_by_role("button", name="Create the event").click()

    # They land on the guests page and invite two people by username.
    expect(page.get_by_role("heading", name=f"Guests of {title}")).to_be_visible()
    expect(page.get_by_text("Your event is created. Now invite your guests.")).to_be_visible()
    for username, name in (("ana", "Ana"), ("ben", "Ben")):
        page.get_by_label("Username").fill(username)
        page.get_by_role("button", name="Invite", exact=True).click()
        expect(page.get_by_text(f"{name} is invited.")).to_be_visible()
    page.get_by_label("Username").fill("nobody")
    page.get_by_role("button", name="Invite", exact=True).click()
    expect(page.get_by_text("There is no member with this username.")).to_be_visible()

    # Ana accepts from her invitations and then sees the exact address.
    ana = open_page()
    _log_in(ana, live_server.url, "ana")
    ana.get_by_role("navigation", name="Main").get_by_role("link", name="Invitations").click()
    ana.get_by_role("button", name=f"Accept the invitation to {title}").click()
    expect(ana.get_by_text(f"You have a seat at {title}.")).to_be_visible()
    ana.get_by_role("link", name=title, exact=True).click()
    expect(ana.get_by_role("heading", name=title, level=1)).to_be_visible()
    expect(ana.get_by_text("You have a seat.")).to_be_visible()
    expect(ana.get_by_text(f"{ADDRESS}, Paris")).to_be_visible()

    # Ben sees the city only, then declines on the event page.
    ben = open_page()
    _log_in(ben, live_server.url, "ben")
    ben.get_by_role("navigation", name="Main").get_by_role("link", name="Invitations").click()
    ben.get_by_role("link", name=title, exact=True).click()
    expect(ben.get_by_text(ADDRESS_HIDDEN)).to_be_visible()
    expect(ben.get_by_text(ADDRESS)).to_have_count(0)
    ben.get_by_role("button", name=f"Decline {title}").click()
    expect(ben.get_by_text(f"You declined {title}.")).to_be_visible()
    expect(ben.get_by_role("heading", name=title, level=1)).to_be_visible()  # back where he was

    # The host sees both answers, then cancels the event, with a reason.
    page.reload()
    invitations = page.get_by_role("table", name="Every invitation and its status")
    expect(invitations.get_by_role("row", name=re.compile(r"^Ana Confirmed"))).to_be_visible()
    expect(invitations.get_by_role("row", name=re.compile(r"^Ben Declined"))).to_be_visible()
    expect(page.get_by_text("1 confirmed · 0 held · 5 free, of 6 seats")).to_be_visible()
    page.get_by_role("link", name="The event page").click()
    expect(page.get_by_text(f"{ADDRESS}, Paris")).to_be_visible()
    page.get_by_role("link", name="Cancel the event").click()
    expect(page.get_by_role("heading", name=f"Cancel {title}?")).to_be_visible()
    expect(page.get_by_text("1 guest already has a seat.")).to_be_visible()
    page.get_by_role("button", name="Cancel the event").click()
    expect(page.get_by_text("Tell your guests why the event is cancelled.")).to_be_visible()
    page.get_by_label("Why are you cancelling?").fill("The roof is closed for repairs.")
    page.get_by_role("button", name="Cancel the event").click()
    expect(page.get_by_text(f"{title} is cancelled. Your guests are told.")).to_be_visible()
    expect(page.get_by_role("heading", name="Hosting", exact=True)).to_be_visible()
    page.get_by_role("link", name=title, exact=True).click()
    expect(
        page.get_by_text("This event is cancelled. The roof is closed for repairs.")
    ).to_be_visible()
    expect(page.get_by_role("link", name="Cancel the event")).to_have_count(0)

    # Ana's invitation says so.
    ana.get_by_role("navigation", name="Main").get_by_role("link", name="Invitations").click()
    expect(ana.get_by_text(re.compile(r"Paris · Hugo's table · Cancelled"))).to_be_visible()


def test_a_full_event_waitlist_gets_the_seat_the_host_adds(page: Page, open_page, live_server):
    host = _host("hugo", "Hugo", "Hugo's table")
    ana, cleo = _person("ana", "Ana"), _person("cleo", "Cleo")
    event = EventFactory(
        host=host,
        title="Sunrise hike",
        city=CityFactory(name="Lyon"),
        location=ADDRESS,
        is_private=True,
        min_participants=1,
        max_participants=1,
    )
    services.accept_invitation(services.invite(event, ana, by=host), by=ana)
    services.invite(event, cleo, by=host)

    # Cleo tries to accept the last seat, which is gone, and joins the waitlist instead.
    _log_in(page, live_server.url, "cleo")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Invitations").click()
    page.get_by_role("button", name="Accept the invitation to Sunrise hike").click()
    expect(page.get_by_text("This event is full. You can join its waitlist.")).to_be_visible()
    page.get_by_role("link", name="Sunrise hike", exact=True).click()
    expect(page.get_by_text(ADDRESS_HIDDEN)).to_be_visible()
    page.get_by_role("button", name="Join the waitlist for Sunrise hike").click()
    expect(page.get_by_text("You are on the waitlist for Sunrise hike.")).to_be_visible()
    expect(page.get_by_text("You are number 1 on the waitlist.")).to_be_visible()

    # The host makes room for one more.
    hugo = open_page()
    _log_in(hugo, live_server.url, "hugo")
    hugo.get_by_role("link", name="Your events").click()
    hugo.get_by_role("link", name="Sunrise hike", exact=True).click()
    hugo.get_by_role("link", name="Edit").click()
    expect(hugo.get_by_role("heading", name="Edit Sunrise hike")).to_be_visible()
    hugo.get_by_label("Maximum guests").fill("2")
    hugo.get_by_role("button", name="Save changes").click()
    expect(hugo.get_by_text("Your changes are saved.")).to_be_visible()
    hugo.get_by_role("link", name="Guests and invitations").click()
    invitations = hugo.get_by_role("table", name="Every invitation and its status")
    expect(
        invitations.get_by_role("row", name=re.compile(r"^Cleo Seat offered from the waitlist"))
    ).to_be_visible()

    # The freed seat is offered to Cleo, who takes it and now sees the address.
    page.reload()
    expect(page.get_by_text("A seat freed up and it is yours")).to_be_visible()
    page.get_by_role("button", name="Take the seat the invitation to Sunrise hike").click()
    expect(page.get_by_text("You have a seat at Sunrise hike.")).to_be_visible()
    expect(page.get_by_text(f"{ADDRESS}, Lyon")).to_be_visible()
    expect(page.get_by_text("1 to 2 guests · 2 going · 0 seats free")).to_be_visible()
    going = page.get_by_role("region", name="Going")  # the others who go: Ana
    expect(going.get_by_role("link", name="Ana")).to_be_visible()


def test_a_guest_gives_back_their_seat_and_the_first_on_the_waitlist_takes_it(
    page: Page, open_page, live_server
):
    host = _host("hugo", "Hugo", "Hugo's table")
    ana, cleo = _person("ana", "Ana"), _person("cleo", "Cleo")
    event = EventFactory(
        host=host,
        title="Pasta class",
        city=CityFactory(name="Lyon"),
        location=ADDRESS,
        min_participants=1,
        max_participants=1,
    )
    services.accept_invitation(services.invite(event, ana, by=host), by=ana)
    services.join_waitlist(services.invite(event, cleo, by=host), by=cleo)

    # Ana can't come after all: she gives back her seat from the event page, after being told
    # what it costs her (nothing: the event is free).
    _log_in(page, live_server.url, "ana")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My events").click()
    page.get_by_role("link", name="Pasta class", exact=True).click()
    expect(page.get_by_text("You have a seat.")).to_be_visible()
    page.get_by_role("link", name="Give back my seat at Pasta class").click()
    expect(page.get_by_role("heading", name="Give back your seat at Pasta class?")).to_be_visible()
    expect(page.get_by_text("The event is free: your seat is simply freed")).to_be_visible()
    page.get_by_role("button", name="Give back my seat").click()
    expect(page.get_by_text("You gave back your seat at Pasta class.")).to_be_visible()
    expect(page.get_by_role("heading", name="Pasta class", level=1)).to_be_visible()
    expect(page.get_by_text(ADDRESS)).to_have_count(0)

    # Cleo, first on the waitlist, finds the seat offered on her home page and takes it there.
    cleo_page = open_page()
    _log_in(cleo_page, live_server.url, "cleo")
    cleo_page.goto(live_server.url + "/")
    cleo_page.get_by_role("button", name="Take the seat the invitation to Pasta class").click()
    expect(cleo_page.get_by_text("You have a seat at Pasta class.")).to_be_visible()
    cleo_page.get_by_role("navigation", name="Main").get_by_role("link", name="My events").click()
    expect(cleo_page.get_by_role("link", name="Pasta class", exact=True)).to_be_visible()

    # Ana's events say what happened.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My events").click()
    expect(page.get_by_text("You gave back your seat.")).to_be_visible()
