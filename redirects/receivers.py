"""A published story whose address changes (its slug or its date) leaves a redirect at the old one."""

from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from articles.models import Article

from .models import Redirect


@receiver(pre_save, sender=Article, dispatch_uid="redirects.note_address")
def note_address(sender, instance, raw=False, update_fields=None, **kwargs):
    instance._address_before_save = None
    if raw or instance.pk is None:
        return
    if update_fields is not None and not {"slug", "published_at", "status"} & set(update_fields):
        return
    before = Article._base_manager.filter(pk=instance.pk).only("slug", "status", "published_at").first()
    if before is not None and before.has_public_address():
        instance._address_before_save = before.get_absolute_url()


@receiver(post_save, sender=Article, dispatch_uid="redirects.leave_redirect")
def leave_redirect(sender, instance, raw=False, **kwargs):
    old = getattr(instance, "_address_before_save", None)
    if old and instance.has_public_address() and (new := instance.get_absolute_url()) != old:
        Redirect.objects.point(old, new, article=instance)
