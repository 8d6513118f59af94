"""Check-in wrote the host's attendance row without `reported_at` until now (the service sets it
since): those rows get the moment of their check-in, the invitation's `checked_in_at`. Rows
with a report time, and rows with no check-in behind them, are left as they are. Data only;
going back leaves the times in place (they are right either way)."""

from django.db import migrations
from django.db.models import Exists, OuterRef, Subquery


def backfill_checkin_reported_at(apps, schema_editor):
    attendance = apps.get_model("events", "Attendance")
    invitation = apps.get_model("events", "Invitation")
    checked_in = invitation.objects.filter(
        event=OuterRef("event"), profile=OuterRef("profile"), checked_in_at__isnull=False
    ).values("checked_in_at")[:1]
    attendance.objects.filter(reported_at__isnull=True).filter(Exists(checked_in)).update(
        reported_at=Subquery(checked_in)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0012_invitation_going_idx"),
    ]

    operations = [
        migrations.RunPython(backfill_checkin_reported_at, migrations.RunPython.noop),
    ]
