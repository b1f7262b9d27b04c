"""A database made before the apps were split migrates forward with every row it held."""

from datetime import timedelta

import pytest
from django.apps import apps as current_apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

# Each app's last migration before editing and search left articles.
PREVIOUS_LAYOUT = [
    ("authors", "0003_author_change_any_permission"),
    ("photos", "0001_initial"),
    ("articles", "0011_grant_workflow_permissions"),
    ("comments", "0002_grant_moderation_to_editors"),
    ("editing", None),
    ("search", None),
]
OUR_APPS = {"authors", "photos", "articles", "editing", "search", "comments"}


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state([target for target in targets if target[1] is not None]).apps


def latest_layout():
    """
    Return every app's latest migration: going back to the previous layout also drops the
    tables of apps built on later articles migrations (wires, webhooks), and the tests
    that run after this one need them back.
    """
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def fill_every_table(old):
    """Create at least one row in every table of the previous layout, through its historical models."""
    now = timezone.now()
    User = old.get_model("auth", "User")
    reporter = User.objects.create(username="rita")
    tass = old.get_model("authors", "Organisation").objects.create(name="TASS", slug="tass", kind="news_agency")
    author = old.get_model("authors", "Author").objects.create(name="Mridha", slug="mridha", user=reporter)
    old.get_model("authors", "AuthorLink").objects.create(author=author, label="Site", url="https://example.org/")
    old.get_model("authors", "Affiliation").objects.create(author=author, organisation=tass, role="Reporter")
    photo = old.get_model("photos", "Photo").objects.create(
        image="photos/originals/x.jpg", width=800, height=600, alt_text="A train", photographer=author
    )
    old.get_model("photos", "Rendition").objects.create(
        photo=photo, format="jpeg", width=480, height=360, file="photos/renditions/1/x.jpg", source_name="x.jpg"
    )
    section = old.get_model("articles", "Section").objects.create(name="World", slug="world")
    article = old.get_model("articles", "Article").objects.create(
        headline="Kim leaves Russia",
        slug="kim-leaves-russia",
        body="<p>By train.</p>",
        section=section,
        photo=photo,
        status="published",
        published_at=now - timedelta(hours=1),
        created_by=reporter,
    )
    article.sources.add(tass)
    Tag = old.get_model("taggit", "Tag")
    old.get_model("taggit", "TaggedItem").objects.create(
        tag=Tag.objects.create(name="North Korea", slug="north-korea"),
        content_type_id=ContentType.objects.get_for_model(current_apps.get_model("articles", "Article")).pk,
        object_id=article.pk,
    )
    old.get_model("articles", "Byline").objects.create(article=article, author=author, role="", position=0)
    old.get_model("articles", "ArticleTransition").objects.create(
        article=article, action="publish", from_status="review", to_status="published", user=reporter
    )
    old.get_model("articles", "Correction").objects.create(article=article, text="An earlier version misdated it.")
    old.get_model("articles", "PreviewLink").objects.create(article=article, expires_at=now + timedelta(days=1))
    old.get_model("articles", "Revision").objects.create(
        article=article, version=1, created_by=reporter, reason="Created", data={"headline": "Kim leaves Russia"}
    )
    old.get_model("articles", "ArticlePresence").objects.create(article=article, user=reporter)
    old.get_model("articles", "Autosave").objects.create(article=article, user=reporter, version=1, headline="Kim")
    old.get_model("comments", "Comment").objects.create(
        article=article, name="Jane", email="jane@example.net", text="Thank you."
    )
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO articles_article_search (rowid, headline, standfirst, body) VALUES (%s, %s, '', %s)",
                [article.pk, article.headline, "By train."],
            )
    return article


def rows_by_table(models):
    return {model._meta.db_table: model._base_manager.count() for model in models if model._meta.managed}


@pytest.mark.django_db(transaction=True)
def test_a_database_at_the_previous_layout_migrates_forward_keeping_every_row():
    latest = latest_layout()
    old = migrate(PREVIOUS_LAYOUT)
    try:
        article = fill_every_table(old)
        old_models = [
            model for label in OUR_APPS - {"editing", "search"} for model in old.get_app_config(label).get_models()
        ]
        before = rows_by_table(old_models)
        assert all(before.values()), {table: count for table, count in before.items() if not count}
    finally:
        new = migrate(latest)

    Article = current_apps.get_model("articles", "Article")
    new_models = [model for label in OUR_APPS for model in current_apps.get_app_config(label).get_models()]
    # Tables made since then: related stories are ranked when a story is next saved, notes
    # start empty, bodies then held no photos, and the articles' tags have moved from
    # taggit's generic table to their own. The sources' table was Django's own then, which
    # a layout's models do not list; it is Citation's now.
    added_later = {
        "articles_relatedstory": 0,
        "articles_inlinephoto": 0,
        "editing_note": 0,
        "editing_notereceipt": 0,
    }
    moved = {"articles_taggedarticle": 1, "articles_article_sources": 1}
    assert rows_by_table(new_models) == before | added_later | moved
    Byline, Citation, TaggedArticle = (
        current_apps.get_model("articles", name) for name in ("Byline", "Citation", "TaggedArticle")
    )
    links = (Byline.objects.get(), Citation.objects.get(), TaggedArticle.objects.get())
    assert [link.published_at for link in links] == [article.published_at] * 3
    assert [tag.name for tag in Article.objects.get(pk=article.pk).tags.all()] == ["North Korea"]

    Revision = current_apps.get_model("editing", "Revision")
    Autosave = current_apps.get_model("editing", "Autosave")
    moved = Revision.objects.select_related("article", "created_by").get()
    assert (moved.article.headline, moved.created_by.username, moved.reason) == ("Kim leaves Russia", "rita", "Created")
    assert Autosave.objects.get().headline == "Kim"
    assert current_apps.get_model("photos", "Photo").objects.get().rendition_data == [
        {"format": "jpeg", "width": 480, "height": 360, "file": "photos/renditions/1/x.jpg"}
    ]
    assert Article.objects.get(pk=article.pk).revisions.count() == 1
    assert ContentType.objects.get_for_model(Revision).app_label == "editing"
    assert not ContentType.objects.filter(app_label="articles", model="revision").exists()
    if connection.vendor == "sqlite":
        from search.backends import search_articles

        assert list(search_articles(Article.objects.all(), "train")) == [Article.objects.get(pk=article.pk)]
    assert new.get_model("editing", "Revision")._meta.db_table == "articles_revision"
