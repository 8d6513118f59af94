from django import template

from events.models import format_money

register = template.Library()


@register.simple_tag
def money(cents: int, currency: str) -> str:
    return format_money(cents, currency)
