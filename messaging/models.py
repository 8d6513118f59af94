"""The event board: posts signed with the poster's role (Host, Attendee, Invitee), never their
identity, and the reports that send a post to the moderation queue. Who may read and write a
board is decided in messaging/access.py, and nowhere else."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from events.models import Event
from profiles.models import Report, SocialProfile

POST_MAX_LENGTH = 2000


class EventPostQuerySet(models.QuerySet):
    def shown(self):
        """Posts that have not been deleted by their author."""
        return self.filter(deleted_at__isnull=True)

    def for_board(self, event: Event, *, me_id, is_host: bool):
        """One board's posts as its readers see them: the role, the text, when, whether it is
        the reader's own (`mine`) and, for the host, whether it is hidden. The author's id is
        not even loaded, so no page can show it. Hidden posts only for the host."""
        posts = self.shown().filter(event=event)
        if not is_host:
            posts = posts.filter(hidden_at__isnull=True)
        return posts.only("id", "event", "role", "content", "created_at", "hidden_at").annotate(
            mine=models.ExpressionWrapper(Q(author_id=me_id), output_field=models.BooleanField())
        )


class EventPost(models.Model):
    """A post on an event's board. `role` is the poster's part in the event when they wrote it:
    what the board shows instead of who they are."""

    class Role(models.TextChoices):
        HOST = "host", "Host"
        ATTENDEE = "attendee", "Attendee"
        INVITEE = "invitee", "Invitee"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="posts")
    # Kept for moderation (staff see it in the console); NULL once the account is gone, and the
    # post stays, signed with its role.
    author = models.ForeignKey(
        SocialProfile, on_delete=models.SET_NULL, null=True, related_name="event_posts"
    )
    role = models.CharField(max_length=10, choices=Role.choices)
    content = models.TextField(max_length=POST_MAX_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True)
    # Hidden by the event's host (or by staff from the console): gone for everyone but the host.
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Deleted by its author: gone for everyone, kept for a report that points at it.
    deleted_at = models.DateTimeField(null=True, blank=True)

    objects = EventPostQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(content=""), name="eventpost_not_empty"),
        ]
        indexes = [
            # A board's page (the latest posts first, keyset-paginated) and the "anything new?"
            # poll: one event's posts after a time, read from the end of the range.
            models.Index(fields=["event", "created_at", "id"], name="eventpost_board_idx"),
        ]

    def __str__(self):
        return f"{self.get_role_display()} on {self.event_id} at {self.created_at:%Y-%m-%d %H:%M}"


class PostReport(models.Model):
    """A reader's report of a board post, for the staff moderation queue (the console). Only
    staff read reports; the reporter is never shown to anyone else."""

    Reason = Report.Reason
    Status = Report.Status

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    post = models.ForeignKey(EventPost, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        SocialProfile, on_delete=models.CASCADE, related_name="post_reports_made"
    )
    reason = models.CharField(max_length=20, choices=Report.Reason.choices)
    note = models.TextField(max_length=2000, blank=True)
    status = models.CharField(
        max_length=10, choices=Report.Status.choices, default=Report.Status.OPEN
    )
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
            # Once per reader and post: a second report adds nothing to the queue.
            models.UniqueConstraint(fields=["post", "reporter"], name="postreport_once"),
        ]
        indexes = [
            # The console's queue: open reports, oldest first.
            models.Index(
                fields=["created_at"], condition=Q(status="open"), name="postreport_open_idx"
            ),
        ]

    def __str__(self):
        return f"Report of post {self.post_id} ({self.status})"


# Private conversations --------------------------------------------------------------------

MESSAGE_MAX_LENGTH = 2000


class MessagingSettings(models.Model):
    """Who may open a conversation with this person (no row: anyone eligible)."""

    class Who(models.TextChoices):
        ANYONE = "anyone", "Anyone eligible (people I attended an event with, and follows)"
        PICKS_AND_FOLLOWING = (
            "picks_following",
            "Only mutual would-meet-again picks and people I follow",
        )

    profile = models.OneToOneField(
        SocialProfile, on_delete=models.CASCADE, primary_key=True, related_name="messaging"
    )
    who_can_message = models.CharField(max_length=20, choices=Who.choices, default=Who.ANYONE)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "messaging settings"

    def __str__(self):
        return f"{self.profile_id}: {self.who_can_message}"


class Conversation(models.Model):
    """A 1-on-1 conversation: one per pair of people, stored with the pair ordered (`first` has
    the smaller id) so that the database itself refuses a second one."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    first = models.ForeignKey(SocialProfile, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(SocialProfile, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="conversation_once"),
            models.CheckConstraint(
                condition=Q(first__lt=models.F("second")), name="conversation_pair_ordered"
            ),
        ]

    def __str__(self):
        return f"Conversation {self.pk}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("messaging:conversation", args=[self.pk])


class ConversationParticipant(models.Model):
    """One side of a conversation: its read state (Maly's read receipts) and the inbox's order
    (`last_message_at`, kept on both sides when a message is sent)."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="participants"
    )
    profile = models.ForeignKey(
        SocialProfile, on_delete=models.CASCADE, related_name="conversations"
    )
    last_read_at = models.DateTimeField(null=True, blank=True)
    last_message_at = models.DateTimeField(null=True, blank=True)
    # The unread-messages digest: when this person was last emailed about this conversation.
    last_emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["conversation", "profile"], name="participant_once"),
        ]
        indexes = [
            # The inbox: one person's conversations with messages, latest first, keyset pages.
            models.Index(
                fields=["profile", "-last_message_at", "-id"],
                condition=Q(last_message_at__isnull=False),
                name="participant_inbox_idx",
            ),
        ]

    def __str__(self):
        return f"{self.profile_id} in {self.conversation_id}"


class Message(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    sender = models.ForeignKey(
        SocialProfile, on_delete=models.SET_NULL, null=True, related_name="messages_sent"
    )
    content = models.TextField(max_length=MESSAGE_MAX_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True)
    # Hidden by staff after a report: shown to nobody, kept for the console.
    hidden_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(content=""), name="message_not_empty"),
        ]
        indexes = [
            # A conversation's pages (latest first), the "anything new?" poll (after a time),
            # and the unread counts (after one's last read).
            models.Index(fields=["conversation", "created_at", "id"], name="message_thread_idx"),
        ]

    def __str__(self):
        return f"Message in {self.conversation_id} at {self.created_at:%Y-%m-%d %H:%M}"


class MessageReport(models.Model):
    """A participant's report of a message the other person sent, for the moderation queue:
    staff read it with the messages around it, and may hide it or suspend its sender."""

    Reason = Report.Reason
    Status = Report.Status

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        SocialProfile, on_delete=models.CASCADE, related_name="message_reports_made"
    )
    reason = models.CharField(max_length=20, choices=Report.Reason.choices)
    note = models.TextField(max_length=2000, blank=True)
    status = models.CharField(
        max_length=10, choices=Report.Status.choices, default=Report.Status.OPEN
    )
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
            models.UniqueConstraint(fields=["message", "reporter"], name="messagereport_once"),
        ]
        indexes = [
            # The console's queue: open reports, oldest first.
            models.Index(
                fields=["created_at"], condition=Q(status="open"), name="messagereport_open_idx"
            ),
        ]

    def __str__(self):
        return f"Report of message {self.message_id} ({self.status})"
