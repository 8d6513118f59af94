import pytest
from django.db import OperationalError
from django.test import RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

pytestmark = pytest.mark.django_db


def test_home_invites_visitors_to_sign_up(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Small gatherings, well matched." in html
    assert reverse("account_signup") in html
    assert "Log out" not in html


def test_home_greets_a_signed_in_person_and_offers_log_out(client, user):
    client.force_login(user)
    html = client.get(reverse("home")).content.decode()
    assert "Hello, alice" in html
    assert "Log out" in html
    assert "Console" not in html


def test_staff_see_the_console_link(client, staff):
    client.force_login(staff)
    assert reverse("admin:index") in client.get(reverse("home")).content.decode()


def test_layout_loads_htmx_from_our_own_static_files_and_sends_the_csrf_token(client):
    html = client.get(reverse("home")).content.decode()
    assert '<script src="/static/django_htmx/htmx-2.min.js"' in html
    assert 'data-hx-headers=\'{"X-CSRFToken": "' in html
    assert "https://" not in html.split("<body")[0]  # nothing from a CDN


def test_static_files_are_served_by_whitenoise(client):
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert b"--brand" in b"".join(response.streaming_content)


def test_unknown_url_gets_the_404_page_in_the_layout(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert 'class="brand"' in html


def test_the_500_page_renders_in_the_layout_without_a_request_context():
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong" in html
    assert 'class="brand"' in html


def test_health_check_reports_the_database(client):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response.headers["Cache-Control"]


def test_health_check_answers_503_when_the_database_is_down(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("momento.views.connection.cursor", broken_cursor)
    response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


@pytest.mark.parametrize("url", ["/", "/health/"])
def test_read_only_pages_refuse_posts(client, url):
    assert client.post(url).status_code == 405
