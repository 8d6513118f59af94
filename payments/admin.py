"""The console's view of money: read-only rows (Stripe and the webhooks write them), searchable
and filterable, and a refund action that asks first, then goes through the service."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse

from events.models import format_money
from payments import services
from payments.models import Payment, Subscription, SubscriptionPayment, WebhookEvent
from payments.services import PaymentError


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "user", "event", "amount_display", "status", "seat_lost"]
    list_select_related = ["user", "event"]
    list_filter = ["status", "seat_lost", "capture_later", "currency", "created_at"]
    search_fields = [
        "user__email",
        "user__username",
        "event__title",
        "stripe_checkout_session_id",
        "stripe_payment_intent_id",
        "stripe_charge_id",
    ]
    date_hierarchy = "created_at"
    # Read-only like every field here, and listed so the view page builds no form field for it:
    # a URLField's warns of Django 6's default scheme on every view (an error in the tests).
    readonly_fields = ["checkout_url"]
    actions = ["refund"]

    @admin.display(description="Amount", ordering="amount_cents")
    def amount_display(self, payment):
        return payment.amount_display

    # Money moves only for staff who may change payments, not those who may only view them.
    # Like Django's delete action, it first shows what would be refunded; the confirmation
    # posts back with post=yes, and only then is the money moved.
    @admin.action(description="Refund the selected payments", permissions=["change"])
    def refund(self, request, queryset):
        queryset = queryset.select_related("user", "event")
        if request.POST.get("post") != "yes":
            return self._confirm_refund(request, list(queryset))
        refunded = 0
        for payment in queryset:
            try:
                services.refund_by_staff(payment)
            except PaymentError as error:
                self.message_user(request, f"{payment}: {error.message}", messages.ERROR)
            else:
                refunded += 1
        if refunded:
            self.message_user(request, f"{refunded} refunded.", messages.SUCCESS)

    def _confirm_refund(self, request, payments: list[Payment]) -> TemplateResponse:
        refundable = [payment for payment in payments if payment.status in Payment.PAID]
        totals: dict[str, int] = {}
        for payment in refundable:
            totals[payment.currency] = totals.get(payment.currency, 0) + payment.amount_cents
        context = {
            **self.admin_site.each_context(request),
            "title": "Refund these payments?",
            "opts": self.opts,
            "media": self.media,
            "payments": payments,
            "refundable": refundable,
            "totals": [format_money(cents, currency) for currency, cents in totals.items()],
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/payments/payment/refund_confirmation.html", context)

    def has_change_permission(self, request, obj=None):
        # Viewing only; the refund action needs the change permission to be offered.
        return obj is None and request.user.has_perm("payments.change_payment")


class SubscriptionPaymentInline(admin.TabularInline):
    model = SubscriptionPayment
    extra = 0
    can_delete = False
    fields = readonly_fields = [
        "created_at",
        "amount_cents",
        "currency",
        "status",
        "stripe_invoice_id",
    ]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyAdmin):
    list_display = ["user", "plan", "status", "current_period_end", "created_at"]
    list_select_related = ["user"]
    list_filter = ["status", "plan"]
    search_fields = ["user__email", "user__username", "stripe_subscription_id"]
    inlines = [SubscriptionPaymentInline]


@admin.register(SubscriptionPayment)
class SubscriptionPaymentAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "user", "amount_cents", "currency", "status"]
    list_select_related = ["user"]
    list_filter = ["status", "currency"]
    search_fields = ["user__email", "stripe_invoice_id", "stripe_payment_intent_id"]


class ProcessingFilter(admin.SimpleListFilter):
    """Where an event stands: the failing ones are what staff come here for."""

    title = "processing"
    parameter_name = "processing"

    def lookups(self, request, model_admin):
        return [
            ("processed", "Processed"),
            ("waiting", "Waiting"),
            ("failing", "Failing"),
            ("given_up", "Given up by the sweep"),
        ]

    def queryset(self, request, queryset):
        unprocessed = queryset.filter(processed_at__isnull=True)
        limit = WebhookEvent.SWEEP_GIVES_UP_AFTER
        return {
            "processed": queryset.filter(processed_at__isnull=False),
            "waiting": unprocessed.filter(failed_attempts=0),
            "failing": unprocessed.filter(failed_attempts__gt=0, failed_attempts__lt=limit),
            "given_up": unprocessed.filter(failed_attempts__gte=limit),
        }.get(self.value(), queryset)


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyAdmin):
    list_display = [
        "received_at",
        "type",
        "stripe_event_id",
        "processed_at",
        "failed_attempts",
        "failed_at",
        "error",
    ]
    list_filter = [ProcessingFilter, "type", ("processed_at", admin.EmptyFieldListFilter)]
    search_fields = ["stripe_event_id"]
    date_hierarchy = "received_at"

    @admin.display(description="Last error")
    def error(self, row):
        # The exception's last line; the whole traceback is on the event's page.
        lines = row.last_error.strip().splitlines()
        return lines[-1][:200] if lines else ""
