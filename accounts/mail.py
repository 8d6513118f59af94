"""Email leaves through the task queue, so a slow or failing mail server never blocks a request.

`TaskEmailBackend` is Django's EMAIL_BACKEND: it turns each message into plain data and defers
`accounts.tasks.send_email` (or, for a notification, `accounts.tasks.deliver_notification`).
The job is written in the same database transaction as the change that caused it, so a
rolled-back sign-up sends nothing. The worker delivers through
EMAIL_DELIVERY_BACKEND (SMTP in production, the console in development).
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend


def message_to_data(message: EmailMessage) -> dict:
    """Plain data for the job's JSON. Attachments must be text (a calendar file)."""
    attachments = []
    for attachment in message.attachments:
        filename, content, mimetype = attachment
        if not isinstance(content, str):
            raise ValueError("Only text attachments travel through the task email backend.")
        attachments.append([filename, content, mimetype])
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": dict(message.extra_headers),
        "alternatives": [
            [content, mimetype] for content, mimetype in getattr(message, "alternatives", [])
        ],
        "attachments": attachments,
    }


def data_to_message(data: dict) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=data["subject"],
        body=data["body"],
        from_email=data["from_email"],
        to=data["to"],
        cc=data["cc"],
        bcc=data["bcc"],
        reply_to=data["reply_to"],
        headers=data["headers"],
    )
    for content, mimetype in data["alternatives"]:
        message.attach_alternative(content, mimetype)
    for filename, content, mimetype in data.get("attachments", []):
        message.attach(filename, content, mimetype)
    return message


def deliver(data: dict) -> None:
    connection = get_connection(settings.EMAIL_DELIVERY_BACKEND)
    connection.send_messages([data_to_message(data)])


def defer_notification(notification_id: str) -> None:
    from accounts.tasks import deliver_notification

    deliver_notification.defer(notification_id=notification_id)


class TaskEmailBackend(BaseEmailBackend):
    """A notification's email (built by `accounts.services.notify`, which keeps the message on
    its row) is deferred by the row's id, so its job can mark the delivery; any other email
    (allauth's) travels as data."""

    def send_messages(self, email_messages):
        from accounts.tasks import send_email

        for message in email_messages:
            notification_id = getattr(message, "notification_id", None)
            if notification_id is not None:
                defer_notification(notification_id)
            else:
                send_email.defer(message=message_to_data(message))
        return len(email_messages)
