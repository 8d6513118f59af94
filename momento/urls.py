from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from accounts.views import LoginView, SignupView
from momento import views

# Staff sign in through allauth too: rate limits and two-factor apply to the admin.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "Momento console"
admin.site.site_title = "Momento console"

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("terms/", views.terms, name="terms"),
    path("privacy/", views.privacy, name="privacy"),
    path("accounts/login/", LoginView.as_view(), name="account_login"),
    path("accounts/signup/", SignupView.as_view(), name="account_signup"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("", include("accounts.urls")),
    path("", include("profiles.urls")),
    path("", include("events.urls")),
    path("", include("payments.urls")),
    path("", include("messaging.urls")),
]

if settings.BENCHMARK_VIEWS:
    from momento import bench_views

    urlpatterns += bench_views.urlpatterns

if settings.SERVE_MEDIA:
    media_prefix = settings.MEDIA_URL.strip("/")
    urlpatterns.append(
        re_path(rf"^{media_prefix}/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})
    )
