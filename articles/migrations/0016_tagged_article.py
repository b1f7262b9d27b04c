import django.db.models.deletion
import taggit.managers
from django.db import migrations, models


def tagged_item_tables(apps, schema_editor):
    """Return the quoted tables of taggit's generic tagged items, ours, and articles, and the articles' content type."""
    quote = schema_editor.connection.ops.quote_name
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type, _ = ContentType.objects.get_or_create(app_label="articles", model="article")
    return (
        quote(apps.get_model("taggit", "TaggedItem")._meta.db_table),
        quote(apps.get_model("articles", "TaggedArticle")._meta.db_table),
        quote(apps.get_model("articles", "Article")._meta.db_table),
        content_type.pk,
    )


def move_tags_here(apps, schema_editor):
    """
    Move the articles' tags from taggit's generic table into TaggedArticle, with each
    article's publication date. One INSERT … SELECT each way: an archive holds millions.
    """
    generic, ours, articles, content_type = tagged_item_tables(apps, schema_editor)
    schema_editor.execute(
        f"INSERT INTO {ours} (tag_id, content_object_id, published_at) "
        f"SELECT t.tag_id, t.object_id, a.published_at FROM {generic} t JOIN {articles} a ON a.id = t.object_id "
        "WHERE t.content_type_id = %s",
        [content_type],
    )
    schema_editor.execute(f"DELETE FROM {generic} WHERE content_type_id = %s", [content_type])


def move_tags_back(apps, schema_editor):
    generic, ours, articles, content_type = tagged_item_tables(apps, schema_editor)
    schema_editor.execute(
        f"INSERT INTO {generic} (tag_id, object_id, content_type_id) SELECT tag_id, content_object_id, %s FROM {ours}",
        [content_type],
    )


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0015_byline_published_at'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('taggit', '0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx'),
    ]

    operations = [
        migrations.CreateModel(
            name='TaggedArticle',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('published_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='published at')),
                ('content_object', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='tagged_items', to='articles.article')),
                ('tag', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='%(app_label)s_%(class)s_items', to='taggit.tag')),
            ],
            options={
                'verbose_name': 'tagged article',
                'verbose_name_plural': 'tagged articles',
                'indexes': [models.Index(fields=['tag', 'published_at', 'content_object'], name='tag_listed')],
                'constraints': [models.UniqueConstraint(fields=('content_object', 'tag'), name='unique_article_tag')],
            },
        ),
        migrations.RunPython(move_tags_here, reverse_code=move_tags_back),
        migrations.AlterField(
            model_name='article',
            name='tags',
            field=taggit.managers.TaggableManager(blank=True, help_text='A comma-separated list of tags.', through='articles.TaggedArticle', to='taggit.Tag', verbose_name='tags'),
        ),
    ]
