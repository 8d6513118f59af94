"""The site's URLs plus two views that touch no data, for tests/test_request_floor.py."""

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path

from momento.urls import urlpatterns as site_urlpatterns


def bare(request):
    return HttpResponse("ok")


def bare_page(request):
    # The layout every page extends: navigation, CSRF token, messages, context processors.
    return render(request, "base.html")


urlpatterns = [
    path("test/bare/", bare, name="test-bare"),
    path("test/bare-page/", bare_page, name="test-bare-page"),
    *site_urlpatterns,
]
