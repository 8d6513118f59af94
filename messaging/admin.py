"""The console's side of the board: every post with its author (staff alone see who wrote a
post), and the moderation queue of reported posts, with actions that hide them."""

from django.contrib import admin
from django.utils.html import format_html_join

from messaging import services
from messaging.models import EventPost, Message, MessageReport, PostReport
from profiles.admin import MembersOnlyAdmin


@admin.register(EventPost)
class EventPostAdmin(MembersOnlyAdmin):
    list_display = ["event", "role", "author", "created_at", "hidden_at", "deleted_at"]
    list_select_related = ["event", "author__user"]
    list_filter = ["role", ("hidden_at", admin.EmptyFieldListFilter)]
    search_fields = ["content", "author__user__username", "event__title"]
    readonly_fields = [
        "id",
        "event",
        "author",
        "role",
        "content",
        "created_at",
        "hidden_at",
        "hidden_by",
        "deleted_at",
    ]
    actions = ["hide"]

    @admin.action(description="Hide from the board")
    def hide(self, request, queryset):
        hidden = services.hide_posts_by_staff(queryset, by=request.user)
        self.message_user(request, f"{hidden} post(s) hidden.")


@admin.register(PostReport)
class PostReportAdmin(MembersOnlyAdmin):
    """The moderation queue of board posts: open reports first, oldest first, each with the
    post, its event and its author."""

    list_display = ["post_text", "event", "author", "reason", "reporter", "status", "created_at"]
    list_select_related = ["post__event", "post__author__user", "reporter__user"]
    list_filter = ["status", "reason"]
    search_fields = ["post__content", "reporter__user__username", "note"]
    readonly_fields = [
        "id",
        "post",
        "reporter",
        "reason",
        "note",
        "status",
        "created_at",
        "resolved_at",
        "resolved_by",
    ]
    actions = ["hide_and_action", "dismiss"]

    def get_queryset(self, request):
        return super().get_queryset(request).order_by("-status", "created_at")

    @admin.display(description="Post")
    def post_text(self, report):
        return report.post.content[:80]

    @admin.display(description="Event")
    def event(self, report):
        return report.post.event

    @admin.display(description="Author")
    def author(self, report):
        return report.post.author

    @admin.action(description="Hide the posts and mark as actioned")
    def hide_and_action(self, request, queryset):
        posts = EventPost.objects.filter(reports__in=queryset).distinct()
        hidden = services.hide_posts_by_staff(posts, by=request.user)
        resolved = services.resolve_reports(
            queryset, status=PostReport.Status.ACTIONED, by=request.user
        )
        self.message_user(request, f"{hidden} post(s) hidden, {resolved} report(s) resolved.")

    @admin.action(description="Dismiss")
    def dismiss(self, request, queryset):
        resolved = services.resolve_reports(
            queryset, status=PostReport.Status.DISMISSED, by=request.user
        )
        self.message_user(request, f"{resolved} report(s) dismissed.")


@admin.register(MessageReport)
class MessageReportAdmin(MembersOnlyAdmin):
    """Reported private messages, with the messages around each (its context): staff may hide
    them or suspend their senders. Only reported conversations are ever shown here."""

    list_display = ["message_text", "sender", "reason", "reporter", "status", "created_at"]
    list_select_related = ["message__sender__user", "reporter__user"]
    list_filter = ["status", "reason"]
    search_fields = ["message__content", "reporter__user__username", "note"]
    readonly_fields = [
        "id",
        "message",
        "context",
        "reporter",
        "reason",
        "note",
        "status",
        "created_at",
        "resolved_at",
        "resolved_by",
    ]
    actions = ["hide_and_action", "suspend_senders", "dismiss"]

    def get_queryset(self, request):
        return super().get_queryset(request).order_by("-status", "created_at")

    @admin.display(description="Message")
    def message_text(self, report):
        return report.message.content[:80]

    @admin.display(description="Sender")
    def sender(self, report):
        return report.message.sender

    @admin.display(description="The conversation around it")
    def context(self, report):
        message = report.message
        around = Message.objects.filter(conversation=message.conversation).select_related("sender")
        before = list(around.filter(created_at__lte=message.created_at).order_by("-created_at")[:6])
        after = list(around.filter(created_at__gt=message.created_at).order_by("created_at")[:3])
        rows = [*reversed(before), *after]
        return format_html_join(
            "",
            "<p><strong>{}</strong> ({}){}: {}</p>",
            (
                (
                    m.sender or "deleted member",
                    f"{m.created_at:%Y-%m-%d %H:%M}",
                    " [reported]" if m.pk == message.pk else "",
                    m.content,
                )
                for m in rows
            ),
        )

    @admin.action(description="Hide the messages and mark as actioned")
    def hide_and_action(self, request, queryset):
        hidden = services.hide_messages_by_staff(Message.objects.filter(reports__in=queryset))
        resolved = services.resolve_reports(
            queryset, status=MessageReport.Status.ACTIONED, by=request.user
        )
        self.message_user(request, f"{hidden} message(s) hidden, {resolved} report(s) resolved.")

    @admin.action(description="Suspend the senders")
    def suspend_senders(self, request, queryset):
        suspended = services.suspend_senders(Message.objects.filter(reports__in=queryset))
        self.message_user(request, f"{suspended} account(s) suspended.")

    @admin.action(description="Dismiss")
    def dismiss(self, request, queryset):
        resolved = services.resolve_reports(
            queryset, status=MessageReport.Status.DISMISSED, by=request.user
        )
        self.message_user(request, f"{resolved} report(s) dismissed.")
