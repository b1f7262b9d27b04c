import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


MOVED_MODELS = ['articlepresence', 'autosave', 'revision']


def move_content_types(apps, schema_editor):
    """Keep the moved models' content types, and so their permissions and admin history, under their new app."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    moved = ContentType.objects.using(schema_editor.connection.alias).filter(app_label="articles", model__in=MOVED_MODELS)
    moved.update(app_label="editing")


def return_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    returned = ContentType.objects.using(schema_editor.connection.alias).filter(app_label="editing", model__in=MOVED_MODELS)
    returned.update(app_label="articles")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('articles', '0012_move_editing_and_search_models'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    # The tables were made by the articles app and keep their names (see Meta.db_table);
    # only Django's picture of the models moves here.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ArticlePresence',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('seen_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='seen at')),
                        ('article', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='%(class)ss', to='articles.article')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'article presence',
                        'verbose_name_plural': 'article presences',
                        'db_table': 'articles_articlepresence',
                        'abstract': False,
                        'constraints': [models.UniqueConstraint(fields=('article', 'user'), name='articles_articlepresence_one_per_user')],
                    },
                ),
                migrations.CreateModel(
                    name='Autosave',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('version', models.PositiveIntegerField(help_text="The article's version the text was typed over.", verbose_name='version')),
                        ('headline', models.CharField(blank=True, default='', max_length=250, verbose_name='headline')),
                        ('standfirst', models.TextField(blank=True, default='', verbose_name='standfirst')),
                        ('body', models.TextField(blank=True, default='', verbose_name='body')),
                        ('saved_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='saved at')),
                        ('article', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='%(class)ss', to='articles.article')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'autosave',
                        'verbose_name_plural': 'autosaves',
                        'db_table': 'articles_autosave',
                        'abstract': False,
                        'constraints': [models.UniqueConstraint(fields=('article', 'user'), name='articles_autosave_one_per_user')],
                    },
                ),
                migrations.CreateModel(
                    name='Revision',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('version', models.PositiveIntegerField(help_text="The article's version this snapshot records.", verbose_name='version')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='saved at')),
                        ('reason', models.CharField(blank=True, default='', max_length=250, verbose_name='reason')),
                        ('data', models.JSONField(verbose_name='snapshot')),
                        ('article', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='revisions', to='articles.article', verbose_name='article')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='saved by')),
                    ],
                    options={
                        'verbose_name': 'revision',
                        'verbose_name_plural': 'revisions',
                        'db_table': 'articles_revision',
                        'ordering': ['-version', '-pk'],
                        'get_latest_by': ['version', 'pk'],
                        'indexes': [models.Index(fields=['article', '-version'], name='revision_article_version')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, return_content_types),
    ]
