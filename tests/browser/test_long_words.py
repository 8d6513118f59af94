"""A long unbroken word in what people write (a bio, an event's title or description) wraps: no
page grows wider than a phone's screen."""

import pytest
from playwright.sync_api import Browser, expect

from accounts.factories import DEFAULT_PASSWORD, UserFactory
from events.factories import EventFactory
from profiles import services
from profiles.factories import CityFactory, HostProfileFactory, add_photo, profile_of
from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 740}


def word(length: int, letter: str = "a") -> str:
    return letter * length


def test_long_words_wrap_on_a_phone(browser: Browser, live_server):
    paris = CityFactory(name="Paris")
    ana = profile_of(UserFactory(username="ana"), first_name=word(60, "n"), bio=word(1000, "b"))
    services.add_city(ana, paris)
    add_photo(ana)
    services.finish_onboarding(ana)
    host = HostProfileFactory(user=ana.user, host_name=word(80, "h"))
    event = EventFactory(
        host=host,
        city=paris,
        is_private=False,
        title=word(120, "t"),
        description=word(1000, "d"),
    )
    viewer = profile_of(UserFactory(username="ben", email="ben@example.com"), first_name="Ben")
    services.add_city(viewer, paris)
    services.finish_onboarding(viewer)

    page = browser.new_context(viewport=PHONE).new_page()
    log_in(page, live_server.url, email="ben@example.com", password=DEFAULT_PASSWORD)
    pages = {
        "profile": ("/people/ana/", word(1000, "b")),
        "people": ("/people/", word(60, "n")),
        "event": (event.get_absolute_url(), word(1000, "d")),
        "discovery": ("/events/", word(120, "t")),
    }
    for name, (path, long_word) in pages.items():
        page.goto(f"{live_server.url}{path}")
        expect(page.get_by_text(long_word, exact=True).first).to_be_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"the {name} page is {width}px wide"
