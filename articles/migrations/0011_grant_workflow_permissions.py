from django.contrib.auth.management import create_permissions
from django.db import migrations

# Workflow permissions per group, as (app_label, codenames); 0002_create_roles
# granted the model permissions.
WORKFLOW_PERMISSIONS = {
    "Editors": [
        (
            "articles",
            [
                "submit_article",
                "publish_article",
                "send_back_article",
                "spike_article",
                "change_any_article",
                "add_correction",
                "change_correction",
                "delete_correction",
                "view_correction",
                "add_previewlink",
                "change_previewlink",
                "delete_previewlink",
                "view_previewlink",
                "view_articletransition",
            ],
        ),
        ("authors", ["change_any_author"]),
    ],
    "Reporters": [
        # Deleting is limited to their own drafts that were never published, in the admin.
        ("articles", ["submit_article", "delete_article", "view_correction", "view_articletransition"]),
    ],
}


def grant_workflow_permissions(apps, schema_editor):
    """Give Editors and Reporters the workflow permissions of their roles."""
    # Permissions are normally created after all migrations have run; a fresh
    # database needs the new ones now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, grants in WORKFLOW_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        for app_label, codenames in grants:
            group.permissions.add(
                *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0010_workflow_states_embargo_corrections"),
        ("authors", "0003_author_change_any_permission"),
    ]

    operations = [migrations.RunPython(grant_workflow_permissions, reverse_code=migrations.RunPython.noop)]
