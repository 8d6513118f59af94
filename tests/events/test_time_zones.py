"""Event times: stored in UTC, typed and shown in the event's city zone (events/zones.py), with
the server in UTC. New York changes its clocks on 14 March and 7 November 2027, Tokyo never."""

import datetime
import importlib
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.urls import reverse
from pytest_django.asserts import assertContains

from events import services, zones
from events.factories import EventFactory
from events.models import Event
from events.templatetags.when import machine_time
from profiles.factories import CityFactory, HostProfileFactory, SocialProfileFactory
from profiles.models import City
from profiles.zones import zone_for

pytestmark = pytest.mark.django_db
UTC = datetime.UTC
NOW = datetime.datetime(2027, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _frozen():
    """First of the fixtures: log-in sessions are made in the frozen time too."""
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def host(client, user):
    client.force_login(user)
    return HostProfileFactory(user=user, host_name="Alice's table")


@pytest.fixture
def new_york(db):
    return CityFactory(name="New York", country="United States")


def form(city, starts: str, ends: str, **more) -> dict:
    return {
        "title": "Pizza on the roof",
        "starts_at": starts,
        "ends_at": ends,
        "city": city.pk,
        "location": "1 Roof Street",
        "min_participants": 1,
        "max_participants": 6,
        "fee": "0",
        "refund_cutoff_hours": "48",
        **more,
    }


def test_the_demo_cities_have_their_countries_zones_and_unknown_ones_utc():
    assert zone_for("Lyon", "France") == "Europe/Paris"
    assert zone_for("london", "United Kingdom") == "Europe/London"
    assert zone_for("New York", "United States") == "America/New_York"
    assert zone_for("Atlantis", "Nowhere") == "UTC"
    assert CityFactory(name="Lisbon", country="Portugal").time_zone == "Europe/Lisbon"


def test_a_new_york_time_typed_in_the_form_is_stored_in_utc_and_shown_in_new_york_time(
    client, host, new_york
):
    response = client.post(
        reverse("events:create"), form(new_york, "2027-03-12T19:30", "2027-03-12T22:00")
    )
    event = Event.objects.get()
    assert response.status_code == 302
    assert event.starts_at == datetime.datetime(2027, 3, 13, 0, 30, tzinfo=UTC)  # EST, -5
    assert event.ends_at == datetime.datetime(2027, 3, 13, 3, 0, tzinfo=UTC)
    page = client.get(event.get_absolute_url())
    assertContains(page, "Friday 12 March 2027, 19:30")
    assertContains(page, "22:00</time> (New York time)")
    assertContains(page, 'datetime="2027-03-12T19:30-0500"')
    edit = client.get(reverse("events:edit", args=[event.pk]))
    assertContains(edit, 'value="2027-03-12T19:30"')
    assertContains(edit, 'value="2027-03-12T22:00"')


def test_an_edit_across_the_clock_change_keeps_the_wall_time_and_moves_the_offset(
    client, host, new_york
):
    client.post(reverse("events:create"), form(new_york, "2027-03-12T19:30", "2027-03-12T22:00"))
    event = Event.objects.get()
    data = form(new_york, "2027-03-19T19:30", "2027-03-19T22:00")  # a week later: EDT, -4
    client.post(reverse("events:edit", args=[event.pk]), data)
    event.refresh_from_db()
    assert event.starts_at == datetime.datetime(2027, 3, 19, 23, 30, tzinfo=UTC)
    page = client.get(event.get_absolute_url())
    assertContains(page, "Friday 19 March 2027, 19:30")
    assertContains(page, 'datetime="2027-03-19T19:30-0400"')


def test_a_tokyo_event_reads_tokyo_time_on_discovery_cards(client, host):
    tokyo = CityFactory(name="Tokyo", country="Japan")
    data = form(tokyo, "2027-03-05T09:00", "2027-03-05T11:00", is_private="")
    client.post(reverse("events:create"), data)
    event = Event.objects.get()
    assert event.starts_at == datetime.datetime(2027, 3, 5, 0, 0, tzinfo=UTC)
    cards = client.get(reverse("events:discover"), {"city": tokyo.pk})
    assertContains(cards, "Fri 5 Mar 2027, 09:00</time> · Tokyo")
    assertContains(cards, 'datetime="2027-03-05T09:00+0900"')


@pytest.mark.parametrize(
    "starts, message",
    [
        ("2027-03-14T02:30", "02:30 does not exist on 14 March: the clocks jump forward"),
        ("2027-11-07T01:30", "01:30 happens twice on 7 November: the clocks go back"),
    ],
)
def test_a_time_the_clock_change_skips_or_repeats_is_refused_with_its_own_message(
    client, host, new_york, starts, message
):
    day = starts[:10]
    response = client.post(reverse("events:create"), form(new_york, starts, f"{day}T05:00"))
    assert response.status_code == 200
    assertContains(response, message)
    assert not Event.objects.exists()


def test_emails_state_the_time_in_the_event_zone_and_name_it(new_york, task_queue):
    host = HostProfileFactory(host_name="Rooftop club")
    starts = datetime.datetime(2027, 3, 13, 0, 30, tzinfo=UTC)
    event = EventFactory(host=host, city=new_york, starts_at=starts)
    guest = SocialProfileFactory()
    task_queue.outbox().clear()
    services.invite(event, guest, by=host)
    (email,) = task_queue.outbox()
    assert "Friday 12 March 2027, 19:30 (New York time), in New York" in email.body


def test_the_second_of_two_equal_wall_times_keeps_its_own_offset():
    """06:30 UTC on 7 November 2027 is the second 01:30 in New York (EST, after the change)."""
    event = EventFactory.build(city=City(name="New York", time_zone="America/New_York"))
    first = datetime.datetime(2027, 11, 7, 5, 30, tzinfo=UTC)
    second = datetime.datetime(2027, 11, 7, 6, 30, tzinfo=UTC)
    assert machine_time(zones.zoned(first, event)) == "2027-11-07T01:30-0400"
    assert machine_time(zones.zoned(second, event)) == "2027-11-07T01:30-0500"
    wall = datetime.datetime(2027, 7, 4, 20, 0)
    utc = zones.from_wall_time(wall, ZoneInfo("America/New_York"))
    assert utc == datetime.datetime(2027, 7, 5, 0, 0, tzinfo=UTC)
    assert zones.to_wall_time(utc, ZoneInfo("America/New_York")) == wall


def test_the_migration_gives_known_cities_their_zone_and_keeps_one_set_by_staff():
    migration = importlib.import_module("profiles.migrations.0007_known_city_time_zones")
    lisbon = City.objects.create(name="Lisbon", country="Portugal")  # the column's default
    kept = City.objects.create(name="Funchal", country="Portugal", time_zone="Europe/Lisbon")
    unknown = City.objects.create(name="Atlantis", country="Nowhere")
    migration.set_known_zones(apps, None)
    zones_now = dict(City.objects.values_list("name", "time_zone"))
    assert zones_now[lisbon.name] == "Europe/Lisbon"
    assert zones_now[kept.name] == "Europe/Lisbon"  # staff's choice stays
    assert zones_now[unknown.name] == "UTC"


# Discovery's dates ------------------------------------------------------------------------------


def test_discoverys_dates_are_days_in_the_chosen_citys_zone(client):
    """Auckland is 13 hours ahead of UTC in January: 23:30 there on the 15th is 10:30 UTC the
    same day, and 00:30 on the 16th is 11:30 UTC on the 15th. Honolulu is 10 hours behind:
    23:30 there on the 15th is 09:30 UTC on the 16th. Read in UTC, the days would mix them."""
    from tests.events.test_views import titles

    auckland = CityFactory(name="Auckland", country="New Zealand", time_zone="Pacific/Auckland")
    honolulu = CityFactory(name="Honolulu", country="United States", time_zone="Pacific/Honolulu")
    akl, hnl = ZoneInfo("Pacific/Auckland"), ZoneInfo("Pacific/Honolulu")
    for city, zone, title, day, hour in (
        (auckland, akl, "Late supper", 15, 23),
        (auckland, akl, "After midnight", 16, 0),
        (honolulu, hnl, "Luau night", 15, 23),
    ):
        starts = datetime.datetime(2028, 1, day, hour, 30, tzinfo=zone)
        EventFactory(title=title, city=city, is_private=False, starts_at=starts)

    def found(city, start, end=None):
        query = {"city": city.pk, "starts_after": start, "starts_before": end or start}
        return titles(client.get(reverse("events:discover"), query))

    assert found(auckland, "2028-01-15") == ["Late supper"]
    assert found(auckland, "2028-01-16") == ["After midnight"]
    assert found(auckland, "2028-01-14") == []
    assert found(honolulu, "2028-01-15") == ["Luau night"]
    assert found(honolulu, "2028-01-16") == []
    # "From" alone: the 16th in Auckland starts after the late supper.
    query = {"city": auckland.pk, "starts_after": "2028-01-16"}
    assert titles(client.get(reverse("events:discover"), query)) == ["After midnight"]


def test_discoverys_dates_without_a_city_are_days_in_the_projects_zone(client, settings):
    from tests.events.test_views import titles

    settings.TIME_ZONE = "Pacific/Honolulu"
    honolulu = CityFactory(name="Honolulu", country="United States", time_zone="Pacific/Honolulu")
    starts = datetime.datetime(2028, 1, 15, 23, 30, tzinfo=ZoneInfo("Pacific/Honolulu"))
    EventFactory(title="Luau night", city=honolulu, is_private=False, starts_at=starts)
    for day, expected in (("2028-01-15", ["Luau night"]), ("2028-01-16", [])):
        query = {"city": "", "starts_after": day, "starts_before": day}
        assert titles(client.get(reverse("events:discover"), query)) == expected, day
