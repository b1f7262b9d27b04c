from django.contrib.auth.management import create_permissions
from django.db import migrations

# Model permissions per group, as (app_label, model, actions). The workflow
# permissions on Article (publishing and the like) are granted with the workflow.
ROLE_PERMISSIONS = {
    "Editors": [
        ("articles", "article", ["add", "change", "delete", "view"]),
        ("articles", "byline", ["add", "change", "delete", "view"]),
        ("articles", "section", ["add", "change", "delete", "view"]),
        ("authors", "author", ["add", "change", "delete", "view"]),
        ("authors", "authorlink", ["add", "change", "delete", "view"]),
        ("authors", "affiliation", ["add", "change", "delete", "view"]),
        ("authors", "organisation", ["add", "change", "delete", "view"]),
        ("taggit", "tag", ["add", "change", "delete", "view"]),
    ],
    "Reporters": [
        ("articles", "article", ["add", "change", "view"]),
        ("articles", "byline", ["add", "change", "delete", "view"]),
        ("articles", "section", ["view"]),
        ("authors", "author", ["change", "view"]),
        ("authors", "authorlink", ["add", "change", "delete", "view"]),
        ("authors", "affiliation", ["add", "change", "delete", "view"]),
        ("authors", "organisation", ["view"]),
        ("taggit", "tag", ["add", "view"]),
    ],
}


def create_roles(apps, schema_editor):
    """Create the Editors and Reporters groups with their model permissions."""
    # Permissions are normally created after all migrations have run; a fresh
    # database needs them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, grants in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        for app_label, model, actions in grants:
            group.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label=app_label,
                    codename__in=[f"{action}_{model}" for action in actions],
                )
            )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("authors", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(create_roles, reverse_code=migrations.RunPython.noop)]
