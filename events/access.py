"""The only way views load events and invitations: the object, or Http404.

A public event is visible to every member; a private one only to its host and to the people it
was sent to (a withdrawn invitation no longer opens it). A block between the host and the viewer
hides the event from the viewer. Management pages exist only for the event's host.

Anonymous visitors see a public event that is not cancelled, and nothing else: for anything else
they are asked to log in, exactly as for an id that does not exist."""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404

from events.models import Attendance, CalendarFeed, Event, Invitation, Rating
from profiles.models import Block, HostProfile, SocialProfile


def _events():
    return Event.objects.select_related("host__user__social_profile", "city")


def event_for_viewer(user, event_id) -> Event:
    me = user.social_profile
    event = get_object_or_404(_events(), pk=event_id)
    if event.host.user_id == user.pk:
        return event
    if Block.exists_between(event.host.user.social_profile, me):
        raise Http404
    if event.is_private:
        invited = event.invitations.filter(profile=me).exclude(status=Invitation.Status.WITHDRAWN)
        if not invited.exists():
            raise Http404
    return event


def event_for_visitor(user, event_id) -> Event | None:
    """The event page's loader, for members and anonymous visitors alike. A member gets what
    event_for_viewer gives (the event, or Http404). An anonymous visitor gets a public event that
    is not cancelled (a completed one stays, as a record of what it was), or None for anything
    else, a private or cancelled event as well as an id that does not exist: the view answers them
    all with the same log-in redirect, which tells nothing."""
    if user.is_authenticated:
        return event_for_viewer(user, event_id)
    public = _events().filter(is_private=False).exclude(status=Event.Status.CANCELLED)
    return public.filter(pk=event_id).first()


def guests_for_viewer(event: Event, viewer: SocialProfile | None, *, limit: int) -> list:
    """Person cards of the event's confirmed guests that the viewer may see, in the order they
    confirmed, at most `limit`: the viewer included, nobody blocked in either direction, no
    deactivated account. Anonymous visitors see nobody, only the count. One query, that starts
    from the event's invitations: its cost follows the event, not the site."""
    if viewer is None:
        return []
    blocked = Block.objects.filter(blocker=viewer, blocked=OuterRef("pk"))
    blocking = Block.objects.filter(blocker=OuterRef("pk"), blocked=viewer)
    guests = (
        SocialProfile.objects.for_cards()
        .filter(
            invitations__event=event,
            invitations__status=Invitation.Status.CONFIRMED,
            user__is_active=True,
        )
        .exclude(Exists(blocked))
        .exclude(Exists(blocking))
        .order_by("invitations__responded_at", "invitations__pk")
    )
    return list(guests[:limit])


def own_host_profile(user) -> HostProfile | None:
    return HostProfile.objects.filter(user_id=user.pk).first()


def event_for_host(user, event_id) -> Event:
    return get_object_or_404(_events(), pk=event_id, host__user_id=user.pk)


def invitation_for_guest(user, invitation_id) -> Invitation:
    return get_object_or_404(
        Invitation.objects.select_related("event"), pk=invitation_id, profile__user_id=user.pk
    )


def invitation_for_host(event: Event, invitation_id) -> Invitation:
    """An invitation to an event already loaded with event_for_host."""
    return get_object_or_404(
        Invitation.objects.select_related("profile"), pk=invitation_id, event=event
    )


def shows_location(event: Event, *, is_host: bool, confirmed: bool) -> bool:
    """The exact address: a public event's for everyone, a private one's for its host and its
    confirmed guests only. The event page and the calendar files both ask here."""
    return is_host or confirmed or not event.is_private


def event_for_calendar(user, event_id) -> tuple[Event, bool]:
    """An event whose .ics the user may download, and whether they host it: its host, or a
    guest whose seat is confirmed (a cancelled event stays, to be marked cancelled). Anyone
    else, whatever they may see of the event, gets Http404."""
    event = get_object_or_404(_events(), pk=event_id)
    if event.host.user_id == user.pk:
        return event, True
    confirmed = event.invitations.filter(
        profile__user_id=user.pk, status=Invitation.Status.CONFIRMED
    )
    if not confirmed.exists():
        raise Http404
    return event, False


def calendar_feed_by_token(token: str) -> CalendarFeed:
    """The feed of this token, with its person; a revoked or unknown token is Http404. Only
    an active account's feed opens."""
    return get_object_or_404(
        CalendarFeed.objects.select_related("profile"),
        token=token,
        profile__user__is_active=True,
    )


def own_calendar_feed(user) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(profile__user_id=user.pk).first()


def seat_for_attendee(user, event_id) -> Invitation:
    """The user's confirmed seat at this event, for their attendance page; Http404 for anyone
    without one (a guest who gave the seat back included)."""
    return get_object_or_404(
        Invitation.objects.select_related("event__city", "profile"),
        event_id=event_id,
        profile__user_id=user.pk,
        status=Invitation.Status.CONFIRMED,
    )


def ticket_for_guest(user, invitation_id) -> Invitation:
    """One's own ticket: an invitation of one's own that was given a code (a confirmed seat, or
    one given back since). Anyone else's, and an invitation never confirmed, is Http404."""
    tickets = Invitation.objects.select_related("event__city", "event__host", "profile__user")
    return get_object_or_404(
        tickets.exclude(ticket_code=""), pk=invitation_id, profile__user_id=user.pk
    )


def attendees_for_viewer(event: Event, viewer: SocialProfile) -> list:
    """Person cards of the event's other attendees (AttendanceQuerySet.present) that the viewer
    may see: nobody blocked in either direction, no deactivated account, never the viewer. One
    query, from the event's attendance rows."""
    blocked = Block.objects.filter(blocker=viewer, blocked=OuterRef("pk"))
    blocking = Block.objects.filter(blocker=OuterRef("pk"), blocked=viewer)
    came = Attendance.objects.attendees(event).filter(profile=OuterRef("pk"))
    people = (
        SocialProfile.objects.for_cards()
        .filter(Exists(came), user__is_active=True)
        .exclude(pk=viewer.pk)
        .exclude(Exists(blocked))
        .exclude(Exists(blocking))
        .order_by("preferred_name", "first_name", "pk")
    )
    return list(people)


def rating_for_host(event: Event, rating_id) -> Rating:
    """A published rating of an event already loaded with event_for_host: before publication,
    the host cannot reach any rating of it, not even by id."""
    return get_object_or_404(
        Rating.objects.published().select_related("event", "rater"), pk=rating_id, event=event
    )
