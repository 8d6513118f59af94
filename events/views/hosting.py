"""A host's side: creating, editing and cancelling events, inviting, the guests page, the
dashboard."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from events import access, guest_list, services
from events.forms import (
    CancelForm,
    EventForm,
    InviteForm,
    InviteToEventForm,
    RemoveGuestForm,
)
from events.models import Event, Invitation
from events.services import EventError
from momento import ratelimit
from momento.pagination import paginate
from payments.models import Payment
from profiles import access as profile_access

INVITE_RATE = "100/d"


@login_required
@require_http_methods(["GET", "POST"])
def create(request):
    host = access.own_host_profile(request.user)
    if host is None:
        messages.info(request, "Become a host first: tell guests who is inviting them.")
        return redirect("profiles:edit-host")
    form = EventForm(request.POST or None, request.FILES or None)
    if form.is_valid():
        event = services.create_event(host, **form.service_fields())
        messages.success(request, "Your event is created. Now invite your guests.")
        return redirect("events:guests", event_id=event.pk)
    return render(request, "events/event_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, event_id):
    event = access.event_for_host(request.user, event_id)
    if not event.is_open:
        messages.error(request, "A cancelled or completed event can't be changed.")
        return redirect(event)
    form = EventForm(request.POST or None, request.FILES or None, instance=event)
    if form.is_valid():
        try:
            services.update_event(event, by=event.host, **form.service_fields())
        except EventError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Your changes are saved.")
            return redirect(event)
    return render(request, "events/event_form.html", {"form": form, "event": event})


@login_required
@require_http_methods(["GET", "POST"])
def cancel(request, event_id):
    event = access.event_for_host(request.user, event_id)
    form = CancelForm(request.POST or None)
    if event.is_open and form.is_valid():
        services.cancel_event(event, by=event.host, reason=form.cleaned_data["reason"])
        messages.success(request, f"{event.title} is cancelled. Your guests are told.")
        return redirect("events:hosting")
    confirmed = event.invitations.filter(status=Invitation.Status.CONFIRMED).count()
    return render(
        request, "events/event_cancel.html", {"event": event, "form": form, "confirmed": confirmed}
    )


@login_required
@require_http_methods(["GET", "POST"])
@ratelimit.limit("invitation", INVITE_RATE)
def guests(request, event_id):
    event = access.event_for_host(request.user, event_id)
    form = InviteForm(request.POST or None, host=event.host)
    if form.is_valid():
        profile = form.cleaned_data["username"]
        try:
            services.invite(event, profile, by=event.host)
        except EventError as error:
            form.add_error("username", error.message)
        else:
            messages.success(request, f"{profile.display_name} is invited.")
            return redirect(request.path)
    page = paginate(
        event.invitations.for_guest_list(),
        order=guest_list.ORDER,
        cursor=request.GET.get("after"),
        size=guest_list.PAGE_SIZE,
    )
    context = {
        "event": Event.objects.with_seats().get(pk=event.pk),
        "form": form,
        "page": page,
        "rows": guest_list.guest_rows(event, page.items),
        "money": None if event.is_free else Payment.objects.filter(event=event).totals(),
    }
    return render(request, "events/event_guests.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request, event_id, invitation_id):
    """GET asks the host to confirm; POST withdraws."""
    event = access.event_for_host(request.user, event_id)
    invitation = access.invitation_for_host(event, invitation_id)
    if request.method == "GET":
        context = {
            "event": event,
            "invitation": invitation,
            "can_withdraw": event.is_open and invitation.is_outstanding,
            "holds_seat": invitation.status in Invitation.SEAT_STATUSES,
        }
        return render(request, "events/invitation_withdraw.html", context)
    try:
        services.withdraw_invitation(invitation, by=event.host)
        messages.success(
            request, f"The invitation of {invitation.profile.display_name} is withdrawn."
        )
    except EventError as error:
        messages.error(request, error.message)
    return redirect("events:guests", event_id=event.pk)


@login_required
@require_POST
@ratelimit.limit("invitation", INVITE_RATE)
def invite_person(request, username):
    person = profile_access.other_profile_for_viewer(request.user, username)
    host = access.own_host_profile(request.user)
    if host is None:
        messages.error(request, "Only hosts can invite people to events.")
        return redirect(person.get_absolute_url())
    form = InviteToEventForm(request.POST, host=host)
    if form.is_valid():
        event = form.cleaned_data["event"]
        try:
            services.invite(event, person, by=host)
        except EventError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"{person.display_name} is invited to {event.title}.")
    else:
        messages.error(request, "Choose one of your upcoming events.")
    return redirect(person.get_absolute_url())


UPCOMING_SHOWN = 10  # on the dashboard; the rest on "all upcoming", a page at a time


def _hosted(host):
    return Event.objects.hosted_by(host).with_seats().select_related("city")


@login_required
@require_GET
def hosting(request):
    host = access.own_host_profile(request.user)
    if host is None:
        return render(request, "events/hosting.html", {"host": None})
    now = timezone.now()
    upcoming = _hosted(host).open().filter(ends_at__gt=now).order_by("starts_at", "pk")
    upcoming = list(upcoming[: UPCOMING_SHOWN + 1])
    cancelled = _hosted(host).filter(status=Event.Status.CANCELLED, starts_at__gt=now)
    past = paginate(
        _hosted(host).with_attendance().filter(ends_at__lte=now),
        order=("-starts_at", "-pk"),
        cursor=request.GET.get("after"),
    )
    return render(
        request,
        "events/hosting.html",
        {
            "host": host,
            "upcoming": upcoming[:UPCOMING_SHOWN],
            "more_upcoming": len(upcoming) > UPCOMING_SHOWN,
            "cancelled": list(cancelled.order_by("starts_at", "pk")[:100]),
            "page": past,
        },
    )


@login_required
@require_GET
def hosting_upcoming(request):
    """All of a host's upcoming events, in start order, a page at a time."""
    host = access.own_host_profile(request.user)
    if host is None:
        return redirect("events:hosting")
    page = paginate(
        _hosted(host).open().filter(ends_at__gt=timezone.now()),
        order=("starts_at", "pk"),
        cursor=request.GET.get("after"),
    )
    return render(request, "events/hosting_upcoming.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def remove_guest(request, event_id, invitation_id):
    """The host takes a confirmed guest off the list, with a reason; the fee goes back."""
    event = access.event_for_host(request.user, event_id)
    invitation = access.invitation_for_host(event, invitation_id)
    form = RemoveGuestForm(request.POST or None)
    if form.is_valid():
        try:
            services.remove_guest(invitation, by=event.host, reason=form.cleaned_data["reason"])
        except EventError as error:
            messages.error(request, error.message)
        else:
            name = invitation.profile.display_name
            messages.success(request, f"{name} is removed and told why.")
        return redirect("events:guests", event_id=event.pk)
    paid = Payment.objects.held_for(invitation)
    return render(
        request,
        "events/guest_remove.html",
        {"event": event, "invitation": invitation, "form": form, "paid": paid},
    )
