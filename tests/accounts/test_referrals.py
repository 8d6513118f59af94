"""Referrals: a member invites a friend by email; the friend signs up with the code, and the
referral is accepted once they verify their address."""

import datetime

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import Referral
from accounts.services import ReferralError
from profiles.factories import SocialProfileFactory
from tests.accounts.helpers import LINK, link_in
from tests.races import run_at_once

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-Passphrase-42"


@pytest.fixture
def ana():
    return SocialProfileFactory(first_name="Ana", user__email="ana@example.com").user


def _sign_up(client, email, code=""):
    return client.post(
        reverse("account_signup"),
        {
            "email": email,
            "username": email.split("@")[0],
            "password1": PASSWORD,
            "password2": PASSWORD,
            "referral_code": code,
        },
    )


def test_a_friend_gets_an_email_with_a_sign_up_link_that_fills_in_the_code(client, ana, task_queue):
    referral = services.refer(ana, "Friend@Example.com")
    assert referral.emailed and referral.status == "sent"
    assert referral.expires_at - referral.created_at == datetime.timedelta(days=14)
    [message] = task_queue.outbox()
    assert message.to == ["Friend@example.com"]
    assert message.subject == "[Momento] Ana invites you to Momento"
    assert "Ana invited you to Momento. We will not write to you again" in message.body
    assert "unsubscribe" not in message.body.lower()
    link = next(line for line in message.body.splitlines() if "/accounts/signup/?" in line)
    page = client.get(link.strip().removeprefix("http://localhost:8000"))
    assert page.status_code == 200
    assert f'value="{referral.code}"' in page.text
    assert 'value="Friend@example.com"' in page.text


def test_signing_up_with_the_code_joins_and_verifying_accepts(client, ana, task_queue):
    referral = services.refer(ana, "friend@example.com")
    task_queue.outbox().clear()
    response = _sign_up(client, "friend@example.com", referral.code)
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.joined_by.email == "friend@example.com" and referral.status == "joined"

    confirm = next(m for m in task_queue.outbox() if LINK.search(m.body))
    client.post(link_in(confirm))
    referral.refresh_from_db()
    assert referral.status == "accepted" and referral.accepted_at is not None


@pytest.mark.parametrize(
    ("state", "says"),
    [
        ("unknown", "This invitation code is not one of ours"),
        ("used", "This invitation code has already been used"),
        ("expired", "This invitation code has expired"),
    ],
)
def test_a_code_that_cannot_be_used_is_explained_and_sign_up_works_without_it(
    client, ana, task_queue, state, says
):
    referral = services.refer(ana, "friend@example.com")
    code = referral.code
    if state == "unknown":
        code = "made-up-code"
    elif state == "used":
        referral.joined_by = SocialProfileFactory().user
        referral.save()
    else:
        Referral.objects.filter(pk=referral.pk).update(expires_at=timezone.now())

    page = client.get(reverse("account_signup") + f"?code={code}")
    assert says in page.text
    assert f'value="{code}"' not in page.text
    refused = _sign_up(client, "friend@example.com", code)
    assert refused.status_code == 200 and says in refused.text
    assert not EmailAddress.objects.filter(email="friend@example.com").exists()
    assert _sign_up(client, "friend@example.com").status_code == 302


def test_inviting_a_member_sends_nothing_and_says_the_same(client, ana, task_queue):
    SocialProfileFactory(user__email="member@example.com")
    client.force_login(ana)
    response = client.post(reverse("accounts:referrals"), {"email": "member@example.com"})
    assert response.status_code == 302
    page = client.get(reverse("accounts:referrals"))
    assert "Invitation sent to member@example.com." in page.text
    assert "Sent, open until" in page.text
    assert task_queue.outbox() == []
    assert Referral.objects.get().emailed is False


def test_refusals_each_say_why_and_change_nothing(client, ana):
    with pytest.raises(ReferralError, match="your own address"):
        services.refer(ana, "ANA@example.com")
    services.refer(ana, "friend@example.com")
    with pytest.raises(ReferralError, match="You already invited friend@example.com"):
        services.refer(ana, "FRIEND@example.com")
    for i in range(services.OPEN_REFERRALS_AT_MOST - 1):
        services.refer(ana, f"friend{i}@example.com")
    client.force_login(ana)
    page = client.post(reverse("accounts:referrals"), {"email": "one-more@example.com"})
    assert page.status_code == 200
    assert "You have 20 invitations waiting for an answer" in page.text
    assert Referral.objects.count() == services.OPEN_REFERRALS_AT_MOST
    bad = client.post(reverse("accounts:referrals"), {"email": "not an address"})
    assert "Enter a valid email address." in bad.text


def test_an_expired_invitation_can_be_sent_again_with_a_new_code(ana, task_queue):
    first = services.refer(ana, "friend@example.com")
    with time_machine.travel(timezone.now() + datetime.timedelta(days=15)):
        again = services.refer(ana, "friend@example.com")
        assert again.pk == first.pk and again.code != first.code and again.status == "sent"
    assert len(task_queue.outbox()) == 2


def test_the_list_shows_each_state_and_nobody_elses(client, ana):
    bo = SocialProfileFactory().user
    services.refer(bo, "bos-friend@example.com")
    sent = services.refer(ana, "sent@example.com")
    expired = services.refer(ana, "expired@example.com")
    Referral.objects.filter(pk=expired.pk).update(expires_at=timezone.now())
    joined = services.refer(ana, "joined@example.com")
    Referral.objects.filter(pk=joined.pk).update(
        joined_by=SocialProfileFactory().user, accepted_at=timezone.now()
    )
    client.force_login(ana)
    page = client.get(reverse("accounts:referrals")).text
    assert "bos-friend@example.com" not in page
    assert "Expired" in page and "Joined" in page
    assert f"Sent, open until {sent.expires_at:%-d %b}" in page


@pytest.mark.django_db(transaction=True)
def test_two_friends_racing_on_one_code_join_once(ana):
    referral = services.refer(ana, "friend@example.com")
    first, second = SocialProfileFactory().user, SocialProfileFactory().user
    for _ in range(3):
        Referral.objects.filter(pk=referral.pk).update(joined_by=None)
        results = []
        errors = run_at_once(
            [
                lambda found=results: found.append(services.join_by_referral(referral.code, first)),
                lambda found=results: found.append(
                    services.join_by_referral(referral.code, second)
                ),
            ]
        )
        assert errors == []
        assert sum(result is not None for result in results) == 1
