"""Dates in the cards of long lists, at the cost of a strftime rather than Django's `date`
filter (which parses its format string and looks up localised formats on every call)."""

import datetime

from django import template
from django.template.defaultfilters import date

from events import zones

register = template.Library()

MACHINE_FORMAT = "Y-m-d\\TH:iO"  # a <time datetime> attribute, to the minute


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
