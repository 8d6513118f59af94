"""Existing cities get their zone from their name and country (profiles/zones.py); a city
whose zone staff already set (anything but the default UTC) keeps it. The reverse leaves the
zones: removing the column (0006's reverse) forgets them anyway."""

from django.db import migrations

from profiles.zones import DEFAULT_ZONE, zone_for


def set_known_zones(apps, schema_editor):
    City = apps.get_model("profiles", "City")
    for city in City.objects.filter(time_zone=DEFAULT_ZONE):
        zone = zone_for(city.name, city.country)
        if zone != DEFAULT_ZONE:
            City.objects.filter(pk=city.pk).update(time_zone=zone)


class Migration(migrations.Migration):
    dependencies = [
        ("profiles", "0006_city_time_zone"),
    ]

    operations = [
        migrations.RunPython(set_known_zones, migrations.RunPython.noop),
    ]
