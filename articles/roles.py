"""
Which role holds which permissions, declared once.

`ROLES` maps each group to its permissions as "app_label.codename", the form
`user.has_perm()` takes. `apply_roles` runs after every `migrate` (like Django's
own `create_permissions`), so a new permission is one line here and reaches
every database on its next migrate. It only adds: a permission an administrator
granted a group by hand in the admin stays.
"""

from django.apps import apps as global_apps
from django.db import DEFAULT_DB_ALIAS, router
from django.db.models import Q

ROLES = {
    "Editors": [
        # Stories, from any reporter and in any state.
        "articles.add_article",
        "articles.change_article",
        "articles.delete_article",
        "articles.view_article",
        "articles.change_any_article",
        "articles.submit_article",
        "articles.send_back_article",
        "articles.publish_article",
        "articles.spike_article",
        "articles.close_comments",
        "articles.view_articletransition",
        "articles.add_byline",
        "articles.change_byline",
        "articles.delete_byline",
        "articles.view_byline",
        "articles.add_correction",
        "articles.change_correction",
        "articles.delete_correction",
        "articles.view_correction",
        "articles.add_previewlink",
        "articles.change_previewlink",
        "articles.delete_previewlink",
        "articles.view_previewlink",
        "articles.add_section",
        "articles.change_section",
        "articles.delete_section",
        "articles.view_section",
        # People and organisations.
        "authors.add_author",
        "authors.change_author",
        "authors.delete_author",
        "authors.view_author",
        "authors.change_any_author",
        "authors.add_authorlink",
        "authors.change_authorlink",
        "authors.delete_authorlink",
        "authors.view_authorlink",
        "authors.add_affiliation",
        "authors.change_affiliation",
        "authors.delete_affiliation",
        "authors.view_affiliation",
        "authors.add_organisation",
        "authors.change_organisation",
        "authors.delete_organisation",
        "authors.view_organisation",
        # The photo library, tags, and comment moderation.
        "photos.add_photo",
        "photos.change_photo",
        "photos.delete_photo",
        "photos.view_photo",
        "taggit.add_tag",
        "taggit.change_tag",
        "taggit.delete_tag",
        "taggit.view_tag",
        "comments.view_comment",
        "comments.change_comment",
        "comments.delete_comment",
        # The front page's lineups.
        "frontpage.add_lineup",
        "frontpage.change_lineup",
        "frontpage.delete_lineup",
        "frontpage.view_lineup",
        "frontpage.add_placement",
        "frontpage.change_placement",
        "frontpage.delete_placement",
        "frontpage.view_placement",
        # Old addresses and where they lead now.
        "redirects.add_redirect",
        "redirects.change_redirect",
        "redirects.delete_redirect",
        "redirects.view_redirect",
        # The worker's record of background tasks, failures included; read-only in the admin.
        "django_tasks_database.view_dbtaskresult",
        # Webhook endpoints, and the delivery log with its Redeliver action.
        "webhooks.add_endpoint",
        "webhooks.change_endpoint",
        "webhooks.delete_endpoint",
        "webhooks.view_endpoint",
        "webhooks.view_delivery",
        "webhooks.redeliver_delivery",
    ],
    "Reporters": [
        # Their own stories: the workflow limits change and delete to their drafts.
        "articles.add_article",
        "articles.change_article",
        "articles.delete_article",
        "articles.view_article",
        "articles.submit_article",
        "articles.view_articletransition",
        "articles.add_byline",
        "articles.change_byline",
        "articles.delete_byline",
        "articles.view_byline",
        "articles.view_correction",
        "articles.view_section",
        # Their own profile (AuthorAdmin limits them to it), and who they work for.
        "authors.change_author",
        "authors.view_author",
        "authors.add_authorlink",
        "authors.change_authorlink",
        "authors.delete_authorlink",
        "authors.view_authorlink",
        "authors.add_affiliation",
        "authors.change_affiliation",
        "authors.delete_affiliation",
        "authors.view_affiliation",
        "authors.view_organisation",
        # Photos for their stories; only editors delete from the library.
        "photos.add_photo",
        "photos.change_photo",
        "photos.view_photo",
        "taggit.add_tag",
        "taggit.view_tag",
        # No comment moderation: a comment's email and IP address are personal data.
    ],
}


def apply_roles(app_config=None, using=DEFAULT_DB_ALIAS, apps=global_apps, **kwargs):
    """
    Create each role's group and grant it the permissions of `ROLES` that exist so far.

    Connected to post_migrate, which is sent once for each app after `create_permissions`
    has made that app's permissions; by the last app every permission in `ROLES` exists.
    """
    try:
        Group = apps.get_model("auth", "Group")
        Permission = apps.get_model("auth", "Permission")
    except LookupError:
        return
    if not router.allow_migrate_model(using, Group):
        return
    for role, permissions in ROLES.items():
        group, _created = Group.objects.using(using).get_or_create(name=role)
        granted = Q()
        for permission in permissions:
            app_label, codename = permission.split(".")
            granted |= Q(content_type__app_label=app_label, codename=codename)
        group.permissions.add(*Permission.objects.using(using).filter(granted))
