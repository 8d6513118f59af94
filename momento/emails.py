"""One way to tell someone that something happened to them: a plain-text and HTML email from
templates/<app>/emails/<name>_{subject.txt,body.txt,body.html}. It leaves through the task
queue (accounts.mail), written in the caller's transaction."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def send(template: str, *, to, context: dict) -> None:
    """`to` is the recipient user; the context must hold only what they may see."""
    context = {"recipient": to.social_profile, "site_url": settings.SITE_URL, **context}
    subject = render_to_string(f"{template}_subject.txt", context).strip()
    body = render_to_string(f"{template}_body.txt", context)
    html = render_to_string(f"{template}_body.html", context)
    message = EmailMultiAlternatives(
        f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}", body, to=[to.email]
    )
    message.attach_alternative(html, "text/html")
    message.send()
