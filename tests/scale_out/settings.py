"""The scale-out test's processes (tests/scale_out/test_scale_out.py): production settings, with
only what a test must add. Everything else comes from the environment, as in production."""

import os

from momento.settings import *  # noqa: F403

# The same cheap hasher as the rest of the suite (tests/conftest.py), so the factories' users can
# log in through the form without a second of PBKDF2 per person.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# A periodic task every second, so two workers face many periods within the test.
PROCRASTINATE_IMPORT_PATHS = ["tests.scale_out.tasks"]
# The worker delivers email into files the test counts.
EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ["EMAIL_FILE_PATH"]
# Static files straight from the source folders, as in the rest of the suite: no collectstatic
# per run (tests/test_settings.py proves the collected, hashed files in production mode).
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
