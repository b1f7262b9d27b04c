from django.contrib.auth.management import create_permissions
from django.db import migrations
from django.db.models import Q

# Editors moderate comments and open or close them on a story. Reporters get
# none of this: moderating is an editor's call, and a comment's email and IP
# address are personal data that fewer people should see.
EDITOR_PERMISSIONS = Q(
    content_type__app_label="comments", codename__in=["view_comment", "change_comment", "delete_comment"]
) | Q(content_type__app_label="articles", codename="close_comments")


def grant_moderation_to_editors(apps, schema_editor):
    """Give the Editors group the comment moderation permissions."""
    # Permissions are normally created after all migrations have run; a fresh
    # database needs them now.
    for label in ["articles", "comments"]:
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(*Permission.objects.filter(EDITOR_PERMISSIONS))


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0001_initial"),
        ("articles", "0002_create_roles"),
        ("articles", "0003_article_is_open_for_comments"),
    ]

    operations = [migrations.RunPython(grant_moderation_to_editors, reverse_code=migrations.RunPython.noop)]
