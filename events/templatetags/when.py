"""Dates in the cards of long lists, at the cost of a strftime rather than Django's `date`
filter (which parses its format string and looks up localised formats on every call)."""

import datetime
import functools

from django import template
from django.template.defaultfilters import date
from django.utils import translation
from django.utils.dates import MONTHS_3, WEEKDAYS_ABBR
from django.utils.translation import get_language

from events import zones

register = template.Library()

MACHINE_FORMAT = "Y-m-d\\TH:iO"  # a <time datetime> attribute, to the minute
CARD_FORMAT = "D j M Y, H:i"  # "Fri 4 Dec 2026, 19:30": when an event starts, on its card


@register.filter(expects_localtime=True, is_safe=False)
def machine_time(value):
    """`value|date:'Y-m-d\\TH:iO'`, the same string: in UTC (the site's zone) by strftime,
    otherwise by Django's filter (which knows ambiguous and imaginary local times)."""
    if isinstance(value, datetime.datetime) and value.utcoffset() == datetime.timedelta(0):
        return value.strftime("%Y-%m-%dT%H:%M+0000")
    if isinstance(value, zones.Zoned):  # converted from UTC: never ambiguous, its offset is known
        return value.strftime("%Y-%m-%dT%H:%M%z")
    return date(value, MACHINE_FORMAT)


@register.filter(expects_localtime=False, is_safe=False)
def in_zone(value, event):
    """`{{ event.starts_at|in_zone:event|date:"l j F Y, H:i" }}`: every time of an event, on
    every page and in every email, is shown in the event's city zone, by this filter. Where no
    city stands beside the time, `{{ event|zone_label }}` names the zone after it."""
    if not isinstance(value, datetime.datetime):
        return ""
    return zones.zoned(value, event)


@register.filter(is_safe=False)
def zone_label(event) -> str:
    """How a time of the event names its zone: "Paris time" (events/zones.py)."""
    return zones.zone_label(event)


@register.filter(expects_localtime=True, is_safe=False)
def card_time(value):
    """`value|date:'D j M Y, H:i'`, the same string in the current language and time zone, from
    the translated day and month names (what the filter itself reads) and a strftime."""
    if not isinstance(value, datetime.datetime) or not 1000 <= value.year <= 9999:
        return date(value, CARD_FORMAT)
    days, months = _names(get_language())
    return f"{days[value.weekday()]} {value.day} {months[value.month]} {value.year}, {value:%H:%M}"


@functools.lru_cache(maxsize=32)
def _names(language: str | None) -> tuple[dict, dict]:
    """The day and month abbreviations of `date`'s D and M, translated once per language."""
    with translation.override(language):
        days = {number: str(name) for number, name in WEEKDAYS_ABBR.items()}
        return days, {number: str(name).title() for number, name in MONTHS_3.items()}
