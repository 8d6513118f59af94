"""Calendar files: one seat's .ics, the private feed (no log-in: calendar apps can't), and
the settings that turn the feed on, give it a new address, or turn it off."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from events import access, calendar, services
from profiles import access as profile_access

CACHE = "private, max-age=300"  # calendar apps poll; a change shows within minutes
SETTINGS = "accounts:settings"


def _ics(content: bytes, *, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = CACHE
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
@require_GET
def event_calendar(request, event_id):
    """The .ics of one event, for its host and its confirmed guests."""
    event, is_host = access.event_for_calendar(request.user, event_id)
    entry = calendar.Entry(
        event, shows_location=access.shows_location(event, is_host=is_host, confirmed=True)
    )
    return _ics(calendar.calendar_of([entry]), filename=calendar.file_name(event))


@require_GET
def feed(request, token):
    feed = access.calendar_feed_by_token(token)
    entries = calendar.feed_entries(feed.profile)
    content = calendar.calendar_of(entries, name="Momento")
    return _ics(content, filename="momento.ics")


def feed_urls(request, feed) -> dict:
    """The addresses the settings page shows for a feed: https and webcal (subscribe)."""
    if feed is None:
        return {}
    url = request.build_absolute_uri(reverse("events:calendar-feed", args=[feed.token]))
    return {"feed_url": url, "webcal_url": "webcal://" + url.split("://", 1)[1]}


@login_required
@require_POST
def feed_on(request):
    services.turn_on_calendar_feed(profile_access.own_profile(request.user))
    messages.success(request, "Your calendar feed is on: add its address to your calendar app.")
    return redirect(reverse(SETTINGS) + "#calendar")


@login_required
@require_http_methods(["GET", "POST"])
def feed_regenerate(request):
    """A confirmation first: calendars subscribed to the old address stop updating."""
    if access.own_calendar_feed(request.user) is None:
        return redirect(reverse(SETTINGS) + "#calendar")
    if request.method == "POST":
        services.regenerate_calendar_feed(profile_access.own_profile(request.user))
        messages.success(request, "Your calendar feed has a new address; the old one is off.")
        return redirect(reverse(SETTINGS) + "#calendar")
    return render(request, "events/calendar_feed_confirm.html", {"action": "regenerate"})


@login_required
@require_http_methods(["GET", "POST"])
def feed_off(request):
    if access.own_calendar_feed(request.user) is None:
        return redirect(reverse(SETTINGS) + "#calendar")
    if request.method == "POST":
        services.turn_off_calendar_feed(profile_access.own_profile(request.user))
        messages.success(request, "Your calendar feed is off: its address no longer works.")
        return redirect(reverse(SETTINGS) + "#calendar")
    return render(request, "events/calendar_feed_confirm.html", {"action": "off"})
