"""The evening: the guest's ticket, "running late" and "can't make it", and the host's
check-in page (by code or from the list; its list polls for the guests' news)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django_permissions_policy.decorators import permissions_policy_override

from events import access, services, tickets
from events.forms import CheckInForm, RunningLateForm
from events.models import Invitation
from events.services import EventError
from momento.http import redirect_back
from profiles import access as profile_access


@login_required
@require_GET
def ticket(request, invitation_id):
    invitation = access.ticket_for_guest(request.user, invitation_id)
    context = {
        "invitation": invitation,
        "event": invitation.event,
        "qr": tickets.qr_svg(invitation.ticket_code) if invitation.is_confirmed else "",
        **_day_context(invitation),
    }
    return render(request, "events/ticket.html", context)


def _day_context(invitation: Invitation, **told) -> dict:
    """What templates/events/_on_the_day.html needs, beside the invitation and its event."""
    return {
        "on_the_day": services.reporting_open(invitation.event),
        "late_choices": services.LATE_MINUTES,
        **told,
    }


@login_required
@require_POST
def running_late(request, invitation_id):
    invitation = access.invitation_for_guest(request.user, invitation_id)
    form = RunningLateForm(request.POST)
    minutes = form.cleaned_data["minutes"] if form.is_valid() else 0
    me = profile_access.own_profile(request.user)
    try:
        services.report_running_late(invitation, minutes=minutes, by=me)
    except EventError as error:
        return _told(request, invitation, error=error.message)
    return _told(request, invitation, notice=f"The host knows you'll be about {minutes} min late.")


@login_required
@require_POST
def cant_make_it(request, invitation_id):
    invitation = access.invitation_for_guest(request.user, invitation_id)
    me = profile_access.own_profile(request.user)
    try:
        invitation = services.report_cant_make_it(invitation, by=me)
    except EventError as error:
        return _told(request, invitation, error=error.message)
    if invitation.is_confirmed:
        notice = "The host knows you can't make it. Your seat stays yours (after the cut-off)."
    else:
        notice = "The host knows you can't make it, and your seat is given back."
    return _told(request, invitation, notice=notice)


def _told(request, invitation: Invitation, *, error: str = "", notice: str = ""):
    """htmx: the "on the day" panel as it is now, with what happened; else a message and back
    (to the ticket by default)."""
    if request.htmx:
        fresh = Invitation.objects.select_related("event__city").get(pk=invitation.pk)
        context = {
            "invitation": fresh,
            "event": fresh.event,
            "next": request.POST.get("next", ""),
            **_day_context(fresh, error=error, notice=notice),
        }
        return render(request, "events/_on_the_day.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, notice)
    return redirect_back(request, reverse("events:ticket", args=[invitation.pk]))


@login_required
@require_GET
# The one page that may use the camera, for its own scripts: scanning a ticket's QR code
# (static/js/check_in_scan.js). Every other page keeps the project's policy, camera=().
@permissions_policy_override({**settings.PERMISSIONS_POLICY, "camera": ["self"]})
def check_in_page(request, event_id):
    event = access.event_for_host(request.user, event_id)
    return render(request, "events/check_in.html", _check_in_context(event, form=CheckInForm()))


@login_required
@require_GET
def check_in_list(request, event_id):
    """The list alone, polled by the page every few seconds: the guests' news at once."""
    event = access.event_for_host(request.user, event_id)
    return render(request, "events/check_in.html#check-in-list", _check_in_context(event))


def _check_in_context(event, **extra) -> dict:
    guests = list(Invitation.objects.for_check_in(event))
    seated = [guest for guest in guests if guest.is_confirmed]
    return {
        "event": event,
        "guests": guests,
        "seated_count": len(seated),
        "checked_in_count": sum(1 for guest in seated if guest.checked_in_at),
        "window": services.check_in_window(event),
        **extra,
    }


@login_required
@require_POST
def check_in_code(request, event_id):
    event = access.event_for_host(request.user, event_id)
    form = CheckInForm(request.POST)
    code = form.cleaned_data["code"] if form.is_valid() else ""
    try:
        invitation = services.check_in(event, code=code, by=event.host)
    except EventError as error:
        return _checked(request, event, error=error.message, form=form)
    name = invitation.profile.display_name
    return _checked(request, event, notice=f"{name} is checked in.", form=CheckInForm())


@login_required
@require_POST
def check_in_guest(request, event_id, invitation_id):
    event = access.event_for_host(request.user, event_id)
    invitation = access.invitation_for_host(event, invitation_id)
    try:
        services.check_in_guest(invitation, by=event.host)
    except EventError as error:
        return _checked(request, event, error=error.message)
    return _checked(request, event, notice=f"{invitation.profile.display_name} is checked in.")


@login_required
@require_POST
def undo_check_in(request, event_id, invitation_id):
    event = access.event_for_host(request.user, event_id)
    invitation = access.invitation_for_host(event, invitation_id)
    try:
        services.undo_check_in(invitation, by=event.host)
    except EventError as error:
        return _checked(request, event, error=error.message)
    name = invitation.profile.display_name
    return _checked(request, event, notice=f"{name} is no longer checked in.")


def _checked(request, event, *, error: str = "", notice: str = "", form=None):
    """htmx: the check-in panel (code field, what happened, the list); else a message and the
    page again."""
    if request.htmx:
        context = _check_in_context(
            event, form=form or CheckInForm(), error=error, notice=notice, focus=True
        )
        return render(request, "events/check_in.html#check-in-panel", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, notice)
    return redirect("events:check-in", event_id=event.pk)
