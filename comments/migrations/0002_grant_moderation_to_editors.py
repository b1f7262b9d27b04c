from django.db import migrations


class Migration(migrations.Migration):
    """
    Granted the Editors group comment moderation.

    Roles are now declared once, in articles.roles, and granted after every migrate;
    this migration is kept, empty, so that the history of existing databases stays whole.
    """

    dependencies = [
        ("comments", "0001_initial"),
        ("articles", "0002_create_roles"),
        ("articles", "0003_article_is_open_for_comments"),
    ]

    operations = []
