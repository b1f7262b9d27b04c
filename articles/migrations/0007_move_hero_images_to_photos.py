from django.db import migrations


def move_hero_images_to_photos(apps, schema_editor):
    """Give every article with a hero image a library photo holding the same stored file."""
    Article = apps.get_model("articles", "Article")
    Photo = apps.get_model("photos", "Photo")
    photos_by_file = {}
    articles = Article.objects.exclude(hero_image="").order_by("pk")
    for article in articles.iterator():
        name = article.hero_image.name
        if name not in photos_by_file:
            # The stored dimensions are passed on, so the file is not opened here.
            photos_by_file[name] = Photo.objects.create(
                image=name,
                width=article.hero_image_width,
                height=article.hero_image_height,
                alt_text=article.hero_image_alt,
                caption=article.hero_image_caption,
                credit=article.hero_image_credit,
            )
        # update() leaves updated_at alone, so no story is marked "Updated" by the move.
        Article.objects.filter(pk=article.pk).update(photo=photos_by_file[name])


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0006_article_photo"),
        ("photos", "0001_initial"),
    ]

    operations = [migrations.RunPython(move_hero_images_to_photos, reverse_code=migrations.RunPython.noop)]
