"""The console's side of the board: every post with its author (staff alone see who wrote a
post), and the moderation queue of reported posts, with actions that hide them."""

from django.contrib import admin

from messaging import services
from messaging.models import EventPost, PostReport
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
