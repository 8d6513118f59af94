"""The people side of Momento: public profiles, their photos, interests, moods and cities, and the
social graph between them (likes, follows, blocks, reports).

Everything here is public by design except reports. Private data stays on `accounts.User`; pages
about people load these models and only reach the user for the public username.
"""

import uuid
from zoneinfo import ZoneInfo, available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Lower

from momento.urlmaker import row_url


class Interest(models.Model):
    """The staff-managed catalog people pick their interests from; events are tagged with it."""

    name = models.CharField(max_length=60)

    class Meta:
        constraints = [models.UniqueConstraint(Lower("name"), name="interest_name_ci_unique")]
        ordering = ["name"]

    def __str__(self):
        return self.name


class Mood(models.Model):
    """A small catalog of moods ("up for a long walk"); people set their current ones."""

    name = models.CharField(max_length=60)
    emoji = models.CharField(max_length=8, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(Lower("name"), name="mood_name_ci_unique")]
        ordering = ["name"]

    def __str__(self):
        return f"{self.emoji} {self.name}".strip()


def validate_time_zone(value: str) -> None:
    if value not in available_timezones():
        raise ValidationError(f"{value!r} is not an IANA time zone, such as Europe/Paris.")


class City(models.Model):
    """A catalog, so that people and events in "Paris" meet whatever anyone typed. Event times
    are stored in UTC and read and shown in their city's IANA time zone."""

    name = models.CharField(max_length=100)
    country = models.CharField(max_length=100)
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("name"), Lower("country"), name="city_ci_unique")
        ]
        ordering = ["name", "country"]
        verbose_name_plural = "cities"

    def __str__(self):
        return f"{self.name}, {self.country}"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)


# What templates/profiles/_person_cards.html reads of a profile (besides its annotations).
CARD_FIELDS = ("user__username", "first_name", "preferred_name", "created_at")


class SocialProfileQuerySet(models.QuerySet):
    def active(self):
        return self.filter(user__is_active=True)

    def visible_to(self, viewer: "SocialProfile"):
        """Everyone the viewer may see: not themselves, and nobody blocked in either direction."""
        return (
            self.active()
            .exclude(pk=viewer.pk)
            .exclude(Exists(Block.objects.filter(blocker=viewer, blocked=OuterRef("pk"))))
            .exclude(Exists(Block.objects.filter(blocker=OuterRef("pk"), blocked=viewer)))
        )

    def for_cards(self):
        """What a person card shows: the public username, the first photo, the current city.
        Only those columns (and `created_at`, the people page's keyset): a list of cards builds
        no full user row (password hash, email, dates), which costs more than the card."""
        first_photo = Photo.objects.filter(profile=OuterRef("pk"), kind=Photo.Kind.PORTRAIT)
        current_city = UserCity.objects.filter(profile=OuterRef("pk"), is_current=True)
        cards = self.select_related("user").only(*CARD_FIELDS)
        return cards.annotate(
            thumb=models.Subquery(first_photo.order_by("position").values("thumb")[:1]),
            current_city_name=models.Subquery(current_city.values("city__name")[:1]),
        )

    def cards_in_order(self, profile_ids: list) -> list["SocialProfile"]:
        """Person cards for these ids, in the given order, in one query."""
        cards = self.for_cards().in_bulk(profile_ids)
        return [cards[pk] for pk in profile_ids if pk in cards]


class SocialProfile(models.Model):
    """Every person's public face, created with the user."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="social_profile"
    )
    first_name = models.CharField(max_length=60, blank=True)
    preferred_name = models.CharField(max_length=60, blank=True)
    bio = models.TextField(max_length=1000, blank=True)
    gender = models.CharField(max_length=40, blank=True, help_text="In your own words.")
    occupation = models.CharField(max_length=100, blank=True)
    location = models.CharField(
        max_length=100, blank=True, help_text='A general area, such as "Brooklyn, NY".'
    )
    interests = models.ManyToManyField(Interest, through="ProfileInterest", blank=True)
    moods = models.ManyToManyField(Mood, through="ProfileMood", blank=True)
    onboarded_at = models.DateTimeField(null=True, blank=True)
    onboarding_reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SocialProfileQuerySet.as_manager()

    class Meta:
        indexes = [
            # Browse people: newest first, keyset-paginated on (created_at, id).
            models.Index(fields=["-created_at", "-id"], name="profile_browse_idx"),
            # The daily onboarding reminder looks for profiles never finished.
            models.Index(
                fields=["created_at"],
                condition=Q(onboarded_at__isnull=True),
                name="profile_unfinished_idx",
            ),
        ]

    def __str__(self):
        return self.display_name

    def get_absolute_url(self):
        return row_url("profiles:profile", self.user.username)

    @property
    def username(self) -> str:
        return self.user.username

    @property
    def display_name(self) -> str:
        return self.preferred_name or self.first_name or self.user.username


class HostProfile(models.Model):
    """The profile of someone who hosts events; any participant can open one."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="host_profile"
    )
    host_name = models.CharField(max_length=80)
    host_bio = models.TextField(max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return self.host_name

    def get_absolute_url(self):
        return row_url("profiles:host", self.user.username)


class Photo(models.Model):
    """A re-encoded, metadata-free image in three sizes. Portraits are ordered; a profile has at
    most one cover."""

    class Kind(models.TextChoices):
        PORTRAIT = "portrait", "Photo"
        COVER = "cover", "Cover image"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    profile = models.ForeignKey(SocialProfile, on_delete=models.CASCADE, related_name="photos")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PORTRAIT)
    position = models.PositiveSmallIntegerField(default=0)
    # Storage names of the variants (profiles/images.py).
    large = models.CharField(max_length=255)
    medium = models.CharField(max_length=255)
    thumb = models.CharField(max_length=255)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "position"],
                condition=Q(kind="portrait"),
                name="photo_position_unique",
            ),
            models.UniqueConstraint(
                fields=["profile"], condition=Q(kind="cover"), name="photo_one_cover"
            ),
        ]
        ordering = ["position"]

    def __str__(self):
        return f"{self.get_kind_display()} of {self.profile_id}"

    @property
    def variant_names(self) -> list[str]:
        return [self.large, self.medium, self.thumb]

    def url(self, variant: str = "medium") -> str:
        return default_storage.url(getattr(self, variant))


class ProfileInterest(models.Model):
    profile = models.ForeignKey(SocialProfile, on_delete=models.CASCADE)
    interest = models.ForeignKey(Interest, on_delete=models.CASCADE)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["profile", "interest"], name="profile_interest_unique")
        ]
        # Browse people by interest.
        indexes = [models.Index(fields=["interest", "profile"], name="interest_profiles_idx")]

    def __str__(self):
        return f"{self.profile_id} likes {self.interest_id}"


class ProfileMood(models.Model):
    profile = models.ForeignKey(SocialProfile, on_delete=models.CASCADE)
    mood = models.ForeignKey(Mood, on_delete=models.CASCADE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["profile", "mood"], name="profile_mood_unique")
        ]
        # Browse people by mood.
        indexes = [models.Index(fields=["mood", "profile"], name="mood_profiles_idx")]

    def __str__(self):
        return f"{self.profile_id} feels {self.mood_id}"


class UserCity(models.Model):
    """A city someone lives in or spends time in. When a person has cities, exactly one is
    current and exactly one is primary: unique partial indexes allow at most one, and a deferred
    constraint trigger (migration 0002) requires at least one at commit."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    profile = models.ForeignKey(SocialProfile, on_delete=models.CASCADE, related_name="cities")
    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="residents")
    is_current = models.BooleanField(default=False)
    is_primary = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["profile", "city"], name="usercity_unique"),
            models.UniqueConstraint(
                fields=["profile"],
                condition=Q(is_current=True),
                name="usercity_one_current",
            ),
            models.UniqueConstraint(
                fields=["profile"],
                condition=Q(is_primary=True),
                name="usercity_one_primary",
            ),
        ]
        # Browse people by city.
        indexes = [models.Index(fields=["city", "profile"], name="city_profiles_idx")]
        ordering = ["-is_current", "-is_primary", "city__name"]
        verbose_name_plural = "user cities"

    def __str__(self):
        return f"{self.profile_id} in {self.city_id}"


class Like(models.Model):
    liker = models.ForeignKey(SocialProfile, on_delete=models.CASCADE, related_name="likes_given")
    liked = models.ForeignKey(
        SocialProfile, on_delete=models.CASCADE, related_name="likes_received"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["liker", "liked"], name="like_once"),
            models.CheckConstraint(condition=~Q(liker=models.F("liked")), name="like_not_self"),
        ]
        # "Whom I liked", newest first; the unique index serves "did I like them?".
        indexes = [models.Index(fields=["liker", "-created_at"], name="likes_given_idx")]

    def __str__(self):
        return f"{self.liker_id} likes {self.liked_id}"


class FollowQuerySet(models.QuerySet):
    def accepted(self):
        return self.filter(status=Follow.Status.ACCEPTED)

    def pending(self):
        return self.filter(status=Follow.Status.PENDING)

    def between(self, a: SocialProfile, b: SocialProfile):
        return self.filter(Q(follower=a, followed=b) | Q(follower=b, followed=a))


class Follow(models.Model):
    """Maly's connection: pending until the followed person accepts or declines."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    follower = models.ForeignKey(SocialProfile, on_delete=models.CASCADE, related_name="following")
    followed = models.ForeignKey(SocialProfile, on_delete=models.CASCADE, related_name="followers")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    objects = FollowQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["follower", "followed"], name="follow_once"),
            models.CheckConstraint(
                condition=~Q(follower=models.F("followed")), name="follow_not_self"
            ),
        ]
        indexes = [
            # Followers of a person and incoming requests, newest first.
            models.Index(fields=["followed", "status", "-created_at"], name="followers_idx"),
            # Whom a person follows and outgoing requests, newest first.
            models.Index(fields=["follower", "status", "-created_at"], name="following_idx"),
        ]

    def __str__(self):
        return f"{self.follower_id} → {self.followed_id} ({self.status})"


class Block(models.Model):
    """Hides two people from each other everywhere, whoever blocked whom."""

    blocker = models.ForeignKey(SocialProfile, on_delete=models.CASCADE, related_name="blocks")
    blocked = models.ForeignKey(SocialProfile, on_delete=models.CASCADE, related_name="blocked_by")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="block_once"),
            models.CheckConstraint(
                condition=~Q(blocker=models.F("blocked")), name="block_not_self"
            ),
        ]
        # "Is either blocked?" reads (blocked, blocker) as well as the unique (blocker, blocked).
        indexes = [models.Index(fields=["blocked", "blocker"], name="blocked_by_idx")]

    def __str__(self):
        return f"{self.blocker_id} blocked {self.blocked_id}"

    @staticmethod
    def exists_between(a: SocialProfile, b: SocialProfile) -> bool:
        return Block.objects.filter(Q(blocker=a, blocked=b) | Q(blocker=b, blocked=a)).exists()


class Report(models.Model):
    """A report about a person, for the staff moderation queue. Only staff read reports."""

    class Reason(models.TextChoices):
        HARASSMENT = "harassment", "Harassment or bullying"
        FAKE = "fake", "Fake profile or impersonation"
        INAPPROPRIATE = "inappropriate", "Inappropriate photos or content"
        SPAM = "spam", "Spam or scam"
        SAFETY = "safety", "I felt unsafe at an event"
        OTHER = "other", "Something else"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ACTIONED = "actioned", "Action taken"
        DISMISSED = "dismissed", "Dismissed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reporter = models.ForeignKey(
        SocialProfile, on_delete=models.CASCADE, related_name="reports_made"
    )
    reported = models.ForeignKey(
        SocialProfile, on_delete=models.CASCADE, related_name="reports_received"
    )
    reason = models.CharField(max_length=20, choices=Reason.choices)
    note = models.TextField(max_length=2000, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(reporter=models.F("reported")), name="report_not_self"
            ),
            # One open report per reporter and person: sending it again adds nothing to the queue.
            models.UniqueConstraint(
                fields=["reporter", "reported"],
                condition=Q(status="open"),
                name="report_open_once",
            ),
        ]
        # The moderation queue: open reports, oldest first.
        indexes = [models.Index(fields=["status", "created_at"], name="report_queue_idx")]
        ordering = ["created_at"]

    def __str__(self):
        return f"Report on {self.reported} ({self.get_reason_display()})"
