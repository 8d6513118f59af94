from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import (
    AdminPasswordChangeForm,
    AdminUserCreationForm,
    ReadOnlyPasswordHashWidget,
    SetUnusablePasswordMixin,
    UserChangeForm,
)

from accounts import services
from accounts.models import Notification, Referral, User, UserInternalMetrics


class InternalMetricsInline(admin.StackedInline):
    model = UserInternalMetrics
    can_delete = False
    readonly_fields = ["updated_at"]


class MomentoUserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ["email", "username"]


class PasswordSummaryWidget(ReadOnlyPasswordHashWidget):
    """Django's widget puts the read-only field's `disabled` on a <div>, which is invalid HTML;
    the summary is not an input, so it goes."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].pop("disabled", None)
        return context


class MomentoUserChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].widget.__class__ = PasswordSummaryWidget


class MomentoPasswordChangeForm(AdminPasswordChangeForm):
    # Django's template puts this help text inside a <p>; its warning list (<ul>) made that
    # invalid HTML. The same warning without the list.
    usable_password_help_text = SetUnusablePasswordMixin.usable_password_help_text + (
        " If disabled, the current password for this user will be lost."
    )


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = MomentoUserChangeForm
    add_form = MomentoUserCreationForm
    change_password_form = MomentoPasswordChangeForm
    inlines = [InternalMetricsInline]
    list_display = ["username", "email", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active", "language_preference"]
    search_fields = ["username", "email", "last_name"]
    ordering = ["-date_joined"]

    def get_inlines(self, request, obj):
        # A new user's metrics row is created with the user, so it is edited afterwards only.
        return self.inlines if obj else []

    readonly_fields = ["id", "payment_customer_id", "date_joined", "last_login", "updated_at"]
    fieldsets = [
        (None, {"fields": ["id", "email", "username", "password"]}),
        (
            "Private data",
            {
                "fields": [
                    "last_name",
                    "phone_number",
                    "birth_date",
                    "language_preference",
                    "payment_customer_id",
                ]
            },
        ),
        (
            "Permissions",
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        ("Dates", {"fields": ["date_joined", "last_login", "updated_at"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "username", "usable_password", "password1", "password2"],
            },
        ),
    ]


@admin.register(UserInternalMetrics)
class UserInternalMetricsAdmin(admin.ModelAdmin):
    list_display = ["user", "absentee_rating", "internal_attractiveness_rating", "updated_at"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__email"]
    readonly_fields = ["user", "updated_at"]  # a row belongs to its user for good
    ordering = ["absentee_rating"]

    def has_add_permission(self, request):
        return False  # every user gets their row when they are created


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """What people were told and whether the email left; failed emails show their error and can
    be sent again. Nothing here is edited by hand."""

    list_display = ["created_at", "recipient", "kind", "email", "email_attempts", "read_at"]
    list_filter = ["email", "kind"]
    list_select_related = ["recipient"]
    search_fields = ["recipient__username", "recipient__email"]
    date_hierarchy = "created_at"
    ordering = ["-created_at"]
    fields = [
        "recipient",
        "kind",
        "title",
        "link",
        "created_at",
        "read_at",
        "email",
        "email_attempts",
        "email_error",
        "emailed_at",
    ]
    readonly_fields = fields
    actions = ["retry_email"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_retry_permission(self, request):
        # Read-only otherwise: sending again needs the change permission on notifications.
        return request.user.has_perm("accounts.change_notification")

    @admin.action(description="Send the failed emails again", permissions=["retry"])
    def retry_email(self, request, queryset):
        retried = sum(services.retry_email(row) for row in queryset)
        skipped = queryset.count() - retried
        self.message_user(
            request,
            f"{retried} email(s) sent again."
            + (f" {skipped} skipped: only failed emails can be retried." if skipped else ""),
        )


@admin.register(Referral)
class ReferralAdmin(admin.ModelAdmin):
    """Who invited whom; `emailed` is off where the address already had an account."""

    list_display = ["created_at", "inviter", "email", "status", "emailed", "joined_by"]
    list_filter = ["emailed"]
    list_select_related = ["inviter", "joined_by"]
    search_fields = ["inviter__username", "email"]
    ordering = ["-created_at"]
    fields = ["inviter", "email", "created_at", "expires_at", "emailed", "joined_by", "accepted_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False  # members invite their friends from the app

    def has_change_permission(self, request, obj=None):
        return False
