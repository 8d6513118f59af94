"""Every lookup by username matches case-insensitively on the LOWER(username) unique index:
`username__iexact` compiles to UPPER() = UPPER(), which no index serves (a scan of all users on
every /people/<username>/ page and action)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.factories import HostProfileFactory
from events.forms import InviteForm
from profiles import access
from profiles.models import Block
from tests.plans import analyze, bulk_profiles, plan_of

pytestmark = pytest.mark.django_db

INDEX = "user_username_ci_unique"


@pytest.fixture
def many_people(db):
    profiles = bulk_profiles(3000, prefix="Crowd")
    analyze("accounts_user", "profiles_socialprofile")
    return [profile.user for profile in profiles]


def sql_of(load) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        load()
    return [query["sql"] for query in captured.captured_queries]


def test_a_profile_is_found_whatever_the_case_of_its_username(many_people, user):
    assert access.profile_for_viewer(user, "CROWD17").user == many_people[17]
    assert access.profile_for_viewer(user, "crowd17").user == many_people[17]


def test_loading_a_profile_by_username_uses_the_username_index(many_people, user):
    (lookup,) = [
        sql
        for sql in sql_of(lambda: access.profile_for_viewer(user, "cRoWd1234"))
        if '"accounts_user"' in sql and "LOWER" in sql
    ]
    assert "UPPER" not in lookup
    assert INDEX in plan_of(lookup)


def test_unblocking_loads_by_username_on_the_index(many_people, user):
    me = user.social_profile
    Block.objects.create(blocker=me, blocked=many_people[5].social_profile)
    (lookup,) = sql_of(lambda: access.blocked_by_me(user, "CROWD5"))
    assert "LOWER" in lookup and "UPPER" not in lookup
    # The planner may start from my block rows (by their index, or by reading a blocks table of
    # one row) or from the username index; either way it never reads every member to find one.
    plan = plan_of(lookup)
    assert "Seq Scan on accounts_user" not in plan, plan
    assert "Seq Scan on profiles_socialprofile" not in plan, plan
    assert INDEX in plan or "on profiles_block" in plan, plan


def test_inviting_by_username_finds_the_person_on_the_index(many_people):
    host = HostProfileFactory()
    form = InviteForm({"username": "@CROWD42"}, host=host)
    sql = sql_of(lambda: form.is_valid())
    assert form.cleaned_data["username"].user == many_people[42]
    (lookup,) = [s for s in sql if "LOWER" in s]
    assert INDEX in plan_of(lookup)


def test_the_profile_page_answers_for_any_case_of_the_username(client, many_people, user):
    client.force_login(user)
    assert client.get(reverse("profiles:profile", args=["CROWD9"])).status_code == 200
