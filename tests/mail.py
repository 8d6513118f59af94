"""The private-data canary for email: in every test, each email is checked as it is sent."""

from allauth.account.models import EmailAddress

from accounts.mail import TaskEmailBackend
from accounts.models import User
from tests.harness.world import private_strings_of


class PrivacyCheckingEmailBackend(TaskEmailBackend):
    """Refuses to send an email that shows private data of anyone but its recipients."""

    def send_messages(self, email_messages):
        for message in email_messages:
            check_no_private_data_of_others(message)
        return super().send_messages(email_messages)


def unfold(text: str) -> str:
    """A calendar file's lines as written (RFC 5545 folds long lines with CRLF and a space)."""
    return text.replace("\r\n ", "").replace("\r\n\t", "")


def check_no_private_data_of_others(message) -> None:
    recipients = {address.lower() for address in message.recipients()}
    owners = set(
        EmailAddress.objects.filter(email__in=recipients).values_list("user_id", flat=True)
    )
    text = "\n".join(
        [message.subject, message.body]
        + [content for content, _ in getattr(message, "alternatives", [])]
        + [unfold(content) for _, content, _ in message.attachments]
    )
    others = list(User.objects.exclude(pk__in=owners).exclude(email__in=recipients))
    strings = private_strings_of(others)
    for person in others:
        leaked = sorted(value for value in strings[person.pk] if value in text)
        assert not leaked, f"an email to {sorted(recipients)} shows {person}'s {leaked}"
