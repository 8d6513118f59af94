"""Production settings and schema checks, run in fresh processes as a deployment would."""

import os
import re
import subprocess
import sys
import urllib.request

import pytest
from django.core.management import call_command

from tests.servers import ROOT, free_port, wait_until_healthy

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "x7!Kq2vLm9#Rt4pZw8@Nc3$Hy6^Jb1&Fd5*Gs0(Ue2)Ao7-Ei9+Wr3=Tn8_Yk4",
    "ALLOWED_HOSTS": "momento.example",
    "DATABASE_URL": "postgres://momento@db.invalid:5432/momento",
}


def manage(*args, **env):
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deployment_checklist_with_no_findings():
    result = manage("check", "--deploy", "--fail-level", "DEBUG", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"])
def test_production_refuses_to_start_without_a_required_setting(missing):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = manage("check", **env)
    assert result.returncode != 0
    assert f"{missing} must be set when DEBUG is off." in result.stderr


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_production_mode_collects_static_files_and_serves_pages_over_https(tmp_path):
    from django.db import connection

    from momento import embedded_db

    env = {
        **PRODUCTION,
        "DATABASE_URL": embedded_db.url_for(connection.settings_dict),
        "STATIC_ROOT": str(tmp_path / "static"),
    }
    collected = manage("collectstatic", "--noinput", "-v0", **env)
    assert collected.returncode == 0, collected.stderr
    assert (tmp_path / "static" / "staticfiles.json").exists()

    port = free_port()
    base = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "momento.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1"],
        cwd=ROOT,
        env={**base, **env, "ALLOWED_HOSTS": "127.0.0.1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_until_healthy(port, timeout=30)

        def https_get(path):
            # What a TLS-terminating proxy in front of the app sends.
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}{path}", headers={"X-Forwarded-Proto": "https"}
            )
            return urllib.request.urlopen(request, timeout=5)

        with https_get("/accounts/login/") as response:
            html = response.read().decode()
            headers = response.headers
        assert "max-age=63072000" in headers["Strict-Transport-Security"]
        assert "; Secure" in headers["Set-Cookie"]
        css = re.search(r'href="(/static/css/app\.[^"]+)"', html).group(1)
        assert css != "/static/css/app.css"  # the hashed, cacheable name
        with https_get(css) as response:
            assert response.status == 200
            assert "max-age" in response.headers["Cache-Control"]
    finally:
        server.terminate()
        server.communicate(timeout=10)


def site_url(**env):
    """SITE_URL as a fresh process reads it from this environment (the database is never used)."""
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SITE_URL", "HOST", "PORT", "DEBUG", "DJANGO_SETTINGS_MODULE"}
    }
    result = subprocess.run(
        [sys.executable, "-c", "from momento import settings; print(settings.SITE_URL)"],
        cwd=ROOT,
        env={**base, "DATABASE_URL": PRODUCTION["DATABASE_URL"], **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "http://localhost:8000"),
        ({"PORT": "8123"}, "http://localhost:8123"),
        ({"HOST": "127.0.0.1", "PORT": "9000"}, "http://127.0.0.1:9000"),
        ({"HOST": "0.0.0.0", "PORT": "8080"}, "http://localhost:8080"),
        ({"HOST": "::1"}, "http://[::1]:8000"),
        (
            {"HOST": "0.0.0.0", "PORT": "8080", "SITE_URL": "https://momento.example"},
            "https://momento.example",
        ),
    ],
)
def test_links_in_emails_follow_where_make_run_listens_unless_site_url_is_set(env, expected):
    assert site_url(**env) == expected


def test_a_mail_provider_is_chosen_by_its_variables_through_anymail():
    script = (
        "from momento import settings as s; "
        "print(s.EMAIL_DELIVERY_BACKEND); print(sorted(s.ANYMAIL.items()))"
    )
    base = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_SETTINGS_MODULE"}}
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**base, **PRODUCTION, "ANYMAIL_ESP": "postmark", "ANYMAIL_API_KEY": "pm-token"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "anymail.backends.postmark.EmailBackend",
        "[('POSTMARK_SERVER_TOKEN', 'pm-token')]",
    ]
