"""Before one open report per reporter and person is enforced (0005): where someone sent the same
report several times, the oldest stays open and carries the later ones' reasons and notes; the
later ones are closed as dismissed, kept for the record, not deleted."""

from django.db import migrations
from django.db.models import Count
from django.utils import timezone


def merge_duplicate_open_reports(apps, schema_editor):
    Report = apps.get_model("profiles", "Report")
    reasons = dict(Report._meta.get_field("reason").choices)
    open_reports = Report.objects.filter(status="open")
    pairs = (
        open_reports.values("reporter_id", "reported_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .values_list("reporter_id", "reported_id")
    )
    now = timezone.now()
    for reporter_id, reported_id in pairs.iterator():
        kept, *later = open_reports.filter(
            reporter_id=reporter_id, reported_id=reported_id
        ).order_by("created_at", "pk")
        for report in later:
            sent = report.created_at.strftime("%Y-%m-%d %H:%M UTC")
            addition = f"Sent again on {sent}: {reasons.get(report.reason, report.reason)}."
            if report.note:
                addition += f" {report.note}"
            kept.note = f"{kept.note}\n\n{addition}" if kept.note else addition
        kept.save(update_fields=["note"])
        Report.objects.filter(pk__in=[report.pk for report in later]).update(
            status="dismissed", resolved_at=now
        )


class Migration(migrations.Migration):
    dependencies = [("profiles", "0003_profiles_for_existing_users")]

    operations = [
        migrations.RunPython(merge_duplicate_open_reports, migrations.RunPython.noop),
    ]
