"""Data migrations of profiles, run by import on rows the current schema would now refuse."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone

from profiles.factories import SocialProfileFactory
from profiles.models import Report

pytestmark = pytest.mark.django_db

OPEN_ONCE = next(c for c in Report._meta.constraints if c.name == "report_open_once")
merge = importlib.import_module("profiles.migrations.0004_merge_duplicate_open_reports")


def test_duplicate_open_reports_are_merged_into_the_oldest_before_the_constraint():
    ana, ben, cleo = (SocialProfileFactory() for _ in range(3))
    with connection.schema_editor() as editor:  # as before 0005, inside the test's transaction
        editor.remove_constraint(Report, OPEN_ONCE)
    start = timezone.now() - datetime.timedelta(days=3)

    def sent(reporter, reported, days, **fields):
        report = Report.objects.create(reporter=reporter, reported=reported, **fields)
        Report.objects.filter(pk=report.pk).update(created_at=start + datetime.timedelta(days))
        return report

    oldest = sent(ana, ben, 0, reason="fake", note="Stock photo.")
    again = sent(ana, ben, 1, reason="spam", note="")
    third = sent(ana, ben, 2, reason="other", note="Asked for money.")
    closed = sent(ana, ben, -1, reason="spam", status="dismissed")
    alone = sent(ana, cleo, 1, reason="spam", note="Only once.")

    merge.merge_duplicate_open_reports(apps, None)

    open_reports = Report.objects.filter(status="open")
    assert set(open_reports) == {oldest, alone}
    oldest.refresh_from_db()
    day = (start + datetime.timedelta(1)).strftime("%Y-%m-%d")
    assert oldest.note.startswith(f"Stock photo.\n\nSent again on {day} ")
    assert ": Spam or scam.\n\nSent again on " in oldest.note
    assert oldest.note.endswith(": Something else. Asked for money.")
    for report in (again, third):
        report.refresh_from_db()
        assert report.status == "dismissed"
        assert report.resolved_at is not None
    alone.refresh_from_db()
    closed.refresh_from_db()
    assert alone.note == "Only once."
    assert closed.resolved_at is None  # already closed: left alone
    with connection.cursor() as cursor:  # the deferred key checks, which block DDL, run now
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with connection.schema_editor() as editor:  # 0005 now succeeds
        editor.add_constraint(Report, OPEN_ONCE)
