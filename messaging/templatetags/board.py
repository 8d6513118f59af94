from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils.html import urlize
from django.utils.safestring import mark_safe

from messaging.access import LIVE_STATUSES

register = template.Library()


@register.filter(is_safe=True, needs_autoescape=True)
def as_text(value: str, autoescape=True):
    """What someone wrote, shown as text: escaped, line breaks kept, web addresses made into
    links that pass no ranking and no window handle (rel="nofollow noopener")."""
    linked = urlize(value, nofollow=True, autoescape=True)
    linked = linked.replace('rel="nofollow"', 'rel="nofollow noopener"')
    return mark_safe(linebreaksbr(mark_safe(linked), autoescape=False))


@register.filter
def opens_board(invitation) -> bool:
    """Whether the event page links its board for this invitation (no query; the board itself
    decides, in messaging/access.py)."""
    return invitation is not None and invitation.status in LIVE_STATUSES
