"""Dates in the cards of long lists, at the cost of a strftime rather than Django's `date`
filter (which parses its format string and looks up localised formats on every call)."""

import datetime

from django import template
from django.template.defaultfilters import date

register = template.Library()

MACHINE_FORMAT = "Y-m-d\\TH:iO"  # a <time datetime> attribute, to the minute


@register.filter(expects_localtime=True, is_safe=False)
def machine_time(value):
    """`value|date:'Y-m-d\\TH:iO'`, the same string: in UTC (the site's zone) by strftime,
    otherwise by Django's filter (which knows ambiguous and imaginary local times)."""
    if isinstance(value, datetime.datetime) and value.utcoffset() == datetime.timedelta(0):
        return value.strftime("%Y-%m-%dT%H:%M+0000")
    return date(value, MACHINE_FORMAT)
