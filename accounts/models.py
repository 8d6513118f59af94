import datetime
import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import models
from django.db.models import Value
from django.db.models.functions import Lower
from django.db.models.lookups import Exact
from django.utils import timezone

from accounts.reliability import PRIOR_RATING


def username_is(username: str, *, path: str = "username") -> Exact:
    """Case-insensitive username match, for `filter()`: `LOWER(username) = LOWER(%s)`, which the
    `user_username_ci_unique` index serves (`username__iexact` compiles to UPPER() and scans
    every user). `path` reaches the field from another model: `path="user__username"`."""
    return Exact(Lower(path), Lower(Value(username)))


class UserManager(DjangoUserManager):
    """Email is the login: `create_user(email, username, password)`."""

    def create_user(self, email=None, username=None, password=None, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        return super().create_user(username, self.normalize_email(email), password, **extra_fields)

    def create_superuser(self, email=None, username=None, password=None, **extra_fields):
        return super().create_superuser(
            username, self.normalize_email(email), password, **extra_fields
        )


class User(AbstractUser):
    """Authentication and private data. Nothing here is public: the public face is the profile.

    `is_verified` is allauth's verified EmailAddress; roles are Django's staff/superuser flags and
    groups; premium status will be derived from the active subscription.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField("email address", unique=True)
    # The public first and preferred names live on the social profile.
    first_name = None
    last_name = models.CharField("last name", max_length=150, blank=True)
    phone_number = models.CharField(max_length=32, blank=True)
    birth_date = models.DateField(null=True, blank=True)
    payment_customer_id = models.CharField(max_length=255, blank=True)
    language_preference = models.CharField(
        max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    updated_at = models.DateTimeField(auto_now=True)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["username"]

    objects = UserManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
            models.UniqueConstraint(Lower("username"), name="user_username_ci_unique"),
            models.UniqueConstraint(
                "payment_customer_id",
                condition=~models.Q(payment_customer_id=""),
                name="user_payment_customer_id_unique",
            ),
        ]

    def __str__(self):
        return self.username

    def get_full_name(self):
        return self.username

    def get_short_name(self):
        return self.username


class UserInternalMetrics(models.Model):
    """Internal scores for curation. Shown to staff in the admin and to nobody else, ever."""

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, primary_key=True, related_name="internal_metrics"
    )
    absentee_rating = models.FloatField(
        default=PRIOR_RATING,
        help_text="Reliability from attendance (accounts/reliability.py): higher came more.",
    )
    # When absentee_rating was last computed from attendance (None: never, the prior stands).
    absentee_rating_updated_at = models.DateTimeField(null=True, blank=True)
    internal_attractiveness_rating = models.FloatField(default=0.0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "internal metrics"
        verbose_name_plural = "internal metrics"

    def __str__(self):
        return f"Internal metrics of {self.user}"


class Notification(models.Model):
    """Something that happened to a person, written by `accounts.services.notify` in the same
    transaction as the change that caused it. `title` and `link` are rendered then, for the
    recipient alone, so the notification centre reads one table. The email's state lives here
    too: `email_message` holds what to send until it is sent (then cleared), and the delivery
    job checks `email` under a row lock, so a retried or duplicated job never sends twice."""

    class Email(models.TextChoices):
        NONE = "none", "Not emailed"
        PENDING = "pending", "Waiting to be sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=40)
    about_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.CASCADE, null=True, blank=True
    )
    about_id = models.CharField(max_length=64, blank=True)
    about = GenericForeignKey("about_type", "about_id")
    title = models.CharField(max_length=300)
    link = models.CharField(max_length=500, blank=True)
    # Reminders are sent once per person and what they remind of (e.g. "event_reminder:<id>"),
    # whatever the number of workers or re-runs: the unique constraint below decides.
    once_key = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    email = models.CharField(max_length=8, choices=Email.choices, default=Email.NONE)
    email_message = models.JSONField(null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    email_error = models.TextField(blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "once_key"],
                condition=~models.Q(once_key=""),
                name="notification_once",
            )
        ]
        indexes = [
            # The notification centre: one person's, newest first, keyset-paginated.
            models.Index(
                fields=["recipient", "-created_at", "-id"], name="notification_centre_idx"
            ),
            # The unread badge on every page: a count over this person's unread rows only.
            models.Index(
                fields=["recipient"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread_idx",
            ),
            # Pruning read notifications after 90 days.
            models.Index(
                fields=["read_at"],
                condition=models.Q(read_at__isnull=False),
                name="notification_read_idx",
            ),
            # The console's list of failed emails.
            models.Index(
                fields=["created_at"],
                condition=models.Q(email="failed"),
                name="notification_failed_idx",
            ),
        ]

    def __str__(self):
        return f"{self.kind} for {self.recipient}"


class NotificationPreference(models.Model):
    """A person's choice for one kind's email where it differs from the kind's default. In-app
    notifications are always on."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=40)
    email = models.BooleanField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_unique")
        ]

    def __str__(self):
        return f"{self.kind} email {'on' if self.email else 'off'} for {self.user}"


class ReferralQuerySet(models.QuerySet):
    def open(self, now=None):
        """Waiting for the friend: not joined, not expired."""
        return self.filter(joined_by__isnull=True, expires_at__gt=now or timezone.now())


class Referral(models.Model):
    """A member's invitation to a friend by email (Maly's `invitations`): an unguessable code
    that expires; the friend who signs up with it is `joined_by`, and the referral is accepted
    once they verify their email address."""

    LASTS = datetime.timedelta(days=14)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    inviter = models.ForeignKey(User, on_delete=models.CASCADE, related_name="referrals")
    email = models.EmailField()
    code = models.CharField(max_length=32, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    # Whether the email left: not when the address already has an account (the inviter is
    # never told which). Staff only.
    emailed = models.BooleanField(default=False)
    joined_by = models.OneToOneField(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="referred_by"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        constraints = [
            # One open invitation per inviter and address (a second one says so).
            models.UniqueConstraint(
                "inviter",
                Lower("email"),
                condition=models.Q(joined_by__isnull=True),
                name="referral_one_open_per_address",
            )
        ]
        indexes = [
            # The inviter's list, newest first.
            models.Index(fields=["inviter", "-created_at"], name="referral_inviter_idx"),
        ]

    def __str__(self):
        return f"{self.inviter} invited {self.email}"

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.joined_by_id:
            return "joined"
        return "expired" if self.expires_at <= timezone.now() else "sent"
