"""Writes about accounts. Every other app, the admin and the demo world create users here."""

from __future__ import annotations

import secrets
from datetime import timedelta
from urllib.parse import urlencode

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from accounts import mail
from accounts.models import Notification, NotificationPreference, Referral, User
from accounts.notifications import Kind, kind_named


@transaction.atomic
def create_user(
    *,
    email: str,
    username: str,
    password: str | None,
    verified: bool = False,
    **fields,
) -> User:
    """Create a user with their allauth email address, verified or awaiting confirmation."""
    user = User.objects.create_user(email=email, username=username, password=password, **fields)
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=verified)
    return user


PRIVATE_FIELDS = ("last_name", "phone_number", "birth_date", "language_preference")


def update_private_data(user: User, **fields) -> User:
    unknown = set(fields) - set(PRIVATE_FIELDS)
    if unknown:
        raise TypeError(f"Not private data fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(user, name, value)
    user.save(update_fields=[*fields, "updated_at"])
    return user


# Notifications: one path for telling a person something (accounts/notifications.py lists the
# kinds). `notify` is called inside the caller's transaction: the row and the email's job are
# written with the change that caused them, or not at all.

EMAIL_ATTEMPTS = 5
UNSUBSCRIBE_SALT = "momento.unsubscribe"
KEEP_READ_FOR = timedelta(days=90)


def notify(
    user: User,
    kind: str,
    *,
    about=None,
    context: dict | None = None,
    link: str | None = None,
    once: str = "",
    attachments: list[tuple[str, str, str]] | None = None,
) -> Notification | None:
    """Tell `user` about something: a row in their notification centre and, where their
    preferences say so, an email. `context` must hold only what `user` may see; `link` (a path)
    defaults to the page of `about`. With `once` (a key such as "event_reminder:<event id>"),
    a second call for the same person and key, from any worker, tells nothing and returns
    None. `attachments` are (name, text, type) files for the email, such as a calendar file."""
    declared = kind_named(kind)
    if link is None:
        link = about.get_absolute_url() if hasattr(about, "get_absolute_url") else ""
    emailed = wants_email(user, declared)
    with translation.override(user.language_preference):
        message = _email(user, declared, context or {}, full=emailed)
    if emailed:
        for attachment in attachments or []:
            message.attach(*attachment)
    notification = Notification(
        recipient=user,
        kind=declared.key,
        about_type=ContentType.objects.get_for_model(about) if about is not None else None,
        about_id=str(about.pk) if about is not None else "",
        title=message.subject.removeprefix(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX)[:300],
        link=link,
        once_key=once,
        email=Notification.Email.PENDING if emailed else Notification.Email.NONE,
        email_message=mail.message_to_data(message) if emailed else None,
    )
    if once:
        try:
            with transaction.atomic():  # a savepoint: the caller's transaction goes on
                notification.save(force_insert=True)
        except IntegrityError as error:
            if "notification_once" not in str(error):
                raise
            return None  # already told, by this run or another worker's
    else:
        notification.save(force_insert=True)
    if emailed:
        message.notification_id = str(notification.pk)
        message.send()
    return notification


def notify_each_once(rows, *, kind: str, user_of, about_of, context_of, link_of, key_of=None):
    """`notify(once=...)` for each row of a reminder sweep, the key being "<kind>:<about's id>"
    unless `key_of` says otherwise. Those already told are found in one query and skipped before
    anything is rendered; the unique constraint still decides between racing workers. Returns
    how many were told."""
    rows = list(rows)
    key_of = key_of or (lambda row: f"{kind}:{about_of(row).pk}")
    keys = {(user_of(row).pk, key_of(row)) for row in rows}
    told = set()
    if keys:
        told = set(
            Notification.objects.filter(
                recipient__in={user for user, _ in keys}, once_key__in={key for _, key in keys}
            ).values_list("recipient_id", "once_key")
        )
    count = 0
    for row in rows:
        user, key = user_of(row), key_of(row)
        if (user.pk, key) in told or not user.is_active:
            continue
        about = about_of(row)
        if notify(user, kind, about=about, context=context_of(row), link=link_of(row), once=key):
            told.add((user.pk, key))
            count += 1
    return count


def wants_email(user: User, kind: Kind) -> bool:
    if not kind.optional:
        return True
    chosen = (
        NotificationPreference.objects.filter(user=user, kind=kind.key)
        .values_list("email", flat=True)
        .first()
    )
    return kind.email_by_default if chosen is None else chosen


def _email(user: User, kind: Kind, context: dict, *, full: bool) -> EmailMultiAlternatives:
    """The email of one notification, in the shared layout, with its unsubscribe link. Without
    `full`, only the subject is rendered (the centre's line)."""
    context = {"recipient": user.social_profile, "site_url": settings.SITE_URL, **context}
    if not full:
        return _message(user.email, kind, context, footer=None)
    unsubscribe_url = (
        settings.SITE_URL + reverse("accounts:unsubscribe", args=[unsubscribe_token(user, kind)])
        if kind.optional
        else ""
    )
    footer = {
        "member": True,
        "preferences_url": settings.SITE_URL + reverse("accounts:notification-settings"),
        "unsubscribe_url": unsubscribe_url,
    }
    message = _message(user.email, kind, context, footer=footer)
    if unsubscribe_url:
        # RFC 8058: mail apps offer "unsubscribe" and POST to it without opening the message.
        message.extra_headers["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        message.extra_headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return message


def _message(address: str, kind: Kind, context: dict, *, footer: dict | None):
    """Subject, text and HTML of a kind's templates, the bodies inside the shared layout with
    its `footer`; only the subject when `footer` is None."""
    subject_name, text_name, html_name = kind.template_names()
    subject = render_to_string(subject_name, context).strip()
    message = EmailMultiAlternatives(
        f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}", to=[address]
    )
    if footer is None:
        return message
    layout = {**context, **footer, "kind": kind}
    message.body = render_to_string(
        "accounts/emails/_layout.txt", {**layout, "content": render_to_string(text_name, context)}
    )
    html = mark_safe(render_to_string(html_name, context))
    message.attach_alternative(
        render_to_string("accounts/emails/_layout.html", {**layout, "content": html}),
        "text/html",
    )
    return message


def deliver_notification(notification_id: str) -> None:
    """Send a notification's email once. Under the row's lock: a second run of the same job, or
    a job retried after a success, finds it sent and does nothing. A failure is kept with its
    error and raised for the queue to retry with backoff; after the last attempt the email
    stays failed, for staff to retry from the console."""
    error = None
    with transaction.atomic():
        notification = Notification.objects.select_for_update().filter(pk=notification_id).first()
        if notification is None or notification.email != Notification.Email.PENDING:
            return
        try:
            mail.deliver(notification.email_message)
        except Exception as failure:  # the provider's or SMTP's refusal, whatever its class
            error = failure
            notification.email_attempts += 1
            notification.email_error = f"{type(failure).__name__}: {failure}"[:2000]
            if notification.email_attempts >= EMAIL_ATTEMPTS:
                notification.email = Notification.Email.FAILED
        else:
            notification.email = Notification.Email.SENT
            notification.emailed_at = timezone.now()
            notification.email_message = None
            notification.email_error = ""
        notification.save(
            update_fields=["email", "email_attempts", "email_error", "emailed_at", "email_message"]
        )
    if error is not None and notification.email == Notification.Email.PENDING:
        raise error


@transaction.atomic
def retry_email(notification: Notification) -> bool:
    """Staff's retry of a failed email, from the console: a fresh round of attempts."""
    notification = Notification.objects.select_for_update().get(pk=notification.pk)
    if notification.email != Notification.Email.FAILED or not notification.email_message:
        return False
    notification.email = Notification.Email.PENDING
    notification.email_attempts = 0
    notification.save(update_fields=["email", "email_attempts"])
    mail.defer_notification(str(notification.pk))
    return True


def mark_read(user: User, *, notification_id=None) -> int:
    """Mark one of `user`'s notifications read, or all of them; other people's are untouched."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    return unread.update(read_at=timezone.now())


def set_email_preferences(user: User, choices: dict[str, bool]) -> None:
    """`choices` maps optional kinds to email on or off; mandatory kinds cannot be turned off."""
    for key, email in choices.items():
        kind = kind_named(key)
        if not kind.optional:
            raise ValueError(f"{key!r} emails cannot be turned off")
        NotificationPreference.objects.update_or_create(
            user=user, kind=kind.key, defaults={"email": email}
        )


def unsubscribe_token(user: User, kind: Kind) -> str:
    return signing.dumps([str(user.pk), kind.key], salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe(token: str) -> tuple[User, Kind] | None:
    """The one-click link of an email: that kind's email off for its recipient. No log-in is
    needed (mail apps POST to it); the signature is the proof. None for a bad token."""
    try:
        user_id, key = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        kind = kind_named(key)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not kind.optional:
        return None
    set_email_preferences(user, {kind.key: False})
    return user, kind


def prune_notifications(*, now=None) -> int:
    """Read notifications older than 90 days go; unread ones stay until read."""
    now = now or timezone.now()
    deleted, _ = Notification.objects.filter(read_at__lt=now - KEEP_READ_FOR).delete()
    return deleted


# Referrals: a member invites a friend by email.

OPEN_REFERRALS_AT_MOST = 20


class ReferralError(Exception):
    """A refusal whose message is safe to show."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@transaction.atomic
def refer(inviter: User, email: str) -> Referral:
    """Invite `email` to Momento. An address that already has an account gets no email, and
    the inviter is told the same as for any other (nothing reveals who is a member). Inviting
    the same address again while the invitation is open is refused; once it expired, it is
    sent afresh."""
    email = User.objects.normalize_email(email).strip()
    User.objects.select_for_update().filter(pk=inviter.pk).first()  # one inviter at a time
    if email.lower() == inviter.email.lower():
        raise ReferralError("That is your own address: invite a friend's.")
    now = timezone.now()
    mine = Referral.objects.filter(inviter=inviter)
    if mine.open(now).count() >= OPEN_REFERRALS_AT_MOST:
        raise ReferralError(
            f"You have {OPEN_REFERRALS_AT_MOST} invitations waiting for an answer: invite more "
            "once some are accepted or have expired."
        )
    referral = mine.filter(email__iexact=email, joined_by__isnull=True).first()
    if referral is not None and referral.expires_at > now:
        raise ReferralError(
            f"You already invited {referral.email}; the invitation is open until "
            f"{timezone.localtime(referral.expires_at):%-d %B}."
        )
    referral = referral or Referral(inviter=inviter, email=email)
    referral.code = secrets.token_urlsafe(18)
    referral.created_at, referral.expires_at = now, now + Referral.LASTS
    referral.emailed = not (
        User.objects.filter(email__iexact=email).exists()
        or EmailAddress.objects.filter(email__iexact=email).exists()
    )
    referral.save()
    if referral.emailed:
        email_address(
            email,
            "referral",
            language=inviter.language_preference,
            context={
                "inviter": inviter.social_profile,
                "referral": referral,
                "signup_url": settings.SITE_URL
                + reverse("account_signup")
                + "?"
                + urlencode({"email": email, "code": referral.code}),
            },
        )
    return referral


def referral_for_code(code: str) -> tuple[Referral | None, str]:
    """The open referral of a sign-up code, or None with what is wrong with the code."""
    referral = Referral.objects.filter(code=code.strip()).first() if code else None
    if referral is None:
        return None, "This invitation code is not one of ours. Check it, or sign up without it."
    if referral.joined_by_id:
        return None, "This invitation code has already been used. Sign up without it."
    if referral.expires_at <= timezone.now():
        return None, "This invitation code has expired. Sign up without it."
    return referral, ""


@transaction.atomic
def join_by_referral(code: str, user: User) -> Referral | None:
    """At sign-up: the referral records who joined with it (once, under its lock)."""
    referral = Referral.objects.select_for_update().filter(code=code.strip()).first()
    if referral is None or referral.joined_by_id or referral.expires_at <= timezone.now():
        return None
    referral.joined_by = user
    referral.save(update_fields=["joined_by"])
    return referral


def accept_referral_of(user: User) -> None:
    """Their email address is verified: the referral they joined with is accepted."""
    Referral.objects.filter(joined_by=user, accepted_at__isnull=True).update(
        accepted_at=timezone.now()
    )


def email_address(address: str, kind: str, *, language: str, context: dict) -> None:
    """An email of a registered kind to someone who is not a member (a referred friend), in the
    shared layout, with no notification row (they have no centre) and no preferences."""
    context = {"site_url": settings.SITE_URL, **context}
    with translation.override(language):
        message = _message(address, kind_named(kind), context, footer={"member": False})
    message.send()
