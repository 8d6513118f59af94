import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from allauth.usersessions.models import UserSession
from django.test import Client
from django.urls import reverse

from accounts.factories import DEFAULT_PASSWORD
from tests.accounts.helpers import log_in

pytestmark = pytest.mark.django_db


def logged_in_device(user) -> Client:
    device = Client()
    assert log_in(device, user.email, DEFAULT_PASSWORD).status_code == 302
    return device


def test_sessions_page_lists_my_sessions_and_signs_out_the_others(user):
    laptop = logged_in_device(user)
    phone = logged_in_device(user)
    assert UserSession.objects.filter(user=user).count() == 2

    response = laptop.get(reverse("usersessions_list"))
    assert response.status_code == 200
    assert "Log out other sessions" in response.content.decode()

    response = laptop.post(reverse("usersessions_list"))
    assert response.status_code == 302
    assert UserSession.objects.filter(user=user).count() == 1
    assert laptop.get(reverse("usersessions_list")).status_code == 200
    assert phone.get(reverse("usersessions_list")).status_code == 302  # back to log-in


def test_sessions_page_needs_a_log_in(client):
    response = client.get(reverse("usersessions_list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_totp_two_factor_activation_then_log_in_asks_for_a_code(user):
    client = logged_in_device(user)
    # Security settings ask for the password again first.
    response = client.get(reverse("mfa_activate_totp"))
    assert response.url.startswith(reverse("account_reauthenticate"))
    client.post(reverse("account_reauthenticate"), {"password": DEFAULT_PASSWORD})
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 200
    secret = response.context["form"].secret

    response = client.post(reverse("mfa_activate_totp"), {"code": "000000"})
    assert response.status_code == 200
    assert not Authenticator.objects.filter(user=user).exists()

    code = format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))
    response = client.post(reverse("mfa_activate_totp"), {"code": code})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()

    client.logout()
    response = log_in(client, user.email, DEFAULT_PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
