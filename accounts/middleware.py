"""Session activity, recorded at most once per interval per session.

allauth's `UserSessionsMiddleware` reads and rewrites the person's `UserSession` row (IP, user
agent, last seen) in a transaction on every request: five queries and a write on a page that
touches no data. This one records the same thing, through the same allauth call, only when the
session's own timestamp of the last record is older than `USERSESSIONS_ACTIVITY_INTERVAL`
seconds. The timestamp lives in the session, which the request loads anyway, so the requests in
between cost no query; the session is saved (one UPDATE) only on the requests that record.

"See and end your other sessions" keeps working: the row is created at log-in by allauth's
receiver (and here on a session's first request if it was made some other way), and "last
seen" is at most one interval old.
"""

import time

from allauth.usersessions import app_settings
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.http import HttpRequest

SESSION_KEY = "_usersession_recorded_at"


def note_activity_recorded(request: HttpRequest) -> None:
    request.session[SESSION_KEY] = int(time.time())


def activity_is_due(request: HttpRequest) -> bool:
    recorded_at = request.session.get(SESSION_KEY)
    if not isinstance(recorded_at, int):
        return True
    return time.time() - recorded_at >= settings.USERSESSIONS_ACTIVITY_INTERVAL


class ThrottledUserSessionsMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if (
            app_settings.TRACK_ACTIVITY
            and hasattr(request, "session")
            and request.session.session_key
            and request.user.is_authenticated
            and activity_is_due(request)
        ):
            UserSession.objects.create_from_request(request)
            note_activity_recorded(request)
        return self.get_response(request)
