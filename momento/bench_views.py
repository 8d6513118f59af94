"""Two views that touch no data, for `make bench`: the floor every page is measured against.

They go through the whole middleware stack like any page (sessions, authentication, CSRF,
security headers, allauth's session tracking) and do nothing else. Registered only when
BENCHMARK_VIEWS is on (momento/urls.py), so production and the tests never expose them.
"""

from django.http import HttpResponse, HttpResponseForbidden
from django.urls import path
from django.views.decorators.http import require_GET


@require_GET
def bare_anonymous(request):
    """Never looks at the session or the user: the cost of the middleware alone."""
    return HttpResponse("ok", content_type="text/plain")


@require_GET
def bare_member(request):
    """Loads the session and the user, as every logged-in page does. 403 rather than a redirect
    when the session is not logged in, so the benchmark counts a lost session as an error."""
    if not request.user.is_authenticated:
        return HttpResponseForbidden("not logged in", content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/bare/", bare_anonymous, name="bench-bare"),
    path("bench/bare-member/", bare_member, name="bench-bare-member"),
]
