from django import template
from django.core.files.storage import default_storage

register = template.Library()


@register.filter
def media_url(name: str) -> str:
    """The public URL of a stored file, from whichever storage is configured."""
    return default_storage.url(name) if name else ""
