"""The request floor: a logged-in request that touches no data reads its session and its user,
and writes nothing. Session activity (allauth's "last seen") is recorded at most once per
USERSESSIONS_ACTIVITY_INTERVAL per session (accounts/middleware.py)."""

import datetime

import pytest
import time_machine
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.factories import DEFAULT_PASSWORD
from tests.accounts.helpers import log_in
from tests.queries import writes_in

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.floor_urls")]

BARE_VIEWS = ["/test/bare/", "/test/bare-page/"]


def queries_of(client: Client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return [query["sql"] for query in captured.captured_queries]


@pytest.mark.parametrize("url", BARE_VIEWS)
def test_a_logged_in_request_that_touches_no_data_reads_the_session_and_the_user_only(
    client, user, url
):
    client.force_login(user)
    client.get(url)  # the session's first request records its activity

    sql = queries_of(client, url)

    assert len(sql) == 2, sql
    assert '"django_session"' in sql[0]
    assert '"accounts_user"' in sql[1]
    assert writes_in(sql) == []


@pytest.mark.parametrize("url", BARE_VIEWS)
def test_an_anonymous_request_that_touches_no_data_runs_no_query(client, url):
    assert queries_of(client, url) == []


def test_the_first_request_after_logging_in_writes_nothing(user):
    client = Client()
    assert log_in(client, user.email, DEFAULT_PASSWORD).status_code == 302

    assert writes_in(queries_of(client, "/test/bare/")) == []
    assert UserSession.objects.filter(user=user).count() == 1


def test_activity_is_recorded_again_once_the_interval_has_passed(client, user):
    client.force_login(user)
    client.get("/test/bare/")
    session = UserSession.objects.get(user=user)
    first_seen = session.last_seen_at

    later = timezone.now() + datetime.timedelta(seconds=settings.USERSESSIONS_ACTIVITY_INTERVAL)
    with time_machine.travel(later - datetime.timedelta(seconds=5), tick=False):
        assert writes_in(queries_of(client, "/test/bare/")) == []
    session.refresh_from_db()
    assert session.last_seen_at == first_seen

    with time_machine.travel(later + datetime.timedelta(seconds=1), tick=False):
        writes = writes_in(queries_of(client, "/test/bare/"))
        assert [w.split()[1] for w in writes] == ['"usersessions_usersession"', '"django_session"']
        # and the request right after it writes nothing again
        assert writes_in(queries_of(client, "/test/bare/")) == []
    session.refresh_from_db()
    assert session.last_seen_at > first_seen


def test_a_session_started_without_the_log_in_form_is_listed_from_its_first_request(client, user):
    client.force_login(user)
    assert not UserSession.objects.filter(user=user).exists()

    client.get("/test/bare/")

    assert UserSession.objects.filter(user=user, session_key=client.session.session_key).exists()
    assert client.get(reverse("usersessions_list")).context["session_count"] == 1
