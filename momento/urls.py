from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from accounts.views import LoginView
from momento import views

# Staff sign in through allauth too: rate limits and two-factor apply to the admin.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "Momento console"
admin.site.site_title = "Momento console"

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("accounts/login/", LoginView.as_view(), name="account_login"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]
