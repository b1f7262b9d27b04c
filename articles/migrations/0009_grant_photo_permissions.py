from django.db import migrations


class Migration(migrations.Migration):
    """
    Granted the Editors and Reporters groups the photo library.

    Roles are now declared once, in articles.roles, and granted after every migrate;
    this migration is kept, empty, so that the history of existing databases stays whole.
    """

    dependencies = [
        ("articles", "0002_create_roles"),
        ("articles", "0008_remove_hero_image_fields"),
        ("photos", "0001_initial"),
    ]

    operations = []
