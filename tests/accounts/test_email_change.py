from urllib.parse import urlparse

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from tests.accounts.helpers import link_in

pytestmark = pytest.mark.django_db


def test_changing_email_takes_effect_once_the_new_address_is_confirmed(client, user, task_queue):
    client.force_login(user)
    response = client.post(
        reverse("account_email"), {"action_add": "", "email": "alice.new@example.com"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email == "alice@example.com"  # unchanged until confirmed

    [message] = task_queue.outbox()
    assert message.to == ["alice.new@example.com"]
    client.post(urlparse(link_in(message)).path)

    user.refresh_from_db()
    assert user.email == "alice.new@example.com"
    assert list(EmailAddress.objects.filter(user=user).values_list("email", "verified")) == [
        ("alice.new@example.com", True)
    ]


@pytest.mark.parametrize("email", ["not-an-email", "", "a" * 250 + "@example.com"])
def test_changing_to_an_invalid_email_is_refused_with_a_message(client, user, email):
    client.force_login(user)
    response = client.post(reverse("account_email"), {"action_add": "", "email": email})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not EmailAddress.objects.filter(user=user, email=email).exists()


def test_changing_to_someone_elses_email_does_not_reveal_it_or_take_it(
    client, user, stranger, task_queue
):
    client.force_login(user)
    response = client.post(
        reverse("account_email"), {"action_add": "", "email": "charlie@example.com"}
    )
    assert response.status_code == 302  # the same answer as for a free address
    user.refresh_from_db()
    assert user.email == "alice@example.com"
    # The request waits unverified, like any other, and even its confirmation link (mailed to
    # the owner) cannot move the address: it stays verified for its owner only.
    [confirmation] = [m for m in task_queue.outbox() if m.to == ["charlie@example.com"]]
    client.post(urlparse(link_in(confirmation)).path)
    user.refresh_from_db()
    assert user.email == "alice@example.com"
    assert not EmailAddress.objects.filter(
        user=user, email="charlie@example.com", verified=True
    ).exists()
    assert EmailAddress.objects.get(email="charlie@example.com", verified=True).user == stranger


def test_a_form_posted_without_its_csrf_token_gets_the_expired_form_page(user):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("account_login"), {"login": user.email, "password": "x"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "This form has expired" in html
    assert 'class="brand"' in html
