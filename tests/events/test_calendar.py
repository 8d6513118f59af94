"""Calendar files (events/calendar.py): one seat's .ics and the private feed, parsed back with
icalendar as a calendar app would read them."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from icalendar import Calendar
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from events import calendar, services
from events.factories import EventFactory, InvitationFactory
from events.models import CalendarFeed, Event, Invitation
from profiles.factories import CityFactory, HostProfileFactory, SocialProfileFactory
from tests.queries import assert_same_queries_for_few_and_many

pytestmark = pytest.mark.django_db
UTC = datetime.UTC
NOW = datetime.datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
ADDRESS = "1 Roof Street"


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def event(db):
    """A private dinner in New York on Friday 12 March 2027, 19:30 to 22:00 (EST)."""
    return EventFactory(
        title="Pizza on the roof",
        city=CityFactory(name="New York", country="United States"),
        location=ADDRESS,
        starts_at=datetime.datetime(2027, 3, 13, 0, 30, tzinfo=UTC),
        ends_at=datetime.datetime(2027, 3, 13, 3, 0, tzinfo=UTC),
    )


def seat(event, profile=None, **traits):
    return InvitationFactory(event=event, profile=profile or SocialProfileFactory(), **traits)


def parse(response) -> list:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def only_event(response):
    (vevent,) = parse(response).walk("VEVENT")
    return vevent


def ics(client, event):
    return client.get(reverse("events:event-calendar", args=[event.pk]))


def feed_url(feed: CalendarFeed) -> str:
    return reverse("events:calendar-feed", args=[feed.token])


def test_the_uid_is_the_event_id_at_the_sites_host(event, settings):
    settings.SITE_URL = "https://momento.example"
    assert calendar.uid(event) == f"{event.pk}@momento.example"


def test_a_confirmed_guests_file_has_the_new_york_times_zone_place_and_an_evening_alarm(
    client, event
):
    guest = seat(event, confirmed=True).profile
    client.force_login(guest.user)
    response = ics(client, event)
    assert response["Cache-Control"] == "private, max-age=300"
    parsed = parse(response)
    (zone,) = parsed.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "America/New_York"
    (vevent,) = parsed.walk("VEVENT")
    start, end = vevent.decoded("DTSTART"), vevent.decoded("DTEND")
    assert vevent["DTSTART"].params["TZID"] == "America/New_York"
    assert (start.hour, start.minute, start.utcoffset()) == (19, 30, datetime.timedelta(hours=-5))
    assert start == event.starts_at and end == event.ends_at
    assert str(vevent["UID"]) == calendar.uid(event)
    assert str(vevent["LOCATION"]) == f"{ADDRESS}, New York"
    assert str(vevent["STATUS"]) == "TENTATIVE"  # waiting for its minimum
    assert str(vevent["URL"]).endswith(event.get_absolute_url())
    (alarm,) = vevent.walk("VALARM")
    # 18:00 on Thursday 11 March in New York, 25 h 30 min before the start.
    assert alarm.decoded("TRIGGER") == -datetime.timedelta(hours=25, minutes=30)
    assert str(alarm["ACTION"]) == "DISPLAY"


def test_the_alarm_rings_at_six_the_evening_before_even_across_a_clock_change(event):
    """New York moves its clocks forward in the night to Sunday 14 March 2027: from Saturday
    18:00 (EST) to Sunday 19:30 (EDT) is 25 h 30 min by the clock, 24 h 30 min in real time;
    from Sunday 18:00 to Monday 19:30, both 25 h 30 min."""
    event.starts_at = datetime.datetime(2027, 3, 14, 23, 30, tzinfo=UTC)  # Sunday 19:30 EDT
    assert calendar.reminder_before(event) == datetime.timedelta(hours=24, minutes=30)
    event.starts_at = datetime.datetime(2027, 3, 15, 23, 30, tzinfo=UTC)  # Monday 19:30 EDT
    assert calendar.reminder_before(event) == datetime.timedelta(hours=25, minutes=30)


def test_the_host_gets_the_file_too_and_it_is_the_same_calendar_entry(client, event):
    client.force_login(event.host.user)
    vevent = only_event(ics(client, event))
    assert str(vevent["UID"]) == calendar.uid(event)
    assert str(vevent["LOCATION"]) == f"{ADDRESS}, New York"


@pytest.mark.parametrize("state", ["sent", "waitlisted", "cancelled", "stranger"])
def test_anyone_without_a_confirmed_seat_gets_404_for_the_file(client, event, state):
    if state == "stranger":
        person = SocialProfileFactory()
    elif state == "cancelled":
        person = seat(event, status=Invitation.Status.CANCELLED, cancelled_at=NOW).profile
    else:
        person = seat(event, **({state: True} if state != "sent" else {})).profile
    client.force_login(person.user)
    assert ics(client, event).status_code == 404


def test_an_anonymous_visitor_is_asked_to_log_in_for_the_file(client, event):
    url = reverse("events:event-calendar", args=[event.pk])
    assertRedirects(client.get(url), f"{reverse('account_login')}?next={url}")


def test_a_cancelled_event_is_marked_cancelled_and_rings_no_alarm(client, event):
    guest = seat(event, confirmed=True).profile
    services.cancel_event(event, by=event.host, reason="Rain on the roof.")
    client.force_login(guest.user)
    vevent = only_event(ics(client, event))
    assert str(vevent["STATUS"]) == "CANCELLED"
    assert vevent.walk("VALARM") == []


def test_the_event_page_links_the_file_for_confirmed_guests_and_the_host_only(client, event):
    url = reverse("events:event-calendar", args=[event.pk])
    client.force_login(seat(event, confirmed=True).profile.user)
    assertContains(client.get(event.get_absolute_url()), url)
    client.force_login(seat(event).profile.user)  # invited, not confirmed
    assertNotContains(client.get(event.get_absolute_url()), url)
    client.force_login(event.host.user)
    assertContains(client.get(event.get_absolute_url()), url)


# The private feed ------------------------------------------------------------------------------


def test_the_feed_lists_my_seats_and_hosted_events_of_the_past_month_and_the_future(client, event):
    me = seat(event, confirmed=True).profile
    my_host = HostProfileFactory(user=me.user)
    hosted = EventFactory(host=my_host, title="My own picnic")
    ago = NOW - datetime.timedelta(days=14)
    recent = EventFactory(title="Two weeks ago", starts_at=ago, status=Event.Status.COMPLETED)
    seat(recent, me, confirmed=True)
    long_ago = NOW - datetime.timedelta(days=60)
    old = EventFactory(title="Long ago", starts_at=long_ago, status=Event.Status.COMPLETED)
    seat(old, me, confirmed=True)
    seat(EventFactory(title="Only invited"), me)
    seat(EventFactory(title="Someone else's seat"), confirmed=True)
    feed = services.turn_on_calendar_feed(me)
    response = client.get(feed_url(feed))  # no log-in: calendar apps can't
    vevents = parse(response).walk("VEVENT")
    titles = [str(vevent["SUMMARY"]) for vevent in vevents]
    assert titles == ["Two weeks ago", "My own picnic", "Pizza on the roof"]
    assert str(vevents[1]["UID"]) == calendar.uid(hosted)
    assert response["Cache-Control"] == "private, max-age=300"


def test_a_seat_given_back_shows_cancelled_and_a_private_events_address_no_more(client, event):
    invitation = seat(event, confirmed=True)
    feed = services.turn_on_calendar_feed(invitation.profile)
    services.cancel_seat(invitation, by=invitation.profile)
    vevent = only_event(client.get(feed_url(feed)))
    assert str(vevent["STATUS"]) == "CANCELLED"
    assert str(vevent["LOCATION"]) == "New York"
    assert ADDRESS not in client.get(feed_url(feed)).content.decode()


def test_the_feed_follows_a_change_of_time_with_a_higher_sequence(client, event, _frozen):
    invitation = seat(event, confirmed=True)
    feed = services.turn_on_calendar_feed(invitation.profile)
    before = only_event(client.get(feed_url(feed)))
    _frozen.shift(datetime.timedelta(hours=2))
    later = event.starts_at + datetime.timedelta(hours=1)
    services.update_event(
        event, by=event.host, starts_at=later, ends_at=later + datetime.timedelta(hours=2)
    )
    after = only_event(client.get(feed_url(feed)))
    assert after.decoded("DTSTART") == later
    assert after.decoded("DTSTART").hour == 20  # 20:30 in New York
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    assert after.decoded("LAST-MODIFIED") > before.decoded("LAST-MODIFIED")


def test_a_cancelled_event_within_the_window_stays_in_the_feed_as_cancelled(client, event):
    invitation = seat(event, confirmed=True)
    feed = services.turn_on_calendar_feed(invitation.profile)
    services.cancel_event(event, by=event.host, reason="Rain on the roof.")
    assert str(only_event(client.get(feed_url(feed)))["STATUS"]) == "CANCELLED"


def test_one_persons_token_never_opens_anothers_events(client, event):
    ana, ben = seat(event, confirmed=True).profile, SocialProfileFactory()
    seat(EventFactory(title="Ben's concert"), ben, confirmed=True)
    ana_feed, ben_feed = services.turn_on_calendar_feed(ana), services.turn_on_calendar_feed(ben)
    assert ana_feed.token != ben_feed.token
    assert [str(e["SUMMARY"]) for e in parse(client.get(feed_url(ben_feed))).walk("VEVENT")] == [
        "Ben's concert"
    ]
    client.force_login(ben.user)  # being logged in as someone changes nothing
    body = client.get(feed_url(ana_feed)).content.decode()
    assert "Pizza on the roof" in body and "Ben's concert" not in body


def test_a_regenerated_or_turned_off_token_and_a_made_up_one_are_404(client, event):
    me = seat(event, confirmed=True).profile
    old = services.turn_on_calendar_feed(me)
    assert services.turn_on_calendar_feed(me) == old  # one per person, created on demand
    new = services.regenerate_calendar_feed(me)
    assert new.token != old.token
    assert client.get(feed_url(old)).status_code == 404
    assert client.get(feed_url(new)).status_code == 200
    services.turn_off_calendar_feed(me)
    assert client.get(feed_url(new)).status_code == 404
    made_up = reverse("events:calendar-feed", args=["x" * 43])
    assert client.get(made_up).status_code == 404


def test_a_deactivated_accounts_feed_is_404(client, event):
    me = seat(event, confirmed=True).profile
    feed = services.turn_on_calendar_feed(me)
    me.user.is_active = False
    me.user.save(update_fields=["is_active"])
    assert client.get(feed_url(feed)).status_code == 404


def test_the_feed_costs_the_same_queries_with_2_and_20_events(client, django_assert_num_queries):
    me = SocialProfileFactory()
    host = HostProfileFactory(user=me.user)
    feed = services.turn_on_calendar_feed(me)
    cities = [CityFactory(name=name, country="Japan") for name in ("Tokyo", "Osaka")]

    def make(n):
        for i in range(n):
            seat(EventFactory(city=cities[i % 2]), me, confirmed=True)
            EventFactory(host=host, city=cities[i % 2])

    count = assert_same_queries_for_few_and_many(
        client, feed_url(feed), make=make, assert_num_queries=django_assert_num_queries
    )
    assert count == 3  # the feed, the seats, the hosted events
    assert len(parse(client.get(feed_url(feed))).walk("VEVENT")) == 40


# Settings --------------------------------------------------------------------------------------


def test_the_feed_is_turned_on_regenerated_and_turned_off_from_the_settings_page(client, user):
    client.force_login(user)
    settings_url = reverse("accounts:settings")
    assertContains(client.get(settings_url), "Turn on my calendar feed")
    assert client.get(reverse("events:calendar-feed-on")).status_code == 405
    assertRedirects(
        client.post(reverse("events:calendar-feed-on")),
        f"{settings_url}#calendar",
        fetch_redirect_response=False,
    )
    feed = CalendarFeed.objects.get(profile=user.social_profile)
    page = client.get(settings_url)
    assertContains(page, f"https://testserver/calendar/{feed.token}.ics".replace("https", "http"))
    assertContains(page, f"webcal://testserver/calendar/{feed.token}.ics")
    confirm = client.get(reverse("events:calendar-feed-regenerate"))
    assertContains(confirm, "The current address stops working at once.")
    assert CalendarFeed.objects.get().token == feed.token  # asking changes nothing
    client.post(reverse("events:calendar-feed-regenerate"))
    assert CalendarFeed.objects.get().token != feed.token
    assertContains(client.get(reverse("events:calendar-feed-off")), "Turn the calendar feed off?")
    client.post(reverse("events:calendar-feed-off"))
    assert not CalendarFeed.objects.exists()
    response = client.get(reverse("events:calendar-feed-off"))
    assertRedirects(response, f"{settings_url}#calendar", fetch_redirect_response=False)


def test_anonymous_visitors_are_asked_to_log_in_for_the_feeds_settings(client):
    for name in ("calendar-feed-on", "calendar-feed-regenerate", "calendar-feed-off"):
        response = client.post(reverse(f"events:{name}"))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
