import pytest
from django.urls import reverse

from accounts.factories import DEFAULT_PASSWORD
from tests.accounts.helpers import log_in

pytestmark = pytest.mark.django_db


def test_log_in_with_email_and_log_out(client, user):
    response = log_in(client, "alice@example.com", DEFAULT_PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)

    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_log_in_changes_the_session_key(client, user):
    client.get(reverse("account_login"))
    client.session.save()
    before = client.session.session_key
    log_in(client, "alice@example.com", DEFAULT_PASSWORD)
    assert client.session.session_key != before


@pytest.mark.parametrize(
    ("login", "password", "message"),
    [
        ("alice@example.com", "wrong-password", "The email address and/or password you specified"),
        ("nobody@example.com", DEFAULT_PASSWORD, "The email address and/or password you specified"),
        ("", "", "This field is required."),
        ("not an email", "x", "Enter a valid email address."),
        ("a" * 5000 + "@example.com", "x", "Ensure this value has at most"),
    ],
)
def test_log_in_rejects_bad_credentials_with_a_message(client, user, login, password, message):
    response = log_in(client, login, password)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_failed_log_ins_are_rate_limited_even_with_the_right_password(client, user):
    for _ in range(5):
        assert log_in(client, "alice@example.com", "wrong-password").status_code == 200
    response = log_in(client, "alice@example.com", DEFAULT_PASSWORD)
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_log_out_needs_a_post(client, user):
    client.force_login(user)
    response = client.get(reverse("account_logout"))
    assert response.status_code == 200  # a confirmation page, not a log-out
    assert client.session["_auth_user_id"] == str(user.pk)
