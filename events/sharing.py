"""What a shared link to an event previews: the OpenGraph and Twitter card tags.

Only public events have them. Link previewers fetch pages logged out, so a private event's tags
would never serve a preview; leaving them off also keeps a private event's words out of chat
apps' caches. The text says when, the city and the host, never the exact address."""

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils.formats import date_format
from django.utils.text import Truncator

from events.models import Event
from events.zones import zoned

DESCRIPTION_LENGTH = 200


def absolute_url(path: str) -> str:
    """A link for another site: previewers need the scheme and host. A storage may already give
    absolute URLs (a CDN), kept as they are."""
    if path.startswith(("https://", "http://")):
        return path
    return settings.SITE_URL.rstrip("/") + path


def share_card(event: Event) -> dict | None:
    """The preview of a public event's page; None for a private one."""
    if event.is_private:
        return None
    when = date_format(zoned(event.starts_at, event), "D j M Y, H:i")  # the city beside names it
    facts = f"{when} · {event.city.name} · Hosted by {event.host.host_name}"
    text = " ".join(event.description.split())  # plain text on one line
    return {
        "title": event.title,
        "description": Truncator(f"{facts}. {text}" if text else facts).chars(DESCRIPTION_LENGTH),
        "url": absolute_url(event.get_absolute_url()),
        "image": absolute_url(default_storage.url(event.image_large)) if event.image_large else "",
    }
