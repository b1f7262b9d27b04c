"""The article admin's revisions, restore, edit-conflict check, presence and autosave."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import PAGE_VAR
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.http import urlencode
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from articles.admin import ArticleAdmin
from articles.models import Article, EditConflict

from .autosave import AUTOSAVE_FIELDS, discard_autosave, pending_autosave, store_autosave
from .diffs import changed_fields, compare
from .forms import AutosaveForm, ConflictCheckedForm, NoteForm, saved_since_message
from .notes import add_note, mark_read
from .presence import note_presence, others_present, presence_text
from .revisions import DATETIME_DISPLAY, record_unrecorded, restore_revision, snapshot

REVISIONS_PER_PAGE = 50
AUTOSAVE_RESTORE_PARAM = "autosave"


class EditingAdminMixin:
    """
    Give the article admin revisions, conflict-checked saves, presence and autosave. It
    adds to the change form and its URLs; the save itself is the article admin's.
    """

    change_form_template = "admin/editing/change_form.html"
    revision_list_template = "admin/editing/revision_list.html"
    revision_template = "admin/editing/revision_diff.html"
    revision_restore_template = "admin/editing/revision_restore.html"

    # -- The change form ------------------------------------------------------------------

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None:
            return form
        attrs = {
            "loaded_version": forms.IntegerField(
                required=False,
                widget=forms.HiddenInput(attrs={"data-loaded-version": ""}),
            ),
        }
        if request.method == "GET" and request.GET.get(AUTOSAVE_RESTORE_PARAM) == "restore":
            attrs["restored_autosave"] = pending_autosave(obj, request.user)
        return type(form.__name__, (ConflictCheckedForm, form), attrs)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except EditConflict:
            # Someone saved between this form's version check and its save. The transaction
            # rolled back; run the view again and the check reports the conflict as usual.
            return super().changeform_view(request, object_id, form_url, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and not add:
            context["editing_status"] = self.editing_status(request, obj, context["adminform"].form)
            context["notes"] = obj.notes.select_related("author")
            context["note_form"] = NoteForm()
            mark_read(obj, request.user)
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def editing_status(self, request, article, form):
        """Return what the change form shows about other editors, autosaves and conflicts."""
        can_change = self.has_change_permission(request, article)
        if can_change:
            note_presence(article, request.user)
            if not form.is_bound:
                # So that a conflict on save can show what changed since this version.
                record_unrecorded(article)
        info = self.opts.app_label, self.opts.model_name
        status = {
            "version_field": form["loaded_version"],
            "can_change": can_change,
            "others": presence_text(others_present(article, request.user)),
            "revisions_url": reverse(f"admin:{info[0]}_{info[1]}_revisions", args=[article.pk]),
            "autosave_url": reverse(f"admin:{info[0]}_{info[1]}_autosave", args=[article.pk]) if can_change else "",
            "discard_url": reverse(f"admin:{info[0]}_{info[1]}_autosave_discard", args=[article.pk]),
            "autosave_seconds": settings.NEWSROOM_AUTOSAVE_SECONDS,
            "restored_autosave": form.restored_autosave,
            "restore_autosave_query": "?" + urlencode({AUTOSAVE_RESTORE_PARAM: "restore"}),
            "autosave": None,
            "conflict_diff": None,
        }
        if form.is_bound and form.conflict_version is not None:
            status["conflict_diff"] = self._conflict_diff(article, form)
        elif can_change and not form.is_bound and form.restored_autosave is None:
            status["autosave"] = pending_autosave(article, request.user)
        return status

    def _conflict_diff(self, article, form):
        current = snapshot(article)
        loaded = article.revisions.as_of(form.conflict_version) if form.conflict_version else None
        if loaded is not None:
            return {"title": _("Changes since you opened it"), "fields": compare(loaded.data, current)}
        # No record of what the editor opened: compare what is stored with what they typed.
        typed = {name: form.data.get(form.add_prefix(name), "") for name in AUTOSAVE_FIELDS}
        return {
            "title": _("The stored article (taken out) and your text (put in)"),
            "fields": compare(current, typed, fields=AUTOSAVE_FIELDS),
        }

    # -- URLs ------------------------------------------------------------------------------

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        view = self.admin_site.admin_view
        return [
            path("<path:object_id>/revisions/", view(self.revision_list_view), name=f"{prefix}_revisions"),
            path(
                "<path:object_id>/revisions/<int:revision_id>/",
                view(self.revision_view),
                name=f"{prefix}_revision",
            ),
            path(
                "<path:object_id>/revisions/<int:revision_id>/restore/",
                view(self.revision_restore_view),
                name=f"{prefix}_revision_restore",
            ),
            path("<path:object_id>/autosave/", view(self.autosave_view), name=f"{prefix}_autosave"),
            path("<path:object_id>/notes/", view(self.note_add_view), name=f"{prefix}_note_add"),
            path(
                "<path:object_id>/autosave/discard/",
                view(self.autosave_discard_view),
                name=f"{prefix}_autosave_discard",
            ),
            *super().get_urls(),
        ]

    def _get_article(self, request, object_id, *, change=False):
        """Return the article, or raise 404 if it is not there for this user, 403 if not allowed."""
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404(_("No article with that ID exists. Perhaps it was deleted?"))
        allowed = (
            self.has_change_permission(request, article)
            if change
            else self.has_view_or_change_permission(request, article)
        )
        if not allowed:
            raise PermissionDenied
        return article

    def _get_revision(self, article, revision_id):
        revision = article.revisions.select_related("created_by").filter(pk=revision_id).first()
        if revision is None:
            raise Http404(_("This article has no revision with that ID."))
        return revision

    def _revision_context(self, request, article, **context):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "article": article,
            "module_name": str(capfirst(self.opts.verbose_name_plural)),
            "can_restore": self.has_change_permission(request, article),
            **context,
        }

    # -- Revisions -------------------------------------------------------------------------

    def revision_list_view(self, request, object_id):
        """List an article's revisions: who saved each, when, why, and what it changed."""
        article = self._get_article(request, object_id)
        revisions = article.revisions.select_related("created_by")
        paginator = self.get_paginator(request, revisions, REVISIONS_PER_PAGE)
        page = paginator.get_page(request.GET.get(PAGE_VAR, 1))
        rows = list(page.object_list)
        # Each revision is compared with the one before it; the page's oldest needs one more.
        older = revisions.filter(version__lt=rows[-1].version).first() if rows else None
        entries = [
            {
                "revision": revision,
                "previous": previous,
                "changed": changed_fields(previous.data, revision.data) if previous else None,
            }
            for revision, previous in zip(rows, [*rows[1:], older])
        ]
        context = self._revision_context(
            request,
            article,
            title=_("Revisions of “%s”") % article,
            entries=entries,
            page_obj=page,
            page_range=paginator.get_elided_page_range(page.number),
            page_var=PAGE_VAR,
        )
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.revision_list_template, context)

    def revision_view(self, request, object_id, revision_id):
        """Show how a revision differs from the article now, or from another revision."""
        article = self._get_article(request, object_id)
        revision = self._get_revision(article, revision_id)
        against = None
        if other_id := request.GET.get("against", ""):
            if not other_id.isdigit():
                raise Http404(_("This article has no revision with that ID."))
            against = self._get_revision(article, int(other_id))
        new_data = against.data if against else snapshot(article)
        context = self._revision_context(
            request,
            article,
            title=_("Revision of %s") % format_date(timezone.localtime(revision.created_at), DATETIME_DISPLAY),
            revision=revision,
            against=against,
            fields=compare(revision.data, new_data),
        )
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.revision_template, context)

    def revision_restore_view(self, request, object_id, revision_id):
        """Ask, then make the article's content what the revision recorded, as a new revision."""
        article = self._get_article(request, object_id, change=True)
        revision = self._get_revision(article, revision_id)
        change_url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[article.pk])
        if request.method == "POST":
            try:
                result = restore_revision(revision, request.user)
            except EditConflict:
                messages.error(request, _("Someone saved the article while it was being restored. Try again."))
                return HttpResponseRedirect(request.path)
            messages.success(request, result.revision.reason)
            for note in result.notes:
                messages.warning(request, note)
            return HttpResponseRedirect(change_url)
        context = self._revision_context(
            request,
            article,
            title=_("Restore this revision?"),
            revision=revision,
            # What the article will become: from now to the revision.
            fields=compare(snapshot(article), revision.data),
        )
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.revision_restore_template, context)

    # -- Notes ----------------------------------------------------------------------------

    def note_add_view(self, request, object_id):
        """Leave a note on the story: anyone who may see it in the admin may write one."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._get_article(request, object_id)
        form = NoteForm(request.POST)
        change_url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[article.pk])
        if not form.is_valid():
            # The form sits under the story's own; saying why here keeps the story's unsaved text.
            return TemplateResponse(
                request,
                "admin/editing/note_refused.html",
                {
                    **self.admin_site.each_context(request),
                    "opts": self.opts,
                    "article": article,
                    "form": form,
                    "change_url": change_url,
                    "title": _("Your note was not added"),
                },
                status=400,
            )
        add_note(article, request.user, form.cleaned_data["text"])
        messages.success(request, _("Your note is on the story."))
        return HttpResponseRedirect(change_url + "#notes")

    # -- Autosave --------------------------------------------------------------------------

    def autosave_view(self, request, object_id):
        """Keep the editor's unsaved text (if sent) and note that their form is still open."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._get_article(request, object_id, change=True)
        form = AutosaveForm(request.POST)
        if not form.is_valid():
            return JsonResponse({"errors": form.errors}, status=400)
        note_presence(article, request.user)
        response = {"version": article.version, "saved_at": None, "saved": "", "newer": "", "others": ""}
        if form.has_text:
            autosave = store_autosave(
                article,
                request.user,
                version=form.cleaned_data["loaded_version"],
                **{name: form.cleaned_data[name] for name in AUTOSAVE_FIELDS},
            )
            response["saved_at"] = autosave.saved_at.isoformat()
            response["saved"] = _("Draft kept at %s; not saved to the article yet.") % format_date(
                timezone.localtime(autosave.saved_at), "H:i"
            )
        if article.version > form.cleaned_data["loaded_version"]:
            response["newer"] = " ".join(
                [saved_since_message(article), _("When you save, you will see what they changed first.")]
            )
        response["others"] = presence_text(others_present(article, request.user))
        return JsonResponse(response)

    def autosave_discard_view(self, request, object_id):
        """Forget the editor's unsaved text."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._get_article(request, object_id, change=True)
        discard_autosave(article, request.user)
        return JsonResponse({"discarded": True})


# The articles app registers the article admin without knowing of this app, which
# depends on it and not the other way round; here the admin gains the editing tools.
admin.site.unregister(Article)


@admin.register(Article)
class EditableArticleAdmin(EditingAdminMixin, ArticleAdmin):
    pass
