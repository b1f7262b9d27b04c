from django.db import migrations


class Migration(migrations.Migration):
    """
    Hand revisions, presence and autosave to the editing app, and the search index's
    model to the search app. Only Django's picture of the models moves: the tables
    keep their names and their rows (editing.0001_initial and search.0001_initial
    take the models over).
    """

    dependencies = [
        ("articles", "0011_grant_workflow_permissions"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="ArticlePresence"),
                migrations.DeleteModel(name="Autosave"),
                migrations.DeleteModel(name="Revision"),
                migrations.DeleteModel(name="SearchEntry"),
            ],
            database_operations=[],
        ),
    ]
