"""The verification email travels through the real PostgreSQL queue and a real worker."""

import pytest
from django.core import mail
from django.urls import reverse
from procrastinate.contrib.django.models import ProcrastinateJob

from tests.queue import run_worker_on


@pytest.mark.django_db(transaction=True)
def test_verification_email_is_queued_in_postgres_and_sent_by_the_worker(
    client, postgres_task_queue
):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "queued@example.com",
            "username": "queued",
            "password1": "a-long-Passphrase-42",
            "password2": "a-long-Passphrase-42",
        },
    )
    assert response.status_code == 302

    job = ProcrastinateJob.objects.get()
    assert job.task_name == "accounts.tasks.send_email"
    assert job.queue_name == "emails"
    assert job.status == "todo"
    assert mail.outbox == []

    run_worker_on(postgres_task_queue)

    job.refresh_from_db()
    assert job.status == "succeeded"
    [message] = mail.outbox
    assert message.to == ["queued@example.com"]
    assert "/accounts/confirm-email/" in message.body


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_sign_up_queues_no_email(postgres_task_queue):
    from django.core.mail import send_mail
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        send_mail("Welcome", "Hello", None, ["someone@example.com"])
        raise RuntimeError("sign-up failed half-way")
    assert not ProcrastinateJob.objects.exists()
