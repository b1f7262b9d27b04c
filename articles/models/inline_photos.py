from django.db import models
from django.utils.translation import gettext_lazy as _


class InlinePhoto(models.Model):
    """
    A library photo that a story shows in its body, alone or in a gallery. Kept in step
    with the body by Article.save(), so that the photo admin finds where a photo is used,
    and refuses to delete it, with one indexed query, as for hero photos.
    """

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="inline_photo_links", verbose_name=_("article")
    )
    # A photo a story shows cannot be deleted: the editor first takes it out of the body.
    photo = models.ForeignKey(
        "photos.Photo", on_delete=models.PROTECT, related_name="inline_uses", verbose_name=_("photo"), db_index=False
    )

    class Meta:
        verbose_name = _("photo in a story's body")
        verbose_name_plural = _("photos in stories' bodies")
        constraints = [models.UniqueConstraint(fields=["photo", "article"], name="unique_inline_photo")]

    def __str__(self):
        return _("In the body of “%(article)s”") % {"article": self.article}
