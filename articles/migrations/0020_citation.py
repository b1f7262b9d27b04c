"""
Give `Article.sources` a through model of its own, Citation, over the table Django made
for it, and have each citation keep its story's publication date, as bylines and tags
do, so that an organisation's page walks an index of its citations newest first.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_dates(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    Citation = apps.get_model("articles", "Citation")
    db = schema_editor.connection.alias
    Citation.objects.using(db).update(
        published_at=Subquery(Article.objects.using(db).filter(pk=OuterRef("article_id")).values("published_at")[:1])
    )


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0019_inline_photos"),
        ("authors", "0003_author_change_any_permission"),
    ]

    operations = [
        # The table, its columns, its unique pair and its indexes are those Django made for
        # the many-to-many field: only the state learns of the model.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Citation",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        (
                            "article",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="citations",
                                to="articles.article",
                            ),
                        ),
                        (
                            "organisation",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="citations",
                                to="authors.organisation",
                                verbose_name="organisation",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "source",
                        "verbose_name_plural": "sources",
                        "db_table": "articles_article_sources",
                        "unique_together": {("article", "organisation")},
                    },
                ),
                migrations.AlterField(
                    model_name="article",
                    name="sources",
                    field=models.ManyToManyField(
                        blank=True,
                        help_text="Agencies and organisations the story cites.",
                        related_name="citing_articles",
                        through="articles.Citation",
                        to="authors.organisation",
                        verbose_name="sources",
                    ),
                ),
            ],
        ),
        migrations.AddField(
            model_name="citation",
            name="published_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="published at"),
        ),
        migrations.RunPython(copy_dates, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="citation",
            index=models.Index(fields=["organisation", "published_at", "article"], name="citation_listed"),
        ),
    ]
