import re

from django.core import mail

LINK = re.compile(r"https?://[^\s]+/accounts/[^\s]+/")


def link_in(message: mail.EmailMessage) -> str:
    """The one account link (confirmation, password reset) in an email's text body."""
    links = LINK.findall(message.body)
    assert len(links) == 1, message.body
    return links[0]
