from django.contrib import admin, messages
from django.db.models import Exists, OuterRef

from events import services
from events.models import (
    Attendance,
    AttendanceReport,
    Event,
    Interested,
    Invitation,
    MeetAgain,
    Rating,
)


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


class DisputeFilter(admin.SimpleListFilter):
    title = "dispute"
    parameter_name = "dispute"

    def lookups(self, request, model_admin):
        return [("undecided", "Disputed, undecided")]

    def queryset(self, request, queryset):
        if self.value() == "undecided":
            return queryset.disputed_undecided()
        return queryset


class AttendanceReportInline(admin.TabularInline):
    """Other attendees' word and the guest's own dispute (reported_by is then the guest)."""

    model = AttendanceReport
    extra = 0
    can_delete = False
    fields = readonly_fields = ["reported_by", "status", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Attendance)
class AttendanceAdmin(ReportedAdmin):
    """The host's reports; a disputed no-show is decided here, with an action (what counts:
    events.models.AttendanceQuerySet)."""

    list_display = ["event", "profile", "status", "reported_at", "staff_decision"]
    list_select_related = ["event", "profile__user"]
    list_filter = [DisputeFilter, "status", "staff_decision"]
    search_fields = ["event__title", "profile__user__username"]
    readonly_fields = [
        "id",
        "event",
        "profile",
        "status",
        "reported_by",
        "reported_at",
        "staff_decision",
        "decided_at",
        "decided_by",
        "created_at",
    ]
    inlines = [AttendanceReportInline]
    actions = ["no_show_stands", "guest_was_there"]

    @admin.action(description="Decide: the no-show stands")
    def no_show_stands(self, request, queryset):
        self._decide(request, queryset, Attendance.Decision.STANDS)

    @admin.action(description="Decide: the guest was there")
    def guest_was_there(self, request, queryset):
        self._decide(request, queryset, Attendance.Decision.OVERTURNED)

    def _decide(self, request, queryset, decision):
        decided = 0
        for attendance in queryset:
            try:
                services.decide_no_show(attendance, by=request.user, decision=decision)
            except services.EventError as error:
                self.message_user(request, f"{attendance}: {error.message}", messages.WARNING)
            else:
                decided += 1
        self.message_user(request, f"{decided} decided.", messages.SUCCESS)


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
