from django.db import migrations


class Migration(migrations.Migration):
    """
    Granted the Editors and Reporters groups the workflow permissions.

    Roles are now declared once, in articles.roles, and granted after every migrate;
    this migration is kept, empty, so that the history of existing databases stays whole.
    """

    dependencies = [
        ("articles", "0010_workflow_states_embargo_corrections"),
        ("authors", "0003_author_change_any_permission"),
    ]

    operations = []
