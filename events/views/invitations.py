"""A guest's side: asking for a seat, answering invitations, giving a seat back, my events."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from events import access, after, services
from events.models import Invitation
from events.services import EventError
from momento.http import redirect_back
from momento.pagination import paginate
from payments import services as payments
from payments.models import Payment
from payments.services import PaymentError
from profiles import access as profile_access


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


@login_required
@require_GET
def my_invitations(request):
    me = profile_access.own_profile(request.user)
    page = Invitation.objects.answers_first_page(me, cursor=request.GET.get("after"))
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
            "paid": Payment.objects.held_for(invitation),
            "next": request.GET.get("next", ""),
        },
    )


@login_required
@require_GET
def my_events(request):
    """Events where I have or had a confirmed seat: upcoming first (an event under way among
    them, with its ticket at hand), then the past ones."""
    me = profile_access.own_profile(request.user)
    mine = Invitation.objects.for_my_events(me)
    now = timezone.now()
    past = paginate(
        mine.filter(event__ends_at__lte=now),
        order=("-starts", "-pk"),
        cursor=request.GET.get("after"),
    )
    after.for_my_events(me, past.items)  # rating, picks and mutual picks of completed ones
    upcoming = paginate(
        mine.filter(event__ends_at__gt=now),
        order=("starts", "pk"),
        cursor=request.GET.get("upcoming_after"),
    )
    context = {
        "upcoming": upcoming.items,
        "upcoming_page": upcoming,
        "record": services.record_of(me),
        "now": now,
    }
    return render(request, "events/my_events.html", {**context, "page": past})
