from django.contrib import admin
from django.db.models import Exists, OuterRef

from events.models import Attendance, Event, Interested, Invitation, MeetAgain, Rating


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "host", "city", "starts_at", "status"]
    list_select_related = ["host", "city"]
    list_filter = ["status", "is_private", "is_business", "city"]
    search_fields = ["title", "host__host_name"]
    readonly_fields = [
        "id",
        "created_at",
        "updated_at",
        "cancelled_at",
        "stripe_product_id",
        "stripe_price_id",
    ]
    raw_id_fields = ["host"]
    filter_horizontal = ["tags"]
    date_hierarchy = "starts_at"


class ReportedAdmin(admin.ModelAdmin):
    """Attendance and ratings are reported by people after an event, never made up here."""

    def has_add_permission(self, request):
        return False


@admin.register(Attendance)
class AttendanceAdmin(ReportedAdmin):
    list_display = ["event", "profile", "status", "created_at"]
    list_select_related = ["event", "profile__user"]
    list_filter = ["status"]
    readonly_fields = ["id", "event", "profile", "status", "reported_by", "created_at"]


@admin.register(Rating)
class RatingAdmin(ReportedAdmin):
    list_display = ["event", "rated_host", "host_rating_value", "event_rating_value"]
    list_select_related = ["event", "rated_host"]
    readonly_fields = [
        "id",
        "event",
        "rater",
        "rated_host",
        "host_rating_value",
        "event_rating_value",
        "created_at",
        "reply",
        "replied_at",
    ]
    fields = readonly_fields + ["comment"]


@admin.register(MeetAgain)
class MeetAgainAdmin(ReportedAdmin):
    """Private picks, for curation: `mutual` says whether the pick was returned."""

    list_display = ["event", "chooser", "chosen", "mutual", "created_at"]
    list_select_related = ["event", "chooser", "chosen"]
    readonly_fields = ["id", "event", "chooser", "chosen", "created_at"]

    def get_queryset(self, request):
        back = MeetAgain.objects.filter(
            event=OuterRef("event"), chooser=OuterRef("chosen"), chosen=OuterRef("chooser")
        )
        return super().get_queryset(request).annotate(is_mutual=Exists(back))

    @admin.display(boolean=True, ordering="is_mutual")
    def mutual(self, pick):
        return pick.is_mutual


@admin.register(Invitation)
class InvitationAdmin(ReportedAdmin):
    """Invitations change only through the services (seats, waitlist, emails): read-only here."""

    list_display = ["event", "profile", "status", "asked", "expires_at", "created_at"]
    list_select_related = ["event", "profile__user"]
    list_filter = ["status", "asked"]
    search_fields = ["event__title", "profile__user__username"]
    readonly_fields = [
        "id",
        "event",
        "profile",
        "status",
        "asked",
        "expires_at",
        "hold_expires_at",
        "waitlisted_at",
        "responded_at",
        "created_at",
        "updated_at",
    ]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Interested)
class InterestedAdmin(ReportedAdmin):
    list_display = ["event", "profile", "created_at"]
    list_select_related = ["event", "profile__user"]
    readonly_fields = ["id", "event", "profile", "created_at"]
