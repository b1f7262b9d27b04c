from django.db import migrations


class Migration(migrations.Migration):
    """
    Created the Editors and Reporters groups with their model permissions.

    Roles are now declared once, in articles.roles, and granted after every migrate;
    this migration is kept, empty, so that the history of existing databases stays whole.
    """

    dependencies = [
        ("articles", "0001_initial"),
        ("authors", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = []
