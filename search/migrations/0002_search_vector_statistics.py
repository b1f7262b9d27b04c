from django.db import migrations

# PostgreSQL keeps the commonest words of the index (10 for each unit of the column's
# statistics target) and guesses that a word it has not kept is in at most half as
# many stories as the least common one it has. With the default target (100) that
# floor is high in a newsroom's vocabulary, so a rare or absent word looks common and
# a search newest first walks the date index through the whole archive looking for it
# (13 s at a million stories). A larger list makes the guess for such words small, and
# the planner reads them from the full-text index instead.
STATISTICS_TARGET = 1000


def raise_statistics_target(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"ALTER TABLE articles_article ALTER COLUMN search_vector SET STATISTICS {STATISTICS_TARGET}"
        )


def restore_statistics_target(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE articles_article ALTER COLUMN search_vector SET STATISTICS -1")


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_initial"),
        ("articles", "0019_inline_photos"),
    ]

    operations = [migrations.RunPython(raise_statistics_target, restore_statistics_target, elidable=False)]
