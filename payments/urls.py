from django.urls import path

from payments import views

app_name = "payments"

urlpatterns = [
    path("payments/webhook/", views.stripe_webhook, name="webhook"),
    path("me/invitations/<uuid:invitation_id>/pay/", views.checkout, name="checkout"),
    path("payments/<uuid:payment_id>/", views.payment, name="payment"),
    path("payments/<uuid:payment_id>/cancelled/", views.cancelled, name="cancelled"),
    path("premium/", views.pricing, name="pricing"),
    path("premium/subscribe/", views.subscribe, name="subscribe"),
    path("premium/welcome/", views.welcome, name="welcome"),
    path("premium/manage/", views.manage, name="manage"),
    # The local test mode's stand-ins for Stripe's pages; 404 when Stripe keys are configured.
    path("test-mode/checkout/<str:token>/", views.local_checkout, name="local-checkout"),
    path("test-mode/portal/", views.local_portal, name="local-portal"),
]
