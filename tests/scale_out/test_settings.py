"""The scale-out switches of momento/settings.py, read by fresh processes as a deployment would:
the cache and sessions (REDIS_URL) and the uploaded photos' storage (AWS_*)."""

import json
import os
import subprocess
import sys
from urllib.parse import urlsplit

import pytest

from tests.scale_out.cluster import start_redis
from tests.servers import ROOT
from tests.test_settings import PRODUCTION, manage

SCALE_OUT_VARIABLES = {"REDIS_URL", "AWS_STORAGE_BUCKET_NAME", "AWS_S3_ENDPOINT_URL"}
# boto3 signs links with these; nothing is sent anywhere.
AWS_KEYS = {
    "AWS_ACCESS_KEY_ID": "AKIAMOMENTOTEST",
    "AWS_SECRET_ACCESS_KEY": "not-a-real-secret",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "AWS_EC2_METADATA_DISABLED": "true",
}

READ = """
import json
import django
django.setup()
from django.conf import settings
from django.core.files.storage import storages
storage = storages["default"]
print(json.dumps({
    "cache": settings.CACHES["default"]["BACKEND"],
    "cache_location": settings.CACHES["default"]["LOCATION"],
    "sessions": settings.SESSION_ENGINE,
    "storage": f"{type(storage).__module__}.{type(storage).__name__}",
    "photo_url": storage.url("photos/3f/3f9a-large.webp"),
    "img_src": settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"],
    "serve_media": settings.SERVE_MEDIA,
}))
"""


def run_python(code: str, **env) -> str:
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in SCALE_OUT_VARIABLES | {"DJANGO_ALLOW_ASYNC_UNSAFE", "DEBUG"}
        and not k.startswith("AWS_")
    }
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "momento.settings", **PRODUCTION, **env},
        capture_output=True,
        text=True,
        timeout=120,  # a loaded two-core machine, while other tests start servers
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def production_settings(**env) -> dict:
    return json.loads(run_python(READ, **env))


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def test_by_default_cache_and_sessions_are_in_postgresql_and_photos_in_the_local_folder():
    read = production_settings()
    assert read["cache"] == "django.core.cache.backends.db.DatabaseCache"
    assert read["cache_location"] == "momento_cache"
    assert read["sessions"] == "django.contrib.sessions.backends.db"
    assert read["storage"] == "django.core.files.storage.filesystem.FileSystemStorage"
    assert read["photo_url"] == "/media/photos/3f/3f9a-large.webp"
    assert read["img_src"] == ["'self'", "data:"]


def test_with_redis_url_cache_and_sessions_are_in_redis_and_rate_limits_count_there(tmp_path):
    redis, url = start_redis(tmp_path)
    try:
        output = run_python(
            READ + "from momento import ratelimit\n"
            "print([ratelimit.hit('like', '42', '3/m') for _ in range(5)])",
            REDIS_URL=url,
        )
    finally:
        redis.terminate()
        redis.wait(timeout=10)
    settings_line, counted = output.strip().splitlines()
    read = json.loads(settings_line)
    assert read["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert read["cache_location"] == url
    assert read["sessions"] == "django.contrib.sessions.backends.cache"
    # Counted by Redis's atomic INCR: the fourth and fifth attempts are refused.
    assert counted == "[True, True, True, False, False]"


@pytest.mark.parametrize(
    "env",
    [
        {},  # AWS S3
        {"AWS_S3_ENDPOINT_URL": "https://s3.fr-par.scw.cloud", "AWS_S3_REGION_NAME": "fr-par"},
        {"AWS_S3_CUSTOM_DOMAIN": "media.momento.example", "AWS_QUERYSTRING_AUTH": "false"},
    ],
    ids=["aws", "s3-compatible", "cdn"],
)
def test_with_a_bucket_photos_go_to_object_storage_and_pages_may_show_them(env):
    read = production_settings(AWS_STORAGE_BUCKET_NAME="momento-media", **AWS_KEYS, **env)
    assert read["storage"] == "storages.backends.s3.S3Storage"
    url = read["photo_url"]
    assert url.split("?")[0].endswith("/photos/3f/3f9a-large.webp")
    # The Content-Security-Policy lets pages load what the storage hands out.
    assert origin(url) in read["img_src"]
    assert read["img_src"][:2] == ["'self'", "data:"]
    # Nothing is served from the app's own folder.
    assert read["serve_media"] is False
    if "AWS_QUERYSTRING_AUTH" in env:
        assert "?" not in url  # a public bucket behind a CDN
    else:  # signed, expiring links by default: the bucket can stay private
        assert "Signature=" in url
        assert "not-a-real-secret" not in url


def test_production_with_redis_and_object_storage_passes_the_deployment_checklist():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "DEBUG",
        **PRODUCTION,
        REDIS_URL="redis://cache.internal:6379/1",
        AWS_STORAGE_BUCKET_NAME="momento-media",
        **AWS_KEYS,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
