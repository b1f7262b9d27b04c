"""What leads the home page: lineups of stories chosen by editors, each in force from its time on."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.models.fields import login_field

# The slots editors fill: the lead, then the top stories beside it.
SLOTS = 5


class LineupQuerySet(models.QuerySet):
    def taken_effect(self, at=None):
        """Return the lineups in effect at `at` (now) or before, the one in force first."""
        return self.filter(takes_effect_at__lte=at or timezone.now()).order_by("-takes_effect_at", "-pk")

    def in_force(self, at=None):
        """Return the lineup the home page shows at `at` (now): the latest to have taken effect, or None."""
        return self.taken_effect(at).first()

    def with_in_force(self):
        """Mark each lineup with `in_force_id`, the id of the one in force, found once for them all."""
        return self.annotate(in_force_id=models.Subquery(Lineup.objects.taken_effect().values("pk")[:1]))

    def next_change(self, after=None):
        """Return when the next scheduled lineup takes effect, or None."""
        after = after or timezone.now()
        return (
            self.filter(takes_effect_at__gt=after)
            .order_by("takes_effect_at")
            .values_list("takes_effect_at", flat=True)
            .first()
        )


class Lineup(models.Model):
    """
    The stories editors put at the top of the home page, from `takes_effect_at` on. A
    change to the front page is a new lineup, so the lineups are its history: who
    changed it and when. Slots left empty, or holding a story readers may no longer
    see, are filled with the latest stories.
    """

    takes_effect_at = models.DateTimeField(
        _("takes effect at"),
        default=timezone.now,
        help_text=_("Now, or a time to come to schedule a change of lead."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True, help_text=_("Why, for the desk's record."))
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    created_by = login_field(_("created by"))

    objects = LineupQuerySet.as_manager()

    class Meta:
        ordering = ["-takes_effect_at", "-pk"]
        get_latest_by = "takes_effect_at"
        verbose_name = _("front-page lineup")
        verbose_name_plural = _("front-page lineups")
        indexes = [models.Index(fields=["takes_effect_at"], name="lineup_takes_effect")]

    def __str__(self):
        return _("Front page from %(time)s") % {
            "time": timezone.localtime(self.takes_effect_at).strftime("%d %b %Y %H:%M")
        }

    def is_in_force(self):
        """Tell whether the home page shows this lineup now (`with_in_force()` saves the query)."""
        if hasattr(self, "in_force_id"):
            return self.pk == self.in_force_id
        return self == Lineup.objects.in_force()

    def is_scheduled(self):
        return self.takes_effect_at > timezone.now()


class Placement(models.Model):
    """A story in a slot of a lineup (0 is the lead), with the stories packaged with it."""

    lineup = models.ForeignKey(Lineup, on_delete=models.CASCADE, related_name="placements", db_index=False)
    position = models.PositiveSmallIntegerField(
        _("slot"), choices=[(0, _("Lead"))] + [(n, _("Top story %(n)d") % {"n": n}) for n in range(1, SLOTS)]
    )
    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="+", verbose_name=_("story"))
    package = models.ManyToManyField(
        "articles.Article",
        blank=True,
        related_name="+",
        verbose_name=_("with these stories"),
        help_text=_("Stories shown under it, as a package (newest first)."),
    )

    class Meta:
        ordering = ["position"]
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        constraints = [
            models.UniqueConstraint(fields=["lineup", "position"], name="unique_lineup_slot"),
            models.UniqueConstraint(fields=["lineup", "article"], name="unique_lineup_story"),
        ]

    def __str__(self):
        return f"{self.get_position_display()}: {self.article}"
