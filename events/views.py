"""Event pages. Thin: load through access.py, validate a form, call one service, pick a page or
an htmx fragment."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from events import access, guest_list, services, sharing
from events.forms import (
    CancelForm,
    DiscoverForm,
    EventForm,
    InviteForm,
    InviteToEventForm,
    RemoveGuestForm,
)
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
GUESTS_SHOWN = 100  # person cards on an event page; the count says how many more
INVITE_RATE = "100/d"


# Discovery and the event page ----------------------------------------------------------------


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
    return render(
        request,
        "events/event_detail.html",
        {
            "event": event,
            "tags": list(event.tags.all()),
            **place,
            "shows_location": place["is_host"] or place["confirmed"] or not event.is_private,
            "seats_free": max(event.max_participants - services.seats_taken(event), 0),
            "guests": guests,
            # Confirmed guests not shown (blocked, deactivated, past the cap): the count stays.
            "guests_unseen": max(counts["attending_count"] - len(guests), 0),
            "share": sharing.share_card(event),
            **counts,
        },
    )


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
    invitations = Invitation.objects.of_visible_events(me).for_cards().answers_first()
    page = paginate(invitations, order=Invitation.ANSWERS_FIRST, cursor=request.GET.get("after"))
    return render(request, "events/invitation_list.html", {"page": page})


@login_required
@require_POST
def answer(request, invitation_id, answer):
    """Plain POST: the answer is told in a message and the guest goes back. htmx: the answered
    invitation's card in its new state, or with the refusal, always with status 200 (htmx 2
    swaps no 4xx); a held seat goes on to the checkout either way."""
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
        if request.htmx:
            return _card(request, invitation, error=_refusal(error), full=error.full)
        messages.error(request, _refusal(error))
    else:
        if request.htmx:
            return _pay_or_show(request, invitation)
        if response := _pay_or_tell(request, invitation):
            return response
    return redirect_back(request, reverse("events:my-invitations"))


def _refusal(error: EventError) -> str:
    return "This event is full. You can join its waitlist." if error.full else error.message


def _card(request, invitation: Invitation, *, error: str = "", full: bool = False):
    """The invitation's card as it is now (events/_invitation_card.html), for an htmx swap:
    with the refusal, or else with what just happened."""
    card = Invitation.objects.for_cards().get(pk=invitation.pk)
    context = {
        "invitation": card,
        "next": request.POST.get("next", ""),
        "error": error,
        "full": full,
        "notice": "" if error else _seat_news(card),
    }
    return render(request, "events/_invitation_card.html", context)


def _pay_or_show(request, invitation: Invitation):
    """htmx: a held seat goes on to Stripe's Checkout (HX-Redirect); anything else is shown."""
    if invitation.status == Invitation.Status.HELD:
        try:
            payment = payments.start_checkout(invitation, by=request.user)
        except PaymentError as error:
            return _card(request, invitation, error=error.message)
        return HttpResponseClientRedirect(payment.checkout_url)
    return _card(request, invitation)


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
    if text := _seat_news(invitation):
        messages.success(request, text)


def _seat_news(invitation: Invitation) -> str | None:
    status, title = invitation.status, invitation.event.title
    return {
        Invitation.Status.CONFIRMED: f"You have a seat at {title}.",
        Invitation.Status.WAITLISTED: f"You are on the waitlist for {title}.",
        Invitation.Status.DECLINED: f"You declined {title}.",
    }.get(status)


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


# Giving a seat back ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def cancel_seat(request, invitation_id):
    """A confirmed guest gives back their seat, after a page that says what it costs them."""
    invitation = access.invitation_for_guest(request.user, invitation_id)
    event = invitation.event
    if request.method == "POST":
        try:
            services.cancel_seat(invitation, by=profile_access.own_profile(request.user))
        except EventError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"You gave back your seat at {event.title}.")
        return redirect_back(request, reverse("events:my-events"))
    return render(
        request,
        "events/seat_cancel.html",
        {
            "event": event,
            "invitation": invitation,
            "refunds": services.refunds_on_cancel(event),
            "paid": Payment.objects.filter(invitation=invitation).totals()["held"],
            "next": request.GET.get("next", ""),
        },
    )


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
    paid = Payment.objects.filter(invitation=invitation).totals()["held"]
    return render(
        request,
        "events/guest_remove.html",
        {"event": event, "invitation": invitation, "form": form, "paid": paid},
    )


# My events -------------------------------------------------------------------------------------


@login_required
@require_GET
def my_events(request):
    """Events where I have or had a confirmed seat: upcoming first, then the past ones."""
    me = profile_access.own_profile(request.user)
    mine = Invitation.objects.for_my_events(me)
    now = timezone.now()
    past = paginate(
        mine.filter(starts__lte=now), order=("-starts", "-pk"), cursor=request.GET.get("after")
    )
    context = {"upcoming": list(mine.filter(starts__gt=now).order_by("starts", "pk")[:100])}
    return render(request, "events/my_events.html", {**context, "page": past})
