"""The personal calendar feed's token: turned on (created on demand), regenerated (a new
token, the old address answers 404 at once) and turned off (the row deleted). One row per
person, enforced by the database (OneToOne), so two clicks at once still make one feed."""

from __future__ import annotations

import secrets

from django.db import IntegrityError, transaction

from events.models import CalendarFeed
from profiles.models import SocialProfile


def _new_token() -> str:
    return secrets.token_urlsafe(32)


def turn_on_calendar_feed(profile: SocialProfile) -> CalendarFeed:
    """The person's feed, created if they have none yet."""
    feed = CalendarFeed.objects.filter(profile=profile).first()
    if feed is not None:
        return feed
    try:
        with transaction.atomic():
            return CalendarFeed.objects.create(profile=profile, token=_new_token())
    except IntegrityError:  # created meanwhile, by another request of theirs
        return CalendarFeed.objects.get(profile=profile)


def regenerate_calendar_feed(profile: SocialProfile) -> CalendarFeed:
    """A new address for the person's feed (created if they had none): the old one stops."""
    token = _new_token()
    updated = CalendarFeed.objects.filter(profile=profile).update(token=token)
    if not updated:
        return turn_on_calendar_feed(profile)
    return CalendarFeed.objects.get(profile=profile)


def turn_off_calendar_feed(profile: SocialProfile) -> None:
    CalendarFeed.objects.filter(profile=profile).delete()
