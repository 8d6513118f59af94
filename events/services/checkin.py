"""The evening: checking guests in, and guests telling the host they are running late or can't
make it.

Check-in is open from the start of the event's day, in the event's own zone, until
`CHECK_IN_AFTER_END` after its end; only the event's host checks in, by the code on the guest's
ticket or by the toggle beside the guest's name. A check-in records the guest as attended (one
`Attendance` row per guest, reported by the host); undoing it takes both back. Both lock the
event's row, then the invitation's (core's lock order), so two phones checking the same code in
at once make one check-in and the second hears "already checked in".

On the event's day, until its end, a confirmed guest may say they are running late (by one of
`LATE_MINUTES`) or can't make it. Can't make it while the booking fee would still be refunded
(before the refund cut-off, and before the start) gives the seat back through the core loop's
`cancel_seat`, refund and waitlist as there; after the cut-off the seat stays and only the host
is told (the attendance reporting decides what it counts as). Either way the host gets an email.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import dateformat, timezone

from accounts.services import notify
from events import tickets
from events.models import Attendance, Event, Invitation
from events.services.core import (
    EventError,
    _lock,
    _lock_invitation,
    _refuse_unless_guest,
    _refuse_unless_host,
)
from events.services.seats import cancel_seat, refunds_on_cancel
from profiles.models import HostProfile, SocialProfile

CHECK_IN_AFTER_END = datetime.timedelta(hours=6)
LATE_MINUTES = (5, 10, 15, 30)


def day_start(event: Event) -> datetime.datetime:
    """Midnight at the start of the event's day, in the event's zone."""
    local = timezone.localtime(event.starts_at, event.zone)
    return datetime.datetime.combine(local.date(), datetime.time.min, tzinfo=event.zone)


def check_in_closes(event: Event) -> datetime.datetime:
    return event.ends_at + CHECK_IN_AFTER_END


def local_time(event: Event, moment: datetime.datetime, format: str = "l j F, H:i") -> str:
    """A moment as the event's place reads it."""
    return dateformat.format(timezone.localtime(moment, event.zone), format)


@dataclass(frozen=True)
class Window:
    """Where check-in stands now: `open`, or the refusal that says why not."""

    open: bool
    refusal: str = ""


def check_in_window(event: Event, now: datetime.datetime | None = None) -> Window:
    now = now or timezone.now()
    if event.status == Event.Status.CANCELLED:
        return Window(False, "This event is cancelled: there is nobody to check in.")
    if now < day_start(event):
        opens = local_time(event, day_start(event))
        return Window(False, f"Check-in opens on the event's day, {opens} ({event.zone.key}).")
    if now >= check_in_closes(event):
        hours = int(CHECK_IN_AFTER_END.total_seconds() // 3600)
        return Window(False, f"Check-in closed {hours} hours after the event ended.")
    return Window(True)


def _refuse_unless_checking_in(event: Event) -> None:
    window = check_in_window(event)
    if not window.open:
        raise EventError(window.refusal)


def _host_profile_id(host: HostProfile):
    return SocialProfile.objects.filter(user_id=host.user_id).values_list("pk", flat=True).get()


@transaction.atomic
def check_in(event: Event, *, code: str, by: HostProfile) -> Invitation:
    """The host checks in the guest whose ticket has this code (as typed: case, spaces and
    dashes do not matter)."""
    event = _lock(event)
    _refuse_unless_host(event, by)
    _refuse_unless_checking_in(event)
    normal = tickets.normalise(code)
    if normal is None:
        raise EventError("That is not a ticket code: a code has 8 letters and digits.")
    found = Invitation.objects.filter(ticket_code=normal).values_list("pk", "event_id").first()
    if found is None:
        raise EventError("No ticket has this code. Check it with the guest.")
    if found[1] != event.pk:
        raise EventError("This ticket is for another event.")
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("profile")
        .get(pk=found[0])
    )
    return _check_in(event, invitation, by)


@transaction.atomic
def check_in_guest(invitation: Invitation, *, by: HostProfile) -> Invitation:
    """The host checks a guest in from the list, without the code."""
    event, invitation = _lock_invitation(invitation)
    _refuse_unless_host(event, by)
    _refuse_unless_checking_in(event)
    return _check_in(event, invitation, by)


def _check_in(event: Event, invitation: Invitation, host: HostProfile) -> Invitation:
    name = invitation.profile.display_name
    if not invitation.is_confirmed:
        raise EventError(f"{name} no longer has a seat: this ticket is not valid.")
    if invitation.checked_in_at:
        since = local_time(event, invitation.checked_in_at, "H:i")
        raise EventError(f"{name} is already checked in (since {since}).")
    invitation.checked_in_at = timezone.now()
    invitation.save(update_fields=["checked_in_at", "updated_at"])
    # The host's report, made at the door: reported then, like every report of the host's.
    Attendance.objects.update_or_create(
        event=event,
        profile_id=invitation.profile_id,
        defaults={
            "status": Attendance.Status.ATTENDED,
            "reported_by_id": _host_profile_id(host),
            "reported_at": invitation.checked_in_at,
        },
    )
    return invitation


@transaction.atomic
def undo_check_in(invitation: Invitation, *, by: HostProfile) -> Invitation:
    """A check-in made by mistake is taken back, with the attended row it recorded."""
    event, invitation = _lock_invitation(invitation)
    _refuse_unless_host(event, by)
    _refuse_unless_checking_in(event)
    if not invitation.checked_in_at:
        raise EventError(f"{invitation.profile.display_name} is not checked in.")
    invitation.checked_in_at = None
    invitation.save(update_fields=["checked_in_at", "updated_at"])
    Attendance.objects.filter(
        event=event,
        profile_id=invitation.profile_id,
        status=Attendance.Status.ATTENDED,
        reported_by_id=_host_profile_id(by),
    ).delete()
    return invitation


def reporting_open(event: Event, now: datetime.datetime | None = None) -> bool:
    """Whether guests may say "running late" or "can't make it" now: on the event's day, in its
    zone, until its end."""
    now = now or timezone.now()
    return event.status != Event.Status.CANCELLED and day_start(event) <= now < event.ends_at


def _refuse_unless_on_the_day(event: Event, invitation: Invitation) -> None:
    if not invitation.is_confirmed:
        raise EventError("You have no confirmed seat at this event.")
    if event.status == Event.Status.CANCELLED:
        raise EventError("This event is cancelled.")
    now = timezone.now()
    if now < day_start(event):
        raise EventError("You can tell the host this on the day of the event.")
    if now >= event.ends_at:
        raise EventError("This event is over.")
    if invitation.checked_in_at:
        raise EventError("You are checked in: the host knows you are here.")
    if invitation.cant_make_it_at:
        raise EventError("You already told the host you can't make it.")


@transaction.atomic
def report_running_late(invitation: Invitation, *, minutes: int, by: SocialProfile) -> Invitation:
    """The guest tells the host and the group they will be about `minutes` late (again, with a
    new estimate, if need be)."""
    event, invitation = _lock_invitation(invitation)
    _refuse_unless_guest(invitation, by)
    _refuse_unless_on_the_day(event, invitation)
    if minutes not in LATE_MINUTES:
        choices = ", ".join(str(choice) for choice in LATE_MINUTES)
        raise EventError(f"Choose how late you will be: {choices} minutes.")
    invitation.running_late_minutes = minutes
    invitation.late_reported_at = timezone.now()
    invitation.save(update_fields=["running_late_minutes", "late_reported_at", "updated_at"])
    return invitation


@transaction.atomic
def report_cant_make_it(invitation: Invitation, *, by: SocialProfile) -> Invitation:
    """The guest can't come after all. Before the refund cut-off the seat is given back (the
    core loop's cancel: refund and waitlist); after it, the seat stays and the host is told."""
    event, invitation = _lock_invitation(invitation)
    _refuse_unless_guest(invitation, by)
    _refuse_unless_on_the_day(event, invitation)
    now = timezone.now()
    gives_back = now < event.starts_at and refunds_on_cancel(event, now)
    if gives_back:
        invitation = cancel_seat(invitation, by=by)
    invitation.cant_make_it_at = now
    invitation.save(update_fields=["cant_make_it_at", "updated_at"])
    notify(
        event.host.user,
        "guest_cant_make_it",
        about=event,
        link=reverse("events:check-in", args=[event.pk]),
        context={
            "event": event,
            "guest_name": invitation.profile.display_name,
            "seat_given_back": gives_back,
            "starts": local_time(event, event.starts_at),
        },
    )
    return invitation
