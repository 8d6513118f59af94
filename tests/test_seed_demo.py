import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command

from accounts import demo
from accounts.models import User, UserInternalMetrics
from tests.accounts.helpers import log_in


def snapshot():
    return {
        "users": sorted(User.objects.values_list("id", "email", "password", "updated_at")),
        "addresses": sorted(EmailAddress.objects.values_list("id", "email", "verified")),
        "metrics": sorted(UserInternalMetrics.objects.values_list("user_id", "updated_at")),
    }


@pytest.mark.django_db
def test_seed_demo_builds_the_world_once_and_a_second_run_changes_nothing(capsys):
    call_command("seed_demo")
    first = snapshot()
    call_command("seed_demo")
    assert snapshot() == first
    assert "0 new objects" in capsys.readouterr().out


@pytest.mark.django_db
def test_demo_world_has_a_verified_participant_host_and_staff_member_who_can_log_in(client):
    call_command("seed_demo", verbosity=0)
    assert set(demo.LOGINS) == {"participant", "host", "staff"}
    assert User.objects.get(email=demo.LOGINS["staff"]).is_staff
    for email in demo.LOGINS.values():
        assert EmailAddress.objects.get(email=email).verified
        assert log_in(client, email, demo.DEMO_PASSWORD).status_code == 302, email
        client.logout()
    assert User.objects.count() == len(demo.PEOPLE)
