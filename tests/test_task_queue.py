"""The verification email travels through the real PostgreSQL queue and a real worker."""

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from procrastinate.contrib.django import app as task_app
from procrastinate.contrib.django.django_connector import DjangoConnector
from procrastinate.contrib.django.models import ProcrastinateJob

from tests.queue import run_worker


@pytest.fixture
def postgres_task_queue(task_queue):
    """Undo the in-memory queue of conftest: jobs go to PostgreSQL as in production.

    Deferring goes through Django's connection (inside the request's transaction); the worker
    uses its own psycopg connector, as `manage.py procrastinate worker` does.
    """
    with connection.cursor() as cursor:  # whatever an earlier test left behind
        cursor.execute("TRUNCATE procrastinate_jobs, procrastinate_events CASCADE")
    connector = DjangoConnector()
    with task_app.replace_connector(connector):
        yield connector.get_worker_connector()
    # Flushing between transactional tests leaves procrastinate's unmanaged tables alone.
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE procrastinate_jobs, procrastinate_events CASCADE")


def run_worker_on(worker_connector):
    with task_app.replace_connector(worker_connector):
        run_worker()


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
