"""A notification's email through the real PostgreSQL queue: written with the change or not at
all, never lost after a commit, never sent twice, retried on failure and then left failed for
staff to retry."""

import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import transaction
from django.urls import reverse
from procrastinate.contrib.django.models import ProcrastinateJob

from accounts import services
from accounts.models import Notification
from profiles.factories import SocialProfileFactory
from tests.queue import run_worker_on
from tests.races import run_at_once

pytestmark = pytest.mark.django_db(transaction=True)

NEWS = {"headline": "Summer tables", "message": "Long evenings are back."}


class RefusingBackend(EmailBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({"ana@example.com": (550, b"No such mailbox")})


@pytest.fixture
def ana():
    user = SocialProfileFactory(first_name="Ana", user__email="ana@example.com").user
    services.set_email_preferences(user, {"news": True})
    return user


def test_a_rolled_back_change_leaves_neither_the_notification_nor_its_email(
    postgres_task_queue, ana
):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.notify(ana, "news", context=NEWS)
        raise RuntimeError("the change failed half-way")
    assert not Notification.objects.exists()
    assert not ProcrastinateJob.objects.exists()


def test_after_a_commit_the_email_waits_in_the_database_and_is_sent_once(postgres_task_queue, ana):
    notification = services.notify(ana, "news", context=NEWS)
    # The worker is down (or killed before it sent): the job and the message wait in PostgreSQL.
    job = ProcrastinateJob.objects.get()
    assert job.task_name == "accounts.tasks.deliver_notification"
    assert job.args == {"notification_id": str(notification.pk)}
    assert mail.outbox == []

    run_worker_on(postgres_task_queue)
    assert [m.subject for m in mail.outbox] == ["[Momento] Summer tables"]

    # The same job deferred again (a retry after a lost acknowledgement) sends nothing more.
    from accounts.tasks import deliver_notification

    deliver_notification.defer(notification_id=str(notification.pk))
    run_worker_on(postgres_task_queue)
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.email == Notification.Email.SENT


def test_two_workers_delivering_the_same_notification_at_once_send_one_email(ana):
    notification = services.notify(ana, "news", context=NEWS)
    for _ in range(3):
        errors = run_at_once(
            [lambda: services.deliver_notification(str(notification.pk)) for _ in range(4)]
        )
        assert errors == []
    assert len(mail.outbox) == 1


def test_a_refused_email_is_retried_then_left_failed_with_its_error_for_staff_to_retry(
    settings, ana, client, task_queue
):
    settings.EMAIL_DELIVERY_BACKEND = f"{__name__}.RefusingBackend"
    notification = services.notify(ana, "news", context=NEWS)
    for attempt in range(1, services.EMAIL_ATTEMPTS):
        with pytest.raises(smtplib.SMTPRecipientsRefused):  # raised: the queue retries
            services.deliver_notification(str(notification.pk))
        notification.refresh_from_db()
        assert (notification.email, notification.email_attempts) == ("pending", attempt)
    services.deliver_notification(str(notification.pk))  # the last try: recorded, not raised
    notification.refresh_from_db()
    assert notification.email == Notification.Email.FAILED
    assert "No such mailbox" in notification.email_error
    assert mail.outbox == []

    # Staff see it in the console and send it again, once the mailbox works.
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    staff = SocialProfileFactory(user__staff=True).user
    client.force_login(staff)
    changelist = reverse("admin:accounts_notification_changelist")
    listed = client.get(changelist + "?email__exact=failed")
    assert listed.status_code == 200
    assert ana.username in listed.text and "Failed" in listed.text
    response = client.post(
        changelist,
        {"action": "retry_email", "_selected_action": [str(notification.pk)]},
        follow=True,
    )
    assert "1 email(s) sent again." in response.text
    notification.refresh_from_db()
    assert notification.email == Notification.Email.PENDING
    assert notification.email_attempts == 0
    [message] = task_queue.outbox()
    assert message.subject == "[Momento] Summer tables"


def test_retrying_an_email_that_did_not_fail_does_nothing(ana):
    notification = services.notify(ana, "news", context=NEWS)
    assert services.retry_email(notification) is False


def test_a_notification_leaves_through_an_anymail_provider_with_its_headers_and_file(
    settings, ana, task_queue
):
    """anymail's own test backend validates the message as a provider's would take it."""
    from events import calendar
    from events.factories import EventFactory

    settings.EMAIL_DELIVERY_BACKEND = "anymail.backends.test.EmailBackend"
    event = EventFactory()
    services.notify(ana, "news", context=NEWS, attachments=[calendar.seat_file(event)])
    [message] = task_queue.outbox()
    params = message.anymail_test_params
    assert params["to"][0].addr_spec == "ana@example.com"
    assert params["extra_headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert params["html_body"].startswith("<!DOCTYPE html>")
    [attachment] = params["attachments"]
    assert attachment.name.endswith(".ics") and attachment.mimetype == "text/calendar"
