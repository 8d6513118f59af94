"""Every user has a social profile: create one for the users who signed up before profiles."""

from django.db import migrations


def create_profiles(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    SocialProfile = apps.get_model("profiles", "SocialProfile")
    missing = User.objects.filter(social_profile__isnull=True).values_list("pk", flat=True)
    SocialProfile.objects.bulk_create(SocialProfile(user_id=pk) for pk in missing.iterator())


class Migration(migrations.Migration):
    dependencies = [("profiles", "0002_usercity_exactly_one_current_and_primary")]

    operations = [migrations.RunPython(create_profiles, migrations.RunPython.noop)]
