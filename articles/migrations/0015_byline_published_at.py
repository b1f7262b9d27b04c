from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_dates(apps, schema_editor):
    """Give every byline its article's publication date, in one statement."""
    Article = apps.get_model("articles", "Article")
    Byline = apps.get_model("articles", "Byline")
    Byline.objects.update(
        published_at=Subquery(Article.objects.filter(pk=OuterRef("article_id")).values("published_at")[:1])
    )


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0014_related_story'),
    ]

    operations = [
        migrations.AddField(
            model_name='byline',
            name='published_at',
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name='published at'),
        ),
        migrations.RunPython(copy_dates, reverse_code=migrations.RunPython.noop),
        migrations.RemoveIndex(
            model_name='byline',
            name='byline_author_article',
        ),
        migrations.AddIndex(
            model_name='byline',
            index=models.Index(fields=['author', 'published_at', 'article'], name='byline_author_listed'),
        ),
    ]
