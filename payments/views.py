"""Payment pages. Thin: load through access.py, call one service, pick a page or a fragment.
Stripe's redirects are never trusted: the pages show the rows, which only webhooks move."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from events import access as events_access
from momento import ratelimit
from payments import access, local, services, stripe_gateway, webhooks
from payments.forms import LocalCheckoutForm, LocalPortalForm, SubscribeForm
from payments.models import Payment, Subscription
from payments.perks import PERKS
from payments.services import PaymentError

LOCAL_CHECKOUT_LASTS = 24 * 60 * 60
# Each of these asks Stripe for a Checkout or a portal session.
PAYMENT_RATE = "30/h"


@csrf_exempt
@require_POST
def stripe_webhook(request):
    try:
        webhooks.receive(request.body, request.headers.get("Stripe-Signature"))
    except (ValueError, KeyError, stripe_gateway.SignatureError):
        return HttpResponseBadRequest("Invalid payload or signature.")
    return HttpResponse("ok")


# Booking fees ----------------------------------------------------------------------------------


@login_required
@require_POST
@ratelimit.limit("payment", PAYMENT_RATE)
def checkout(request, invitation_id):
    invitation = events_access.invitation_for_guest(request.user, invitation_id)
    try:
        payment = services.start_checkout(invitation, by=request.user)
    except PaymentError as error:
        messages.error(request, error.message)
        return redirect("events:my-invitations")
    return redirect(payment.checkout_url)


@login_required
@require_GET
def payment(request, payment_id):
    payment = access.payment_for_payer(request.user, payment_id)
    template = "payments/_payment_status.html" if request.htmx else "payments/payment.html"
    return render(request, template, {"payment": payment, "event": payment.event})


@login_required
@require_GET
def cancelled(request, payment_id):
    """Stripe's cancel URL: the person left Checkout, so the seat held for them is let go."""
    payment = access.payment_for_payer(request.user, payment_id)
    try:
        payment = services.abandon_checkout(payment)
    except PaymentError as error:
        messages.error(request, error.message)
    else:
        if payment.status == Payment.Status.ABANDONED:
            messages.info(request, "You left the payment, so the seat was released.")
    return redirect("events:my-invitations")


# Premium ---------------------------------------------------------------------------------------


@login_required
@require_GET
def pricing(request):
    context = {
        "perks": PERKS,
        "plans": settings.PREMIUM_PLANS,
        "subscription": access.current_subscription(request.user),
        "form": SubscribeForm(),
    }
    return render(request, "payments/pricing.html", context)


@login_required
@require_POST
@ratelimit.limit("payment", PAYMENT_RATE)
def subscribe(request):
    form = SubscribeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose the monthly or the yearly plan.")
        return redirect("payments:pricing")
    try:
        url = services.start_subscription(request.user, plan=form.cleaned_data["plan"])
    except PaymentError as error:
        messages.error(request, error.message)
        return redirect("payments:pricing")
    return redirect(url)


@login_required
@require_GET
def welcome(request):
    subscription = access.current_subscription(request.user)  # a premium one first, if any
    context = {
        "subscription": subscription,
        "premium": bool(subscription and subscription.gives_premium),
    }
    template = "payments/_welcome_status.html" if request.htmx else "payments/welcome.html"
    return render(request, template, context)


@login_required
@require_POST
@ratelimit.limit("payment", PAYMENT_RATE)
def manage(request):
    try:
        return redirect(services.portal_url(request.user))
    except PaymentError as error:
        messages.error(request, error.message)
        return redirect("payments:pricing")


# The local test mode ---------------------------------------------------------------------------


def _local_only():
    if not stripe_gateway.is_local():
        raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def local_checkout(request, token):
    _local_only()
    try:
        session = signing.loads(token, salt=stripe_gateway.LOCAL_SALT, max_age=LOCAL_CHECKOUT_LASTS)
    except signing.BadSignature:
        raise Http404 from None
    if session["mode"] == "payment":
        payment = access.payment_for_payer(request.user, session["payment"])
        context = {"payment": payment, "event": payment.event, "subscription": None}
    elif session["user"] == str(request.user.pk):
        payment, context = None, {"plan": settings.PREMIUM_PLANS[session["plan"]]}
    else:
        raise Http404
    form = LocalCheckoutForm(request.POST or None)
    if form.is_valid():
        return _local_choice(form.cleaned_data["action"], session, payment)
    return render(request, "payments/local_checkout.html", {**context, "form": form})


def _local_choice(action: str, session: dict, payment: Payment | None):
    if payment is None:  # a premium plan
        if action == "pay":
            local.subscribe(
                session_id=session["session"], user_id=session["user"], plan=session["plan"]
            )
            return redirect("payments:welcome")
        return redirect("payments:pricing")
    # As on Stripe's page, a declined card may be tried again until the Checkout closes.
    if action == "abandon" or payment.status not in (Payment.Status.PENDING, Payment.Status.FAILED):
        return redirect("payments:cancelled", payment_id=payment.pk)
    (local.pay if action == "pay" else local.decline)(payment)
    return redirect("payments:payment", payment_id=payment.pk)


@login_required
@require_http_methods(["GET", "POST"])
def local_portal(request):
    _local_only()
    subscription = access.current_subscription(request.user)
    form = LocalPortalForm(request.POST or None)
    if subscription is not None and form.is_valid():
        if subscription.status != Subscription.Status.ENDED:
            local.change_subscription(subscription, form.cleaned_data["action"])
        messages.success(request, "Your plan is updated. It may take a moment to show.")
        return redirect(reverse("payments:pricing"))
    return render(
        request, "payments/local_portal.html", {"subscription": subscription, "form": form}
    )
