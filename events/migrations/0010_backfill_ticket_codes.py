"""Every confirmed invitation carries a ticket code: the ones confirmed before codes existed get
theirs here (new ones get it from the seat services). The alphabet is copied, not imported, so
the migration keeps meaning what it meant when it was written."""

import secrets

from django.db import migrations

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, no 1/I
LENGTH = 8
BATCH = 2000


def backfill_ticket_codes(apps, schema_editor):
    invitation = apps.get_model("events", "Invitation")
    taken = set(invitation.objects.exclude(ticket_code="").values_list("ticket_code", flat=True))
    missing = invitation.objects.filter(status="confirmed", ticket_code="").only("pk")
    rows = []
    for row in missing.iterator(chunk_size=BATCH):
        code = _new_code(taken)
        taken.add(code)
        row.ticket_code = code
        rows.append(row)
        if len(rows) >= BATCH:
            invitation.objects.bulk_update(rows, ["ticket_code"])
            rows = []
    invitation.objects.bulk_update(rows, ["ticket_code"])


def _new_code(taken: set) -> str:
    while (code := "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))) in taken:
        pass
    return code


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0009_tickets_checkin"),
    ]

    operations = [
        migrations.RunPython(backfill_ticket_codes, migrations.RunPython.noop),
    ]
