from django.contrib.auth.management import create_permissions
from django.db import migrations

# Reporters add and caption photos for their stories; only editors delete from the library.
PHOTO_ACTIONS = {
    "Editors": ["add", "change", "delete", "view"],
    "Reporters": ["add", "change", "view"],
}


def grant_photo_permissions(apps, schema_editor):
    """Let the Editors and Reporters groups work with the photo library."""
    # Permissions are normally created after all migrations have run; a fresh
    # database needs them now.
    photos_config = apps.get_app_config("photos")
    photos_config.models_module = True
    create_permissions(photos_config, apps=apps, verbosity=0)
    photos_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name__in=PHOTO_ACTIONS):
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="photos",
                codename__in=[f"{action}_photo" for action in PHOTO_ACTIONS[group.name]],
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_create_roles"),
        ("articles", "0008_remove_hero_image_fields"),
        ("photos", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant_photo_permissions, reverse_code=migrations.RunPython.noop)]
