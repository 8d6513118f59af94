from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import (
    AdminPasswordChangeForm,
    AdminUserCreationForm,
    ReadOnlyPasswordHashWidget,
    SetUnusablePasswordMixin,
    UserChangeForm,
)

from accounts.models import User, UserInternalMetrics


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
