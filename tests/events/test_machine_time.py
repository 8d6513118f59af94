"""machine_time and card_time write what Django's `date` filter writes with their formats."""

import datetime
import zoneinfo

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

UTC = datetime.UTC
PARIS = zoneinfo.ZoneInfo("Europe/Paris")


@pytest.mark.parametrize(
    "value",
    [
        datetime.datetime(2026, 12, 2, 0, 5, 59, tzinfo=UTC),
        datetime.datetime(2026, 7, 14, 21, 30, tzinfo=PARIS),
        datetime.datetime(1999, 1, 1, 9, 0),  # naive
        None,
        "",
    ],
)
@pytest.mark.parametrize("zone", ["UTC", "Europe/Paris", "Asia/Kolkata"])
def test_the_same_string_as_djangos_date_filter(value, zone):
    ours = Template("{% load when %}{{ value|machine_time }}")
    djangos = Template("{{ value|date:'Y-m-d\\TH:iO' }}")
    with timezone.override(zone):
        context = Context({"value": value})
        assert ours.render(context) == djangos.render(context)


def test_a_utc_time_to_the_minute():
    value = datetime.datetime(2026, 12, 2, 0, 5, 59, tzinfo=UTC)
    out = Template("{% load when %}{{ value|machine_time }}").render(Context({"value": value}))
    assert out == "2026-12-02T00:05+0000"


@pytest.mark.parametrize(
    "value",
    [
        datetime.datetime(2026, 12, 4, 19, 30, tzinfo=UTC),
        datetime.datetime(2026, 3, 29, 1, 30, tzinfo=UTC),  # Paris changes its clocks that night
        datetime.datetime(2026, 5, 3, 23, 59, 59, tzinfo=PARIS),
        datetime.datetime(1999, 1, 1, 9, 0),  # naive
        None,
        "",
    ],
)
@pytest.mark.parametrize("zone", ["UTC", "Europe/Paris", "Asia/Kolkata"])
@pytest.mark.parametrize("language", ["en", "es", "fr", "de"])
def test_a_cards_time_is_the_same_string_as_djangos_date_filter(value, zone, language):
    ours = Template("{% load when %}{{ value|card_time }}")
    djangos = Template('{{ value|date:"D j M Y, H:i" }}')
    with timezone.override(zone), translation.override(language):
        context = Context({"value": value})
        assert ours.render(context) == djangos.render(context)


def test_a_cards_time_names_the_day_and_the_month():
    value = datetime.datetime(2026, 12, 4, 19, 30, tzinfo=UTC)
    out = Template("{% load when %}{{ value|card_time }}").render(Context({"value": value}))
    assert out == "Fri 4 Dec 2026, 19:30"
