"""POST data for the article admin's change form, as a browser sends it."""


def change_form_data(article, **overrides):
    """The change form's data for `article` as stored, with the version it was opened at."""
    bylines = list(article.bylines.order_by("position", "pk"))
    data = {
        "loaded_version": article.version,
        "headline": article.headline,
        "slug": article.slug,
        "standfirst": article.standfirst,
        "body": article.body,
        "section": article.section_id,
        "tags": sorted(article.tags.names()),
        "sources": [source.pk for source in article.sources.all()],
        "dateline": article.dateline,
        "photo": article.photo_id or "",
        "is_open_for_comments": "on" if article.is_open_for_comments else None,
        "bylines-TOTAL_FORMS": str(len(bylines)),
        "bylines-INITIAL_FORMS": str(len(bylines)),
        "bylines-MIN_NUM_FORMS": "1",
        "bylines-MAX_NUM_FORMS": "1000",
        # The corrections (published stories) and preview-link inlines, with nothing to add.
        "corrections-TOTAL_FORMS": "0",
        "corrections-INITIAL_FORMS": "0",
        "preview_links-TOTAL_FORMS": "0",
        "preview_links-INITIAL_FORMS": "0",
    }
    for index, byline in enumerate(bylines):
        data |= {
            f"bylines-{index}-id": byline.pk,
            f"bylines-{index}-article": article.pk,
            f"bylines-{index}-author": byline.author_id,
            f"bylines-{index}-role": byline.role,
            f"bylines-{index}-position": byline.position,
        }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}
