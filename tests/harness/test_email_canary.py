"""Every email any test sends is checked for other people's private data (tests/mail.py); this
proves the check bites, and that the account emails pass it in the canary world."""

import pytest
from django.core import mail
from django.urls import reverse

from tests.harness.world import build_world

pytestmark = pytest.mark.django_db


def test_an_email_showing_someone_elses_private_data_is_refused():
    world = build_world()
    with pytest.raises(AssertionError, match="shows host"):
        mail.send_mail("Hi", f"Call {world.host.phone_number}", None, [world.stranger.email])


def _world_without_its_emails(task_queue):
    """The world's own emails (follow requests) pass the check too; the tests count theirs."""
    world = build_world()
    task_queue.outbox()
    mail.outbox.clear()
    return world


def test_an_email_showing_the_recipients_own_data_is_sent(task_queue):
    world = _world_without_its_emails(task_queue)
    mail.send_mail("Hi", f"Your phone: {world.host.phone_number}", None, [world.host.email])
    assert len(task_queue.outbox()) == 1


def test_account_emails_in_the_canary_world_show_nobody_elses_data(client, task_queue):
    world = _world_without_its_emails(task_queue)
    client.post(reverse("account_reset_password"), {"email": world.host.email})
    client.post(
        reverse("account_signup"),
        {
            "email": world.guest.email,  # taken: allauth tells the owner by email
            "username": "someone-new",
            "password1": "a-long-Passphrase-42",
            "password2": "a-long-Passphrase-42",
        },
    )
    client.force_login(world.invitee)
    client.post(reverse("account_email"), {"action_add": "", "email": "new.inbox@example.com"})
    sent = task_queue.outbox()
    assert len(sent) == 3


def test_the_no_show_email_in_the_canary_world_shows_nobody_elses_data(task_queue):
    from events import services

    world = _world_without_its_emails(task_queue)
    evening = world.objects["evening"]
    guest = world.guest.social_profile
    services.report_attendance(evening, by=evening.host, statuses={guest.pk: "no_show"})
    [sent] = task_queue.outbox()
    assert sent.to == [world.guest.email]
    assert "reported you as not coming" in sent.subject


def test_the_cant_make_it_email_in_the_canary_world_shows_nobody_elses_data(task_queue):
    from events import services

    world = _world_without_its_emails(task_queue)
    tonight = world.objects["tonight_invitation"]
    services.report_cant_make_it(tonight, by=world.guest.social_profile)
    host_mail = [sent for sent in task_queue.outbox() if sent.to == [world.host.email]]
    assert len(host_mail) == 1
    assert world.guest.social_profile.display_name in host_mail[0].subject + host_mail[0].body


def test_the_ratings_published_email_goes_once_to_the_host_when_the_last_attendee_rates(
    task_queue,
):
    from events import services

    world = _world_without_its_emails(task_queue)
    evening = world.objects["evening"]  # the guest came; the invitee is a disputed no-show
    services.rate_event(
        evening, by=world.guest.social_profile, host_rating=5, event_rating=4, comment="Warm."
    )
    [sent] = task_queue.outbox()
    assert sent.to == [world.host.email]
    assert evening.title in sent.subject
    assert "1 guest rated" in sent.body and "Warm." not in sent.body  # the count, not the words
    # The sweep finds it published: nobody is told twice, even once the window has closed.
    assert services.publish_due_ratings(now=evening.ratings_close_at) == 0
    assert len(task_queue.outbox()) == 1


def test_the_ratings_published_email_goes_once_to_the_host_when_the_window_closes(task_queue):
    from events import services
    from events.factories import AttendanceFactory, InvitationFactory

    world = _world_without_its_emails(task_queue)
    evening = world.objects["evening"]
    stranger = world.stranger.social_profile  # came too, and never rates
    InvitationFactory(event=evening, profile=stranger, confirmed=True)
    AttendanceFactory(event=evening, profile=stranger)
    services.rate_event(evening, by=world.guest.social_profile, host_rating=4, event_rating=4)
    assert task_queue.outbox() == [], "still blind: the stranger has not rated"

    assert services.publish_due_ratings(now=evening.ratings_close_at) == 1
    [sent] = task_queue.outbox()
    assert sent.to == [world.host.email]
    assert "1 guest rated" in sent.body
    assert services.publish_due_ratings(now=evening.ratings_close_at) == 0
    assert len(task_queue.outbox()) == 1
