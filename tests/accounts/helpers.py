import re

from django.core import mail
from django.urls import reverse

LINK = re.compile(r"https?://[^\s]+/accounts/[^\s]+/")


def link_in(message: mail.EmailMessage) -> str:
    """The one account link (confirmation, password reset) in an email's text body."""
    links = LINK.findall(message.body)
    assert len(links) == 1, message.body
    return links[0]


def log_in(client, login: str, password: str):
    """Log in through allauth's form, as a person does (unlike force_login)."""
    return client.post(reverse("account_login"), {"login": login, "password": password})
