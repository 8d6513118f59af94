"""What pages show of an event after it (events/services/ratings.py has the rules): its
published ratings, the viewer's own rating and what they may still do, and the viewer's mutual
"would meet again" picks. Each function costs a fixed number of queries, whatever the number of
attendees or ratings; nothing here shows a rating before publication to anyone but its rater,
or a pick that was not returned."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Avg, Count, Exists, OuterRef
from django.utils import timezone

from events import services
from events.models import Attendance, Event, MeetAgain, Rating
from profiles.models import SocialProfile

RATINGS_SHOWN = 50  # comments on an event page or the host's ratings page; the average counts all


@dataclass
class Standing:
    """The viewer's side of one completed event."""

    my_rating: Rating | None = None
    may_rate: bool = False
    may_pick: bool = False
    mutual: list[SocialProfile] = field(default_factory=list)


def published_ratings(event: Event) -> dict:
    """The event's published ratings (`ratings`, newest first, at most RATINGS_SHOWN), their
    `average` and `count`: empty before publication, for everyone. Two queries."""
    published = Rating.objects.published().filter(event=event)
    summary = published.aggregate(
        average=Avg("event_rating_value"),
        host_average=Avg("host_rating_value"),
        count=Count("pk"),
    )
    return {"ratings": list(published.for_display()[:RATINGS_SHOWN]), **summary}


def standing(event: Event, me: SocialProfile | None) -> Standing | None:
    """The viewer's rating, whether they may rate or pick now, and their mutual picks at this
    event; None for anonymous visitors and events that are not completed."""
    if me is None or event.status != Event.Status.COMPLETED:
        return None
    mine = Rating.objects.filter(event=event, rater=me).first()
    may_pick = services.refusal_to_pick(event, me) is None
    return Standing(
        my_rating=mine,
        may_rate=mine is None and may_pick,
        may_pick=may_pick,
        mutual=[pick.chosen for pick in MeetAgain.objects.shown_to(me).filter(event=event)],
    )


def for_my_events(me: SocialProfile, invitations: list) -> None:
    """Sets `after` (a Standing) on each invitation of "my events" to a completed event: two
    queries for the whole page, none when it has no completed event."""
    events = {i.event_id: i.event for i in invitations if i.event.status == Event.Status.COMPLETED}
    if not events:
        return
    came = Attendance.objects.present().filter(event=OuterRef("pk"), profile=me)
    rated = Rating.objects.filter(event=OuterRef("pk"), rater=me)
    flags = Event.objects.filter(pk__in=events).annotate(came=Exists(came), rated=Exists(rated))
    standings = {}
    for event_id, attended, has_rated in flags.values_list("pk", "came", "rated"):
        open_ = attended and events[event_id].ratings_close_at > timezone.now()
        standings[event_id] = Standing(may_rate=open_ and not has_rated, may_pick=open_)
    for pick in MeetAgain.objects.shown_to(me).filter(event__in=events):
        standings[pick.event_id].mutual.append(pick.chosen)
    for invitation in invitations:
        invitation.after = standings.get(invitation.event_id)
