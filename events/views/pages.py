"""Discovery and the event page."""

import datetime

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from events import access, after, services, sharing
from events.forms import (
    DiscoverForm,
)
from events.models import Event, Interested, Invitation
from momento.http import redirect_back
from momento.pagination import paginate
from profiles import access as profile_access
from profiles.models import SocialProfile

PAGE_SIZE = 20
GUESTS_SHOWN = 100  # person cards on an event page; the count says how many more


@require_GET
def discover(request):
    """Open to everyone. A member sees their current city by default, and no event of a host
    blocked either way; an anonymous visitor sees every city unless the `city` filter says."""
    me = profile_access.own_profile(request.user) if request.user.is_authenticated else None
    data = request.GET
    if not data and me is not None:  # by default, what is on in one's current city
        current = me.cities.filter(is_current=True).values_list("city_id", flat=True).first()
        data = {"city": current} if current else {}
    form = DiscoverForm(data)
    events = Event.objects.discoverable()
    if me is not None:
        events = events.visible_to(me)
    events = events.select_related("city", "host").with_counts()
    if form.is_valid():
        events = _filter(events, form.cleaned_data)
    page = paginate(
        events, order=("starts_at", "pk"), cursor=request.GET.get("after"), size=PAGE_SIZE
    )
    query = request.GET.copy()
    query.pop("after", None)
    return render(
        request,
        "events/event_discover.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


def _filter(events, data):
    if data["city"]:
        events = events.filter(city=data["city"])
    # A date is a day where the events are: the chosen city's, else the project's zone.
    zone = data["city"].zone if data["city"] else timezone.get_default_timezone()
    if data["starts_after"]:
        start = datetime.datetime.combine(data["starts_after"], datetime.time.min, zone)
        events = events.filter(starts_at__gte=start)
    if data["starts_before"]:
        end = datetime.datetime.combine(data["starts_before"], datetime.time.min, zone)
        events = events.filter(starts_at__lt=end + datetime.timedelta(days=1))
    if data["tag"]:
        events = events.filter(tags=data["tag"])
    if data["price"] == "free":
        events = events.filter(fee_cents=0)
    elif data["price"] == "paid":
        events = events.filter(fee_cents__gt=0)
    if data["kind"]:
        events = events.filter(is_business=data["kind"] == "business")
    return events


@require_GET
def detail(request, event_id):
    """A public event's page opens logged out too (a link a host shares); anything else asks an
    anonymous visitor to log in, whether it exists or not."""
    event = access.event_for_visitor(request.user, event_id)
    if event is None:
        return redirect_to_login(request.get_full_path())
    me = profile_access.own_profile(request.user) if request.user.is_authenticated else None
    counted = Event.objects.with_counts().values("attending_count", "interested_count")
    counts = counted.get(pk=event.pk)
    place = _place(event, me)
    guests = access.guests_for_viewer(event, me, limit=GUESTS_SHOWN)
    on_the_day = services.reporting_open(event)
    return render(
        request,
        "events/event_detail.html",
        {
            "event": event,
            "tags": list(event.tags.all()),
            **place,
            "shows_location": access.shows_location(
                event, is_host=place["is_host"], confirmed=place["confirmed"]
            ),
            "seats_free": max(event.max_participants - services.seats_taken(event), 0),
            "guests": guests,
            # Confirmed guests not shown (blocked, deactivated, past the cap): the count stays.
            "guests_unseen": max(counts["attending_count"] - len(guests), 0),
            "share": sharing.share_card(event),
            **counts,
            **_evening(event, place, guests, on_the_day),
            **_after_the_event(event, me),
        },
    )


def _after_the_event(event: Event, me: SocialProfile | None) -> dict:
    """A completed event's published ratings and the viewer's part in them (events/after.py)."""
    if event.status != Event.Status.COMPLETED:
        return {"after_event": False}
    published = after.published_ratings(event)
    return {
        "after_event": True,
        "standing": after.standing(event, me),
        "ratings": published["ratings"],
        "ratings_average": published["average"],
        "ratings_count": published["count"],
    }


def _place(event: Event, me: SocialProfile | None) -> dict:
    """The viewer's own standing on the event; an anonymous visitor has none."""
    if me is None:
        return {"mine": None, "is_host": False, "confirmed": False, "interested": False}
    mine = event.invitations.filter(profile=me).first()
    return {
        "mine": mine,
        "is_host": event.host.user_id == me.user_id,
        "confirmed": mine is not None and mine.status == Invitation.Status.CONFIRMED,
        "interested": Interested.objects.filter(event=event, profile=me).exists(),
        "waitlist_place": _waitlist_place(mine),
    }


def _evening(event: Event, place: dict, guests: list, on_the_day: bool) -> dict:
    """On the event's day, the group (its confirmed guests and host) sees who of them is running
    late or can't make it; a confirmed guest gets their "on the day" panel."""
    mine = place["mine"]
    in_group = place["is_host"] or place["confirmed"]
    news = []
    if in_group and on_the_day and guests:
        news = list(Invitation.objects.evening_news(event, [guest.pk for guest in guests]))
    return {
        "news": news,
        "has_ticket": bool(mine and mine.is_confirmed) and event.status != Event.Status.CANCELLED,
        "on_the_day": on_the_day,
        "late_choices": services.LATE_MINUTES,
    }


def _waitlist_place(invitation: Invitation | None) -> int | None:
    if invitation is None or invitation.status != Invitation.Status.WAITLISTED:
        return None
    ahead = Invitation.objects.filter(
        event_id=invitation.event_id,
        status=Invitation.Status.WAITLISTED,
        waitlisted_at__lt=invitation.waitlisted_at,
    )
    return ahead.count() + 1


@login_required
@require_POST
def interested(request, event_id, mark):
    event = access.event_for_viewer(request.user, event_id)
    me = profile_access.own_profile(request.user)
    if mark:
        services.mark_interested(event, by=me)
    else:
        services.unmark_interested(event, by=me)
    if request.htmx:
        count = Interested.objects.filter(event=event).count()
        return render(
            request,
            "events/_interested_button.html",
            {"event": event, "interested": mark, "interested_count": count},
        )
    return redirect_back(request, event.get_absolute_url())
