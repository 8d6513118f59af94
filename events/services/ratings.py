"""After the evening: double-blind ratings, the host's replies, and "would meet again".

The rules, in one place:
- Only an attendee (AttendanceQuerySet.present: the host reported them attended or late) of a
  completed event may rate it or pick people, from its completion until `RATING_WINDOW` after
  its end (`Event.ratings_close_at`). A no-show or someone never there is refused, as is a
  rating before completion, after the window, or a second one.
- Double-blind: an event's ratings are published when every attendee has rated or the window
  has closed, whichever comes first (RatingQuerySet.published, read by every page and
  average). The rating that completes the set publishes them at once, under the event's row
  lock, so two last raters at the same moment cannot both miss each other; the sweep
  (`publish_due_ratings`) marks the rest when windows close. Whoever marks an event published
  emails its host, once: the mark is set under the lock only while it is still empty.
- The host replies once to each published comment.
- "Would meet again": an attendee picks, among the event's other attendees, the people they
  would meet again, and may change the picks while the window is open. Only a pick returned
  (MeetAgainQuerySet.mutual) is ever shown, to the two of them.

Lock order: the event's row (as everywhere in events.services), then the chooser's attendance
row for picks.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import dateformat, timezone

from accounts.services import notify
from events.models import Attendance, Event, MeetAgain, Rating
from events.services.core import EventError, _lock
from profiles.models import HostProfile, SocialProfile

RATING_VALUES = range(1, 6)


# Who may rate and pick --------------------------------------------------------------------


def refusal_to_rate(event: Event, profile: SocialProfile, *, now=None) -> str | None:
    """Why `profile` may not rate `event` now (each refusal its own message), or None. One
    query for the attendance and one for an existing rating at most."""
    if reason := _refusal_after_the_evening(event, profile, "rate this event", now=now):
        return reason
    if Rating.objects.filter(event=event, rater=profile).exists():
        return "You have already rated this event."
    return None


def refusal_to_pick(event: Event, profile: SocialProfile, *, now=None) -> str | None:
    """Why `profile` may not choose whom they would meet again at `event`, or None."""
    return _refusal_after_the_evening(event, profile, "choose whom you would meet again", now=now)


def _refusal_after_the_evening(
    event: Event, profile: SocialProfile, action: str, *, now=None
) -> str | None:
    now = now or timezone.now()
    if event.host.user_id == profile.user_id:
        return f"You hosted this event: only the guests who came can {action}."
    if event.status == Event.Status.CANCELLED:
        return "This event was cancelled."
    if event.status != Event.Status.COMPLETED:
        return f"You can {action} once the event is over."
    came = Attendance.objects.filter(event=event, profile=profile).values_list("status", flat=True)
    status = came.first()
    if status is None:
        return f"Only the guests who came to this event can {action}."
    if status not in Attendance.PRESENT:
        return f"The host reported that you did not come, so you cannot {action}."
    if event.ratings_close_at <= now:
        closed = dateformat.format(timezone.localtime(event.ratings_close_at, event.zone), "l j F")
        return f"The time to {action} ended on {closed}."
    return None


# Rating -------------------------------------------------------------------------------------


def rate_event(
    event: Event,
    *,
    by: SocialProfile,
    host_rating: int,
    event_rating: int,
    comment: str = "",
) -> Rating:
    """`by` rates the host and the event, once. Publishes the event's ratings when this was
    the last attendee's (and emails the host)."""
    if host_rating not in RATING_VALUES or event_rating not in RATING_VALUES:
        raise EventError("Give the host and the event from 1 to 5 stars.")
    with transaction.atomic():
        event = _lock(event)
        if reason := refusal_to_rate(event, by):
            raise EventError(reason)
        try:
            with transaction.atomic():
                rating = Rating.objects.create(
                    event=event,
                    rater=by,
                    rated_host_id=event.host_id,
                    host_rating_value=host_rating,
                    event_rating_value=event_rating,
                    comment=comment.strip(),
                )
        except IntegrityError:  # the unique (event, rater), should the lock ever be bypassed
            raise EventError("You have already rated this event.") from None
        if everyone_rated(event):
            _publish(event, timezone.now())
    return rating


def everyone_rated(event: Event) -> bool:
    """Every attendee of the event has rated it (and there is at least one)."""
    attendees = Attendance.objects.attendees(event).values("profile")
    rated = Rating.objects.filter(event=event, rater__in=attendees).count()
    return rated > 0 and rated == attendees.count()


def publish_if_everyone_rated(event: Event) -> bool:
    """For whoever changes who the attendees are (an attendance report changed after some
    ratings): publish at once if the remaining attendees have all rated. True if published."""
    with transaction.atomic():
        event = _lock(event)
        if event.ratings_published_at is None and everyone_rated(event):
            _publish(event, timezone.now())
            return True
    return False


def publish_due_ratings(now: datetime.datetime | None = None) -> int:
    """The sweep (events/tasks.py): completed events whose rating window has closed, or whose
    attendees have all rated meanwhile, are marked published and their host is told. The
    pages do not wait for this (RatingQuerySet.published computes the window); the mark is
    what makes the email go once. Returns how many events were published."""
    now = now or timezone.now()
    blind = Event.objects.filter(status=Event.Status.COMPLETED, ratings_published_at__isnull=True)
    count = 0
    for event_id in blind.values_list("pk", flat=True):
        with transaction.atomic():
            event = Event.objects.select_for_update().select_related("host__user").get(pk=event_id)
            if event.ratings_published_at is not None:
                continue
            if event.ratings_close_at <= now or everyone_rated(event):
                _publish(event, now)
                count += 1
    return count


def _publish(event: Event, now: datetime.datetime) -> None:
    """Under the event's lock, with its mark still empty: mark it, and tell the host if there
    is anything to read."""
    event.ratings_published_at = now
    event.save(update_fields=["ratings_published_at", "updated_at"])
    count = Rating.objects.filter(event=event).count()
    if count:
        host = HostProfile.objects.select_related("user").get(pk=event.host_id)
        notify(
            host.user,
            "ratings_published",
            about=event,
            link=reverse("events:ratings", args=[event.pk]),
            context={"event": event, "count": count},
        )


def reply_to_rating(rating: Rating, *, by: HostProfile, text: str) -> Rating:
    """The host answers a published comment, once."""
    text = text.strip()
    with transaction.atomic():
        event = _lock(rating.event)
        rating = Rating.objects.select_for_update().get(pk=rating.pk)
        if event.host_id != by.pk:
            raise EventError("Only the host of this event can reply.")
        if not event.ratings_are_published:
            raise EventError("You can reply once the ratings are published.")
        if not rating.comment:
            raise EventError("This rating has no comment to reply to.")
        if rating.replied_at is not None:
            raise EventError("You have already replied to this comment.")
        if not text:
            raise EventError("Write a reply first.")
        rating.reply, rating.replied_at = text, timezone.now()
        rating.save(update_fields=["reply", "replied_at"])
    return rating


# Would meet again -----------------------------------------------------------------------------


def choose_to_meet_again(
    event: Event, *, by: SocialProfile, chosen: list[SocialProfile]
) -> list[MeetAgain]:
    """`by`'s picks at `event` become exactly `chosen` (an empty list takes them all back).
    Returns the picks that are now mutual."""
    chosen_ids = {profile.pk for profile in chosen}
    with transaction.atomic():
        event = _lock(event)
        if reason := refusal_to_pick(event, by):
            raise EventError(reason)
        # Two edits at once by the same person queue here; picks never mix.
        Attendance.objects.select_for_update().get(event=event, profile=by)
        if by.pk in chosen_ids:
            raise EventError("You cannot pick yourself.")
        attendees = set(Attendance.objects.attendees(event).values_list("profile_id", flat=True))
        if chosen_ids - attendees:
            raise EventError("You can only pick people who came to this event.")
        mine = MeetAgain.objects.filter(event=event, chooser=by)
        mine.exclude(chosen__in=chosen_ids).delete()
        kept = set(mine.values_list("chosen_id", flat=True))
        MeetAgain.objects.bulk_create(
            MeetAgain(event=event, chooser=by, chosen_id=profile_id)
            for profile_id in sorted(chosen_ids - kept, key=str)
        )
        mutual = list(mine.mutual().select_related("chosen"))
        # When messaging lands: each pick that has just become mutual opens a private
        # conversation between the two (messaging.services, called here, in this transaction).
    return mutual
