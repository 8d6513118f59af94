"""The only way views load events and invitations: the object, or Http404.

A public event is visible to every member; a private one only to its host and to the people it
was sent to (a withdrawn invitation no longer opens it). A block between the host and the viewer
hides the event from the viewer. Management pages exist only for the event's host."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404

from events.models import Event, Invitation
from profiles.models import Block, HostProfile


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
