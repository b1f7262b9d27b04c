"""
The articles app's models, one module per concern: sections, the story and its queries
(stories), its bylines, sources, tags and related stories (links), transitions, corrections and
preview links. Import them from here.
"""

from .corrections import Correction, CorrectionQuerySet
from .fields import login_field
from .inline_photos import InlinePhoto
from .links import Byline, Citation, DatedLink, RelatedStory, TaggedArticle
from .preview_links import PREVIEW_LINK_MAX_DAYS, PreviewLink, default_preview_expiry
from .sections import Section
from .stories import (
    NOT_LOADED,
    RELATED_SHOWN,
    RELATED_STORED,
    Article,
    ArticleQuerySet,
    EditConflict,
    StoryLinks,
    visible_to_readers,
)
from .transitions import ArticleTransition

__all__ = [
    "NOT_LOADED",
    "PREVIEW_LINK_MAX_DAYS",
    "RELATED_SHOWN",
    "RELATED_STORED",
    "Article",
    "ArticleQuerySet",
    "ArticleTransition",
    "Byline",
    "Citation",
    "Correction",
    "CorrectionQuerySet",
    "DatedLink",
    "EditConflict",
    "InlinePhoto",
    "PreviewLink",
    "RelatedStory",
    "Section",
    "StoryLinks",
    "TaggedArticle",
    "default_preview_expiry",
    "login_field",
    "visible_to_readers",
]
