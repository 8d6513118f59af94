from allauth.account.views import LoginView as AllauthLoginView
from allauth.account.views import SignupView as AllauthSignupView
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms.forms import NON_FIELD_ERRORS
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import access, services
from accounts.forms import NotificationPreferencesForm, PrivateDataForm, ReferralForm
from accounts.models import Notification, NotificationPreference, Referral
from events.access import own_calendar_feed
from events.views.calendar import feed_urls
from momento import ratelimit
from momento.http import safe_path
from momento.pagination import paginate

BADGE_CAP = 99
REFERRAL_RATE = "10/h"


class LoginView(AllauthLoginView):
    """allauth refuses a rate-limited log-in inside the form, with a 200; answer 429 like every
    other limit, so clients and monitoring see it for what it is."""

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.has_error(NON_FIELD_ERRORS, "too_many_login_attempts"):
            response.status_code = 429
        return response


class SignupView(AllauthSignupView):
    """A friend's referral link (?email=…&code=…) fills in the form; a code that cannot be used
    is explained at once, and the form is there to sign up without it."""

    def get_initial(self):
        initial = super().get_initial()
        code = self.request.GET.get("code", "")[:40]
        if code:
            referral, self.referral_problem = services.referral_for_code(code)
            if referral is not None:
                initial["referral_code"] = code
        return initial

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["referral_problem"] = getattr(self, "referral_problem", "")
        return context


@login_required
@ratelimit.limit("referral", REFERRAL_RATE)
@require_http_methods(["GET", "POST"])
def referrals(request):
    form = ReferralForm(request.POST or None)
    if form.is_valid():
        try:
            referral = services.refer(request.user, form.cleaned_data["email"])
        except services.ReferralError as error:
            form.add_error("email", error.message)
        else:
            messages.success(request, f"Invitation sent to {referral.email}.")
            return redirect("accounts:referrals")
    sent = Referral.objects.filter(inviter=request.user).order_by("-created_at", "-id")
    page = paginate(sent, order=("-created_at", "-id"), cursor=request.GET.get("after"))
    return render(request, "accounts/referrals.html", {"form": form, "page": page})


@login_required
@require_http_methods(["GET", "POST"])
def private_settings(request):
    form = PrivateDataForm(request.POST or None, instance=request.user)
    if form.is_valid():
        services.update_private_data(request.user, **form.cleaned_data)
        messages.success(request, "Your private details are saved.")
        return redirect("accounts:settings")
    feed = own_calendar_feed(request.user)
    return render(
        request,
        "accounts/private_settings.html",
        {"form": form, "feed": feed, **feed_urls(request, feed)},
    )


@login_required
@require_GET
def notification_list(request):
    mine = Notification.objects.filter(recipient=request.user).only(
        "id", "title", "link", "created_at", "read_at"
    )
    page = paginate(mine, order=("-created_at", "-id"), cursor=request.GET.get("after"))
    return render(request, "accounts/notification_list.html", {"page": page})


@login_required
@require_GET
def notification_open(request, notification_id):
    """Following a notification marks it read and goes to what it is about."""
    notification = access.notification_for_recipient(request.user, notification_id)
    services.mark_read(request.user, notification_id=notification.pk)
    return redirect(safe_path(notification.link) or "accounts:notifications")


@login_required
@require_POST
def notification_read_all(request):
    services.mark_read(request.user)
    if request.htmx:
        return render(request, "accounts/_notification_badge.html", {"unread": 0})
    messages.success(request, "All your notifications are marked read.")
    return redirect("accounts:notifications")


@login_required
@require_GET
def notification_badge(request):
    """The navigation's unread count, polled by htmx: one indexed count, capped."""
    unread = Notification.objects.filter(recipient=request.user, read_at__isnull=True)[
        : BADGE_CAP + 1
    ].count()
    return render(request, "accounts/_notification_badge.html", {"unread": unread})


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request):
    chosen = dict(
        NotificationPreference.objects.filter(user=request.user).values_list("kind", "email")
    )
    form = NotificationPreferencesForm(request.POST or None, chosen=chosen)
    if form.is_valid():
        services.set_email_preferences(request.user, form.cleaned_data)
        messages.success(request, "Your email choices are saved.")
        return redirect("accounts:notification-settings")
    return render(request, "accounts/notification_settings.html", {"form": form})


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """An email's one-click link: GET from the message (a page that says it is done, with the
    way back), POST from a mail app (RFC 8058). The signed token is the proof; no log-in."""
    done = services.unsubscribe(token)
    if request.method == "POST":
        return HttpResponse(
            "Unsubscribed." if done else "Unknown link.",
            status=200 if done else 400,
            content_type="text/plain",
        )
    if done is None:
        return render(request, "accounts/unsubscribe.html", {"kind": None}, status=400)
    user, kind = done
    if request.user == user:  # signed in: the choices page, with this one already applied
        messages.success(request, f"You will not get “{kind.label}” emails any more.")
        return redirect("accounts:notification-settings")
    return render(request, "accounts/unsubscribe.html", {"kind": kind})
