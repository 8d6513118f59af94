"""Event pages. Thin: load through access.py, validate a form, call one service, pick a page or
an htmx fragment."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from events import access, services
from events.forms import CancelForm, DiscoverForm, EventForm, InviteForm, InviteToEventForm
from events.models import Event, Interested, Invitation
from events.services import EventError
from momento import ratelimit
from momento.http import redirect_back
from momento.pagination import paginate
from payments import services as payments
from payments.models import Payment
from payments.services import PaymentError
from profiles import access as profile_access
from profiles.models import SocialProfile

PAGE_SIZE = 20
INVITE_RATE = "100/d"


# Discovery and the event page ----------------------------------------------------------------


@login_required
@require_GET
def discover(request):
    me = profile_access.own_profile(request.user)
    data = request.GET
    if not data:  # by default, what is on in one's current city
        current = me.cities.filter(is_current=True).values_list("city_id", flat=True).first()
        data = {"city": current} if current else {}
    form = DiscoverForm(data)
    events = (
        Event.objects.discoverable().visible_to(me).select_related("city", "host").with_counts()
    )
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
    zone = timezone.get_current_timezone()
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


@login_required
@require_GET
def detail(request, event_id):
    event = access.event_for_viewer(request.user, event_id)
    me = profile_access.own_profile(request.user)
    counted = Event.objects.with_counts().values("attending_count", "interested_count")
    counts = counted.get(pk=event.pk)
    mine = event.invitations.filter(profile=me).first()
    is_host = event.host.user_id == request.user.pk
    confirmed = mine is not None and mine.status == Invitation.Status.CONFIRMED
    visible = SocialProfile.objects.visible_to(me).values("pk")
    guests = event.invitations.filter(status=Invitation.Status.CONFIRMED, profile__in=visible)
    guest_ids = list(guests.order_by("responded_at", "pk").values_list("profile_id", flat=True))
    return render(
        request,
        "events/event_detail.html",
        {
            "event": event,
            "tags": list(event.tags.all()),
            "mine": mine,
            "is_host": is_host,
            "shows_location": is_host or confirmed or not event.is_private,
            "seats_free": max(event.max_participants - services.seats_taken(event), 0),
            "guests": SocialProfile.objects.cards_in_order(guest_ids),
            "interested": Interested.objects.filter(event=event, profile=me).exists(),
            "waitlist_place": _waitlist_place(mine),
            **counts,
        },
    )


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


@login_required
@require_POST
def ask(request, event_id):
    event = access.event_for_viewer(request.user, event_id)
    try:
        invitation = services.ask_for_seat(event, by=profile_access.own_profile(request.user))
    except EventError as error:
        messages.error(request, error.message)
        return redirect(event)
    return _pay_or_tell(request, invitation) or redirect(event)


# My invitations ------------------------------------------------------------------------------


@login_required
@require_GET
def my_invitations(request):
    me = profile_access.own_profile(request.user)
    invitations = me.invitations.filter(event__in=Event.objects.visible_to(me)).select_related(
        "event__city", "event__host"
    )
    page = paginate(invitations, order=("-created_at", "-pk"), cursor=request.GET.get("after"))
    return render(request, "events/invitation_list.html", {"page": page})


@login_required
@require_POST
def answer(request, invitation_id, answer):
    invitation = access.invitation_for_guest(request.user, invitation_id)
    me = profile_access.own_profile(request.user)
    service = {
        "accept": services.accept_invitation,
        "decline": services.decline_invitation,
        "waitlist": services.join_waitlist,
    }[answer]
    try:
        invitation = service(invitation, by=me)
    except EventError as error:
        if error.full:
            messages.error(request, "This event is full. You can join its waitlist.")
        else:
            messages.error(request, error.message)
    else:
        if response := _pay_or_tell(request, invitation):
            return response
    return redirect_back(request, reverse("events:my-invitations"))


def _pay_or_tell(request, invitation: Invitation):
    """A held seat goes on to Stripe's Checkout (a redirect); anything else is told."""
    if invitation.status == Invitation.Status.HELD:
        try:
            return redirect(payments.start_checkout(invitation, by=request.user).checkout_url)
        except PaymentError as error:
            messages.error(request, error.message)
            return None
    _tell_seat(request, invitation)
    return None


def _tell_seat(request, invitation: Invitation) -> None:
    status, title = invitation.status, invitation.event.title
    text = {
        Invitation.Status.CONFIRMED: f"You have a seat at {title}.",
        Invitation.Status.WAITLISTED: f"You are on the waitlist for {title}.",
        Invitation.Status.DECLINED: f"You declined {title}.",
    }.get(status)
    if text:
        messages.success(request, text)


# Hosting -------------------------------------------------------------------------------------


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
    invitations = event.invitations.select_related("profile__user").order_by("-created_at", "pk")
    context = {
        "event": Event.objects.with_seats().get(pk=event.pk),
        "form": form,
        "invitations": invitations[:200],
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


@login_required
@require_GET
def hosting(request):
    host = access.own_host_profile(request.user)
    if host is None:
        return render(request, "events/hosting.html", {"host": None})
    events = Event.objects.hosted_by(host).with_seats().select_related("city")
    now = timezone.now()
    upcoming = events.filter(ends_at__gt=now).order_by("starts_at", "pk")
    past = paginate(
        events.filter(ends_at__lte=now),
        order=("-starts_at", "-pk"),
        cursor=request.GET.get("after"),
    )
    return render(
        request,
        "events/hosting.html",
        {"host": host, "upcoming": list(upcoming[:100]), "page": past},
    )
