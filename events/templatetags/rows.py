"""Links in the rows of long lists at the cost of a string format, not of a reverse() each."""

from django import template

from momento import urlmaker

register = template.Library()


@register.simple_tag
def row_url(viewname: str, value) -> str:
    """`{% url viewname value %}` for a view of one UUID or word argument: the same URL, from
    momento/urlmaker.py (reversed once per view, then filled in per row)."""
    return urlmaker.row_url(viewname, value)


@register.filter(is_safe=True)
def digits(value):
    """`{{ count|digits }}`: a count in a row of a long list as its digits, the string that
    `{{ count }}` prints on this site (USE_THOUSAND_SEPARATOR is off: no grouping in any
    language), without the three localized-format lookups that printing does per number.
    Anything but an int is left to the template as it is."""
    return str(value) if type(value) is int else value
