"""Momento's one settings module: everything comes from the environment.

Development needs nothing set. Production is `DEBUG=false` and then refuses to start without
SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in (env(name) or default).split(",") if item.strip()]


def required(name: str) -> str:
    value = env(name)
    if not value:
        raise ImproperlyConfigured(f"{name} must be set when DEBUG is off.")
    return value


def local_site_url() -> str:
    """Where `make run` listens (HOST, PORT), as a browser would reach it."""
    host = env("HOST") or "localhost"
    if host in {"0.0.0.0", "::", "[::]"}:  # every interface: this machine is still localhost
        host = "localhost"
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 literal
    return f"http://{host}:{env('PORT') or '8000'}"


DEBUG = env_bool("DEBUG", True)

if DEBUG:
    SECRET_KEY = env("SECRET_KEY") or "django-insecure-development-only-key-never-use-in-production"
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
else:
    SECRET_KEY = required("SECRET_KEY")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS") or [required("ALLOWED_HOSTS")]

# The absolute address in emails and Stripe's return URLs.
SITE_URL = env("SITE_URL") or local_site_url()
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "django_htmx",
    "template_partials",
    "procrastinate.contrib.django",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "accounts",
    "profiles",
    "events",
    "messaging",
    "payments",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.ThrottledUserSessionsMiddleware",
]

ROOT_URLCONF = "momento.urls"
WSGI_APPLICATION = "momento.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "payments.context_processors.test_mode",
            ],
        },
    },
]

# Database: DATABASE_URL, or the checkout's embedded PostgreSQL in development.
if env("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(env("DATABASE_URL"))}
elif DEBUG:
    from momento import embedded_db

    DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", **embedded_db.start()}}
else:
    DATABASES = {"default": dj_database_url.parse(required("DATABASE_URL"))}
DATABASES["default"]["CONN_MAX_AGE"] = int(env("CONN_MAX_AGE", "60"))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# One cache shared by every app process (rate limits, allauth). By default a table in PostgreSQL,
# created by a migration (and by `createcachetable` in the Procfile's release), so scaling out
# needs no extra service. With REDIS_URL, Django's own Redis cache instead, and the sessions live
# there too: rate limits and sessions leave PostgreSQL (allauth.usersessions still keeps its
# list of each person's sessions there, and ends one by deleting it from the cache).
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "momento_cache",
        }
    }

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_REDIRECT_URL = "home"
# A new member lands in onboarding; every step can be skipped and finished later.
ACCOUNT_SIGNUP_REDIRECT_URL = "/welcome/about/"
LOGIN_URL = "account_login"

# django-allauth
ACCOUNT_FORMS = {
    "signup": "accounts.forms.SignupForm",
    "add_email": "accounts.forms.AddEmailForm",
}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Momento] "
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Momento"
USERSESSIONS_TRACK_ACTIVITY = True
# A session's last seen, IP and user agent: recorded at most every 5 min (accounts/middleware.py).
USERSESSIONS_ACTIVITY_INTERVAL = 300

# Email: every message goes through the task queue; the worker hands it to EMAIL_DELIVERY_BACKEND.
EMAIL_BACKEND = "accounts.mail.TaskEmailBackend"
EMAIL_DELIVERY_BACKEND = env(
    "EMAIL_DELIVERY_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Momento <hello@momento.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# Or a mail provider's API through django-anymail: ANYMAIL_ESP names it (anymail's backend
# module: postmark, mailgun, sendgrid, brevo, resend, mailjet, sparkpost, amazon_ses...) and
# ANYMAIL_API_KEY is its key (Amazon SES takes boto3's usual credentials instead).
ANYMAIL_ESP = env("ANYMAIL_ESP", "")
if ANYMAIL_ESP:
    if not ANYMAIL_ESP.isidentifier():
        raise ImproperlyConfigured("ANYMAIL_ESP must name one of anymail's backends.")
    EMAIL_DELIVERY_BACKEND = f"anymail.backends.{ANYMAIL_ESP}.EmailBackend"
    _key_name = "SERVER_TOKEN" if ANYMAIL_ESP == "postmark" else "API_KEY"
    ANYMAIL = {f"{ANYMAIL_ESP.upper()}_{_key_name}": env("ANYMAIL_API_KEY", "")}

# Task queue (procrastinate, PostgreSQL-backed): tasks live in each app's tasks.py.
PROCRASTINATE_AUTODISCOVER_MODULE_NAME = "tasks"

# Stripe. Without a secret key the app runs its local test mode (payments/stripe_gateway.py):
# a local checkout page and portal, and the same signed webhooks, so no money moves.
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", "")
if STRIPE_SECRET_KEY:
    STRIPE_WEBHOOK_SECRET = required("STRIPE_WEBHOOK_SECRET")
else:
    STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET") or "whsec_local_test_mode"
PREMIUM_PLANS = {
    "monthly": {
        "name": "Monthly",
        "price_id": env("STRIPE_PRICE_MONTHLY", "price_local_monthly"),
        "amount_cents": int(env("PREMIUM_MONTHLY_CENTS", "900")),
        "currency": "EUR",
        "per": "month",
    },
    "yearly": {
        "name": "Yearly",
        "price_id": env("STRIPE_PRICE_YEARLY", "price_local_yearly"),
        "amount_cents": int(env("PREMIUM_YEARLY_CENTS", "9000")),
        "currency": "EUR",
        "per": "year",
    },
}

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español"), ("fr", "Français"), ("de", "Deutsch")]
TIME_ZONE = "UTC"
USE_I18N = True
# Momento's own wording, preferred to the apps' (locale/en: "Log in", never allauth's "Sign In").
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
# Uploaded photos: a local folder, or S3-compatible object storage (django-storages) when
# AWS_STORAGE_BUCKET_NAME is set, so every app server sees the same files. Credentials come from
# AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or the machine's role), read by boto3 itself.
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME")
if AWS_STORAGE_BUCKET_NAME:
    MEDIA_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env("AWS_S3_ENDPOINT_URL"),
            "region_name": env("AWS_S3_REGION_NAME"),
            "custom_domain": env("AWS_S3_CUSTOM_DOMAIN"),
            # Signed, expiring links by default: the bucket can stay private.
            "querystring_auth": env_bool("AWS_QUERYSTRING_AUTH", True),
            # Like the local folder: a name already taken gets a new one, never overwritten.
            "file_overwrite": False,
        },
    }
    # Where pages load the photos from (the img-src of the Content-Security-Policy).
    if env("AWS_S3_CUSTOM_DOMAIN"):
        MEDIA_ORIGINS = [f"https://{env('AWS_S3_CUSTOM_DOMAIN')}"]
    elif env("AWS_S3_ENDPOINT_URL"):
        endpoint = urlsplit(env("AWS_S3_ENDPOINT_URL"))
        MEDIA_ORIGINS = [f"{endpoint.scheme}://{endpoint.netloc}"]
    else:
        MEDIA_ORIGINS = [
            "https://s3.amazonaws.com",
            f"https://{AWS_STORAGE_BUCKET_NAME}.s3.amazonaws.com",
        ]
else:
    MEDIA_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    MEDIA_ORIGINS = []
# Uploaded photos are served by Django only where nothing else serves them (development, the
# demo, tests); production serves them from object storage or a web server instead.
SERVE_MEDIA = env_bool("SERVE_MEDIA", DEBUG and not AWS_STORAGE_BUCKET_NAME)
STORAGES = {
    "default": MEDIA_STORAGE,
    # Static files stay with the app, served by whitenoise from what collectstatic gathered at
    # build time (hashed names, cached for ever).
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Two bare views (momento/bench_views.py) that `make bench` measures every page against. Off
# everywhere else: they would be URLs without an access rule.
BENCHMARK_VIEWS = env_bool("BENCHMARK_VIEWS", False)

# Security. Production is HTTPS only; development stays plain HTTP on localhost.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Flash messages live in the session: no extra cookie, whose deletion would carry no Secure flag.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
# The CSRF token reaches forms and htmx through the page, never through JavaScript reading the
# cookie, so the cookie can be HttpOnly too.
CSRF_COOKIE_HTTPONLY = True
# Only our own origin, no inline script or style anywhere: htmx is told (htmx-config in the
# layout) not to inject its indicator styles and not to evaluate code from attributes.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *MEDIA_ORIGINS],
        "font-src": [SELF],
        "connect-src": [SELF],
        "manifest-src": [SELF],
        # A payment form's answer redirects to Stripe's Checkout or customer portal.
        "form-action": [SELF, "https://checkout.stripe.com", "https://billing.stripe.com"],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
    }
}
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
}
# What production adds over HTTPS. The security-header tests apply this same dict.
HTTPS_SETTINGS = {
    "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
    "SECURE_SSL_REDIRECT": env_bool("SECURE_SSL_REDIRECT", True),
    "SECURE_REDIRECT_EXEMPT": [r"^health/$"],
    "SECURE_HSTS_SECONDS": 63072000,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
    "SECURE_HSTS_PRELOAD": True,
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
}
if not DEBUG:
    globals().update(HTTPS_SETTINGS)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "plain",
        },
    },
    "root": {"handlers": ["stdout"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        # Replaces Django's own console handler, which would print every line twice.
        "django": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
        "procrastinate": {"level": "WARNING"},
        "pgserver": {"level": "WARNING"},
    },
}
