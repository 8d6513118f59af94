from urllib.parse import urlparse

import pytest
from django.test import Client
from django.urls import reverse

from accounts.factories import DEFAULT_PASSWORD
from tests.accounts.helpers import link_in

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "brand-new-Passphrase-77"


def test_password_reset_by_email(client, user, task_queue):
    response = client.post(reverse("account_reset_password"), {"email": "alice@example.com"})
    assert response.status_code == 302
    [message] = task_queue.outbox()
    assert message.to == ["alice@example.com"]

    # allauth moves the key out of the URL into the session before showing the form.
    response = client.get(urlparse(link_in(message)).path, follow=True)
    assert response.status_code == 200
    [(form_path, _status)] = response.redirect_chain
    response = client.post(
        form_path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}, follow=True
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_password_reset_does_not_reveal_whether_an_email_is_registered(client, user, task_queue):
    known = client.post(reverse("account_reset_password"), {"email": "alice@example.com"})
    unknown = client.post(reverse("account_reset_password"), {"email": "ghost@example.com"})
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url
    # The unknown address gets a note that no account exists, sent like any other email.
    recipients = sorted(message.to[0] for message in task_queue.outbox())
    assert recipients == ["alice@example.com", "ghost@example.com"]


def test_password_reset_rejects_a_malformed_email(client, task_queue):
    response = client.post(reverse("account_reset_password"), {"email": "nope"})
    assert response.status_code == 200
    assert "Enter a valid email address." in response.content.decode()
    assert task_queue.jobs == []


def test_password_change_keeps_this_session_and_ends_the_others(client, user):
    other_device = Client()
    other_device.force_login(user)
    client.force_login(user)

    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": DEFAULT_PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert client.get(reverse("account_email")).status_code == 200
    assert other_device.get(reverse("account_email")).status_code == 302


def test_password_change_rejects_a_wrong_old_password(client, user):
    client.force_login(user)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": "wrong", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert "Please type your current password." in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(DEFAULT_PASSWORD)
