import django.db.models.deletion
from django.db import migrations, models


MOVED_MODELS = ['searchentry']


def move_content_types(apps, schema_editor):
    """Keep the moved models' content types, and so their permissions and admin history, under their new app."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    moved = ContentType.objects.using(schema_editor.connection.alias).filter(app_label="articles", model__in=MOVED_MODELS)
    moved.update(app_label="search")


def return_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    returned = ContentType.objects.using(schema_editor.connection.alias).filter(app_label="search", model__in=MOVED_MODELS)
    returned.update(app_label="articles")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('articles', '0012_move_editing_and_search_models'),
    ]

    # The tables were made by the articles app and keep their names (see Meta.db_table);
    # only Django's picture of the models moves here.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='SearchEntry',
                    fields=[
                        ('article', models.OneToOneField(db_column='rowid', db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, related_name='search_entry', serialize=False, to='articles.article')),
                        ('headline', models.TextField()),
                        ('standfirst', models.TextField()),
                        ('body', models.TextField(help_text='The body as plain text.')),
                        ('full_text', models.TextField(db_column='articles_article_search')),
                    ],
                    options={
                        'db_table': 'articles_article_search',
                        'managed': False,
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, return_content_types),
    ]
