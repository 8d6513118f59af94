from allauth.account.views import LoginView as AllauthLoginView
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms.forms import NON_FIELD_ERRORS
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts import services
from accounts.forms import PrivateDataForm
from events.access import own_calendar_feed
from events.views.calendar import feed_urls


class LoginView(AllauthLoginView):
    """allauth refuses a rate-limited log-in inside the form, with a 200; answer 429 like every
    other limit, so clients and monitoring see it for what it is."""

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.has_error(NON_FIELD_ERRORS, "too_many_login_attempts"):
            response.status_code = 429
        return response


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
