"""The console's people pages: catalogs staff curate, profiles, and the moderation queue."""

from django.contrib import admin
from django.utils.html import format_html

from profiles import services
from profiles.models import (
    Block,
    City,
    Follow,
    HostProfile,
    Interest,
    Like,
    Mood,
    Photo,
    Report,
    SocialProfile,
    UserCity,
)


class MembersOnlyAdmin(admin.ModelAdmin):
    """Rows members make on the site: staff read and delete them, never invent them."""

    def has_add_permission(self, request):
        return False


@admin.register(Interest)
class InterestAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]


@admin.register(Mood)
class MoodAdmin(admin.ModelAdmin):
    list_display = ["name", "emoji"]
    search_fields = ["name"]


@admin.register(City)
class CityAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "time_zone"]
    list_filter = ["country", "time_zone"]
    search_fields = ["name", "country"]


class PhotoInline(admin.TabularInline):
    model = Photo
    extra = 0
    fields = ["preview", "kind", "position", "width", "height", "created_at"]
    readonly_fields = fields
    can_delete = True

    def has_add_permission(self, request, obj=None):
        return False  # uploads go through the checked pipeline on the site

    @admin.display(description="Photo")
    def preview(self, photo):
        return format_html('<img src="{}" alt="" width="80" height="80">', photo.url("thumb"))


class UserCityInline(admin.TabularInline):
    model = UserCity
    extra = 0
    fields = ["city", "is_current", "is_primary"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(SocialProfile)
class SocialProfileAdmin(admin.ModelAdmin):
    list_display = ["display_name", "username", "first_name", "onboarded_at", "created_at"]
    list_select_related = ["user"]
    list_filter = ["onboarded_at"]
    search_fields = ["user__username", "first_name", "preferred_name"]
    readonly_fields = ["id", "user", "created_at", "updated_at", "onboarding_reminded_at"]
    fields = [
        "id",
        "user",
        "first_name",
        "preferred_name",
        "bio",
        "gender",
        "occupation",
        "location",
        "onboarded_at",
        "onboarding_reminded_at",
        "created_at",
        "updated_at",
    ]
    inlines = [PhotoInline, UserCityInline]

    def has_add_permission(self, request):
        return False  # profiles come with their user


@admin.register(HostProfile)
class HostProfileAdmin(admin.ModelAdmin):
    list_display = ["host_name", "user", "created_at"]
    list_select_related = ["user"]
    search_fields = ["host_name", "user__username"]
    readonly_fields = ["id", "created_at", "updated_at"]
    raw_id_fields = ["user"]


@admin.register(Follow)
class FollowAdmin(MembersOnlyAdmin):
    list_display = ["follower", "followed", "status", "created_at"]
    list_select_related = ["follower__user", "followed__user"]
    list_filter = ["status"]
    search_fields = ["follower__user__username", "followed__user__username"]
    readonly_fields = ["id", "follower", "followed", "created_at", "responded_at"]


@admin.register(Like)
class LikeAdmin(MembersOnlyAdmin):
    list_display = ["liker", "liked", "created_at"]
    list_select_related = ["liker__user", "liked__user"]
    search_fields = ["liker__user__username", "liked__user__username"]
    readonly_fields = ["liker", "liked", "created_at"]


@admin.register(Block)
class BlockAdmin(MembersOnlyAdmin):
    list_display = ["blocker", "blocked", "created_at"]
    list_select_related = ["blocker__user", "blocked__user"]
    search_fields = ["blocker__user__username", "blocked__user__username"]
    readonly_fields = ["blocker", "blocked", "created_at"]


@admin.register(Report)
class ReportAdmin(MembersOnlyAdmin):
    """The moderation queue: open reports first, oldest first."""

    list_display = ["reported", "reason", "reporter", "status", "created_at"]
    list_select_related = ["reported__user", "reporter__user"]
    list_filter = ["status", "reason"]
    search_fields = ["reported__user__username", "reporter__user__username", "note"]
    readonly_fields = [
        "id",
        "reporter",
        "reported",
        "reason",
        "note",
        "status",
        "created_at",
        "resolved_at",
        "resolved_by",
    ]
    actions = ["mark_actioned", "dismiss"]

    def get_queryset(self, request):
        return super().get_queryset(request).order_by("-status", "created_at")

    @admin.action(description="Mark as actioned")
    def mark_actioned(self, request, queryset):
        self._resolve(request, queryset, Report.Status.ACTIONED)

    @admin.action(description="Dismiss")
    def dismiss(self, request, queryset):
        self._resolve(request, queryset, Report.Status.DISMISSED)

    def _resolve(self, request, queryset, status):
        reports = list(queryset.filter(status=Report.Status.OPEN))
        for report in reports:
            services.resolve_report(report, by=request.user, status=status)
        self.message_user(request, f"{len(reports)} report(s) resolved.")
