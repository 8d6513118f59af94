from urllib.parse import urlparse

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from accounts.models import User, UserInternalMetrics
from tests.accounts.helpers import link_in, log_in

SIGNUP = {
    "email": "new.person@example.com",
    "username": "newperson",
    "password1": "a-long-Passphrase-42",
    "password2": "a-long-Passphrase-42",
}

pytestmark = pytest.mark.django_db


def test_signup_verify_and_log_in_journey(client, task_queue):
    response = client.post(reverse("account_signup"), SIGNUP)
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")

    user = User.objects.get(email="new.person@example.com")
    assert UserInternalMetrics.objects.filter(user=user).exists()
    address = EmailAddress.objects.get(user=user)
    assert not address.verified

    # The verification email is a job in the task queue until the worker runs it.
    assert [job["task_name"] for job in task_queue.jobs] == ["accounts.tasks.send_email"]
    outbox = task_queue.outbox()
    assert len(outbox) == 1
    assert outbox[0].to == ["new.person@example.com"]
    assert outbox[0].subject.startswith("[Momento]")

    # Unverified: logging in sends the person back to the verification notice.
    client.logout()
    response = log_in(client, "new.person@example.com", SIGNUP["password1"])
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session

    confirm_path = urlparse(link_in(outbox[0])).path
    assert client.get(confirm_path).status_code == 200
    response = client.post(confirm_path)
    assert response.status_code == 302
    address.refresh_from_db()
    assert address.verified

    client.logout()
    response = log_in(client, "NEW.person@example.com", SIGNUP["password1"])
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.get(reverse("home")).context["user"] == user


def test_signup_page_uses_the_momento_layout(client):
    response = client.get(reverse("account_signup"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="brand"' in html
    assert '<main id="main"' in html
    assert 'for="id_email"' in html


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"email": "not-an-email"}, "Enter a valid email address."),
        ({"email": ""}, "This field is required."),
        ({"username": ""}, "This field is required."),
        ({"username": "bad name!"}, "Enter a valid username"),
        ({"password2": "something-else-42"}, "You must type the same password each time."),
        ({"password1": "short", "password2": "short"}, "This password is too short."),
        ({"password1": "password", "password2": "password"}, "This password is too common."),
        ({"email": "x" * 300 + "@example.com"}, "Ensure this value has at most"),
    ],
)
def test_signup_rejects_bad_input_with_a_message_and_writes_nothing(
    client, task_queue, changes, message
):
    response = client.post(reverse("account_signup"), {**SIGNUP, **changes})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.exists()
    assert task_queue.jobs == []


def test_signup_with_a_taken_username_is_refused(client, user):
    response = client.post(reverse("account_signup"), {**SIGNUP, "username": "ALICE"})
    assert response.status_code == 200
    assert "already" in response.content.decode()
    assert User.objects.count() == 1


def test_signup_with_a_registered_email_does_not_reveal_it(client, user, task_queue):
    fresh = client.post(reverse("account_signup"), SIGNUP)
    client.logout()
    taken = client.post(
        reverse("account_signup"), {**SIGNUP, "email": "Alice@Example.com", "username": "other"}
    )
    # Same answer for a new and a registered address; the owner is told by email instead.
    assert taken.status_code == fresh.status_code == 302
    assert taken.url == fresh.url
    assert User.objects.filter(email__iexact="alice@example.com").count() == 1
    recipients = [message.to for message in task_queue.outbox()]
    assert ["alice@example.com"] in recipients


def test_signup_ignores_private_fields_smuggled_into_the_form(client):
    client.post(reverse("account_signup"), {**SIGNUP, "is_staff": "on", "phone_number": "1"})
    user = User.objects.get(email=SIGNUP["email"])
    assert not user.is_staff
    assert user.phone_number == ""
