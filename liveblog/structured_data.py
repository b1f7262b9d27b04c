"""schema.org description of a live blog: a LiveBlogPosting whose updates are BlogPostings."""

from articles.html import html_to_text
from authors.structured_data import SCHEMA_ORG, compact, person_reference


def live_blog_posting(live_blog, entries, request):
    """Describe a live blog and `entries` (its newest, loaded with their authors) as a LiveBlogPosting."""
    article = live_blog.article
    url = request.build_absolute_uri(article.get_absolute_url())
    return compact(
        {
            "@context": SCHEMA_ORG,
            "@type": "LiveBlogPosting",
            "@id": f"{url}#live",
            "url": url,
            "headline": article.headline,
            "description": article.standfirst,
            "datePublished": article.published_at.replace(microsecond=0) if article.published_at else None,
            "coverageStartTime": live_blog.coverage_started_at.replace(microsecond=0),
            "coverageEndTime": live_blog.coverage_ended_at.replace(microsecond=0)
            if live_blog.coverage_ended_at
            else None,
            "liveBlogUpdate": [
                compact(
                    {
                        "@type": "BlogPosting",
                        "@id": request.build_absolute_uri(entry.get_absolute_url()),
                        "url": request.build_absolute_uri(entry.get_absolute_url()),
                        "headline": entry.headline,
                        "articleBody": html_to_text(entry.text),
                        "datePublished": entry.created_at.replace(microsecond=0),
                        "dateModified": entry.edited_at.replace(microsecond=0) if entry.edited_at else None,
                        "author": person_reference(entry.author, request) if entry.author else None,
                    }
                )
                for entry in entries
            ],
        }
    )
