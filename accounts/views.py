from allauth.account.views import LoginView as AllauthLoginView
from django.forms.forms import NON_FIELD_ERRORS


class LoginView(AllauthLoginView):
    """allauth refuses a rate-limited log-in inside the form, with a 200; answer 429 like every
    other limit, so clients and monitoring see it for what it is."""

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.has_error(NON_FIELD_ERRORS, "too_many_login_attempts"):
            response.status_code = 429
        return response
