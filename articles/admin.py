from django.contrib import admin, messages
from django.contrib.admin.utils import label_for_field
from django.contrib.admin.views.main import ORDER_VAR
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import HttpResponseRedirect, JsonResponse
from django.urls import path
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from taggit.models import Tag

from authors.models import Author
from newsroom.admin import CheckedAutocompleteFieldsMixin, CheckedAutocompleteSelectMultiple, CheckedChangeList
from newsroom.pagination import EstimatingPaginator

from . import workflow
from .embeds import find_embed, provider_names
from .forms import WORKFLOW_ONLY_FIELDS, ArticleAdminForm, PreviewLinkForm, TagNamesField
from .models import Article, Byline, Correction, PreviewLink, RelatedStory, Section, TaggedArticle
from .signals import article_edited

TAG_SUGGESTIONS = 20


class BylineInline(CheckedAutocompleteFieldsMixin, admin.TabularInline):
    model = Byline
    extra = 0
    min_num = 1
    autocomplete_fields = ["author"]
    fields = ["author", "role", "position"]


class TagListFilter(admin.SimpleListFilter):
    """Filter by the tags articles carry, not by every tag in the database."""

    title = _("tag")
    parameter_name = "tag"

    def lookups(self, request, model_admin):
        # One index probe a tag, rather than DISTINCT over every tag on every story.
        in_use = Exists(TaggedArticle.objects.filter(tag=OuterRef("pk")))
        return Tag.objects.filter(in_use).order_by("name").values_list("slug", "name")

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        # The tag's id, looked up first, rather than a join on its slug: the planner then
        # knows how many stories carry this tag.
        tag = Tag.objects.filter(slug=self.value()).values_list("pk", flat=True).first()
        if tag is None:
            # An unknown slug still filters by it, finding nothing: `none()` has no plan for
            # the paginator to estimate from on PostgreSQL.
            return queryset.filter(tags__slug=self.value())
        # Through the tag links, with their copy of each story's date (`listed_at`), by
        # which ArticleChangeList orders the list: it walks the tag's index newest first.
        return queryset.linked_to("tagged_items", tag=tag)


class BylinedAuthorListFilter(admin.RelatedFieldListFilter):
    """Filter by the authors who have bylines, found one index probe each rather than by reading every byline."""

    def field_choices(self, field, request, model_admin):
        has_bylines = Q(Exists(Byline.objects.filter(author=OuterRef("pk"))))
        ordering = self.field_admin_ordering(field, request, model_admin)
        return field.get_choices(include_blank=False, limit_choices_to=has_bylines, ordering=ordering)


class ArticleChangeList(CheckedChangeList):
    """
    The admin's list of articles, without the text of each, paged by walking the index of
    its order and stopping after a page, whatever narrows it:
    - narrowed to a tag, it is ordered by the tag links' copy of each story's date
      (`listed_at`, the same order), which walks the tag's index on (tag, date): ordered by
      the stories' own date, SQLite read all of a tag's stories and sorted them (442 ms
      for a tag on 56,000 of 200,000 stories);
    - searched, with more matches than the paginator counts, the page is asked of
      ArticleAdmin.full_text_search with `until` (its end), which may then walk the list
      in its order: through the full-text index PostgreSQL read every match and sorted
      them (180 ms for 41,802 of a million stories), as its planner takes two common
      words to be rarer together than they are.
    Sorted by another column, a list short enough to count is sorted whole, as Django's
    is, and a search is read through the index; a longer list keeps to its date order
    (keep_to_date_order), since no index holds the column's order and sorting every
    story in it takes as long as there are stories (0.8 s at a million).
    """

    # The list before the search, filtered and ordered (set by get_queryset).
    listed = None

    def get_queryset(self, request, exclude_parameters=None):
        words = self.query
        if exclude_parameters is not None or self.model_admin.full_text_search is None or not words.strip():
            return super().get_queryset(request, exclude_parameters).defer("body", "search_vector")
        self.query = ""  # The list without the search, which is added here.
        try:
            self.listed = super().get_queryset(request).defer("body", "search_vector")
        finally:
            self.query = words
        matches, may_have_duplicates = self.model_admin.get_search_results(request, self.listed, words)
        return matches.distinct() if may_have_duplicates else matches

    def is_in_date_order(self):
        """Tell whether the list is ordered by date first, which an index holds; by another column it is sorted."""
        ordering = self.queryset.query.order_by
        return bool(ordering) and ordering[0] in ("-published_at", "published_at", "-listed_at", "listed_at")

    def get_ordering(self, request, queryset):
        ordering = super().get_ordering(request, queryset)
        if "listed_at" in queryset.query.annotations and ordering[0] in ("published_at", "-published_at"):
            ordering[0] = ordering[0].replace("published_at", "listed_at")
        return ordering

    def get_results(self, request):
        super().get_results(request)
        if not self.multi_page or self.paginator.is_exact:
            return
        if not self.is_in_date_order() and (column := self.sorted_column()) is not None:
            self.keep_to_date_order(request, column)
        if self.listed is not None:
            page = self.paginator.page(self.page_num)
            found = self.model_admin.full_text_search(self.listed, self.query, until=page.end_index())
            self.result_list = found[page.start_index() - 1 : page.end_index()]

    def sorted_column(self):
        """Return the name of the column `?o=` sorts the list by first, or None."""
        if ORDER_VAR not in self.params:
            return None
        # Django's reading of `?o=`; like get_ordering(), skip numbers past the columns.
        for index in self.get_ordering_field_columns():
            if 0 <= index < len(self.list_display) and self.get_ordering_field(self.list_display[index]):
                return self.list_display[index]
        return None

    def keep_to_date_order(self, request, column):
        """
        Show this list, too long to count, in its usual order rather than sorted by
        `column`, and say so. Its page has not been read yet (`result_list` is lazy), so
        no sort of the whole list runs.
        """
        # The column headers and page links then show the usual order, as Django drops `?p=`.
        del self.params[ORDER_VAR]
        del self.filter_params[ORDER_VAR]
        ordering = self.get_ordering(request, self.queryset.order_by())
        self.queryset = self.queryset.order_by(*ordering)
        if self.listed is not None:
            self.listed = self.listed.order_by(*ordering)
        self.paginator.object_list = self.queryset
        self.result_list = self.paginator.page(self.page_num).object_list
        messages.info(
            request,
            _(
                "This list holds more than %(count)s articles, too many to sort by %(column)s, so it is "
                "shown newest first. Narrow it with the filters or a search, then sort it."
            )
            % {
                "count": f"{EstimatingPaginator.COUNT_UP_TO:,}",
                "column": label_for_field(column, self.model, self.model_admin),
            },
        )


class MineListFilter(admin.SimpleListFilter):
    """Narrow the list to the articles the user created or has a byline on."""

    title = _("whose")
    parameter_name = "mine"

    def lookups(self, request, model_admin):
        return [("yes", _("Mine"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.owned_by(request.user)
        return queryset


class CorrectionInline(admin.StackedInline):
    """Public corrections and updates; shown on published stories only."""

    model = Correction
    extra = 0
    fields = ["kind", "text", "created_at", "created_by"]
    readonly_fields = ["created_at", "created_by"]


class PreviewLinkInline(admin.TabularInline):
    """Links that let someone without a login read the story before it is published."""

    model = PreviewLink
    form = PreviewLinkForm
    extra = 0
    can_delete = False
    fields = ["label", "expires_at", "address", "created_by", "revoked_at", "revoke"]
    readonly_fields = ["address", "created_by", "revoked_at"]
    verbose_name_plural = _("Preview links for people without a login")

    # Set per request by ArticleAdmin.get_inline_instances(), to show whole addresses.
    request = None

    @admin.display(description=_("address"))
    def address(self, link):
        if link.pk is None:
            return _("Shown once saved")
        if not link.is_active():
            return _("No longer works")
        url = link.get_absolute_url()
        if self.request is not None:
            url = self.request.build_absolute_uri(url)
        return format_html('<a href="{0}" target="_blank" rel="noopener noreferrer">{0}</a>', url)


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = ["headline", "status", "section", "byline_names", "published_at", "updated_at", "is_live"]
    list_filter = [
        MineListFilter,
        "status",
        "section",
        ("authors", BylinedAuthorListFilter),
        TagListFilter,
        ("published_at", admin.DateFieldListFilter),
    ]
    search_fields = ["headline", "standfirst", "body"]
    # How the search box finds stories: a function (queryset, words, until=None) -> queryset
    # that an app keeping a full-text index sets (the search app does); else Django's
    # search, a LIKE over every story's text. `until`: see ArticleChangeList.
    full_text_search = None
    # No date_hierarchy: listing its years reads every story (half a second at a million
    # on PostgreSQL); the date filter asks nothing, and ?published_at__year=2023 still works.
    # No full count either: the paginator counts up to 1,000 and estimates beyond.
    show_full_result_count = False
    paginator = EstimatingPaginator
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["section", "sources", "photo", "embargoed_by"]
    inlines = [BylineInline, CorrectionInline, PreviewLinkInline]
    actions = ["submit_selected", "publish_selected", "spike_selected"]
    list_per_page = 50
    # State changes go only through the workflow's buttons, never through these fields.
    readonly_fields = ["status", "published_at", "created_by", "created_at", "updated_at"]
    # Given by get_fieldsets(), not as `fieldsets`: Django's checks refuse a many-to-many
    # field with a through model there (admin.E013), and `sources` has one (Citation).
    story_fieldsets = [
        (None, {"fields": ["headline", "slug", "standfirst", "body"]}),
        (_("Placement"), {"fields": ["section", "tags", "sources", "dateline"]}),
        (_("Image"), {"fields": ["photo"]}),
        (
            _("Publication"),
            {
                "fields": [
                    "status",
                    "published_at",
                    "embargo_lifts_at",
                    "embargoed_by",
                    "expires_at",
                    "is_open_for_comments",
                ]
            },
        ),
        (_("History"), {"fields": ["created_by", "created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def get_fieldsets(self, request, obj=None):
        return self.story_fieldsets

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("section")
            .prefetch_related(Prefetch("bylines", queryset=Byline.objects.select_related("author")))
        )

    def get_changelist(self, request, **kwargs):
        return ArticleChangeList

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not workflow.can_close_comments(request.user):
            readonly.append("is_open_for_comments")
        return readonly

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "tags":
            return TagNamesField(self.admin_site)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "sources":
            # Django makes no field for a many-to-many with a through model, whose rows may
            # need more than their two ends; a citation needs no more (its date is its story's).
            kwargs.setdefault(
                "widget", CheckedAutocompleteSelectMultiple(db_field, self.admin_site, using=kwargs.get("using"))
            )
            return db_field.formfield(**kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description=_("bylines"))
    def byline_names(self, article):
        return ", ".join(byline.author.name for byline in article.bylines.all())

    @admin.display(description=_("live"), boolean=True)
    def is_live(self, article):
        return article.is_published()

    def view_on_site(self, article):
        return article.get_absolute_url() if article.is_published() else article.get_preview_url()

    # Who may do what: the rules live in articles.workflow; these only ask it.

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request)
        return workflow.can_edit(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is None:
            return super().has_delete_permission(request)
        return workflow.can_delete(request.user, obj)

    def has_submit_permission(self, request):
        return workflow.may_start(request.user, workflow.SUBMIT)

    def has_publish_permission(self, request):
        return workflow.may_start(request.user, workflow.PUBLISH)

    def has_spike_permission(self, request):
        return workflow.may_start(request.user, workflow.SPIKE)

    def get_inline_instances(self, request, obj=None):
        inlines = []
        for inline in super().get_inline_instances(request, obj):
            if isinstance(inline, CorrectionInline) and (obj is None or not workflow.takes_corrections(obj)):
                continue
            if isinstance(inline, PreviewLinkInline):
                if obj is None or obj.pk is None:
                    continue
                inline.request = request
            inlines.append(inline)
        return inlines

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.user = request.user
        return form

    def get_changeform_initial_data(self, request):
        """A new story starts in the section of the last story its writer had a byline on."""
        initial = super().get_changeform_initial_data(request)
        if "section" not in initial:
            last = Byline.objects.filter(author__user=request.user).order_by("-article__created_at", "-pk").first()
            if last is not None:
                initial["section"] = last.article.section_id
        return initial

    def get_formset_kwargs(self, request, obj, inline, prefix):
        """A new story by a writer with an author profile starts with their own byline."""
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, BylineInline) and obj.pk is None and request.method != "POST":
            own = Author.objects.filter(user=request.user).values_list("pk", flat=True).first()
            if own is not None:
                kwargs["initial"] = [{"author": own}]
        return kwargs

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and WORKFLOW_ONLY_FIELDS.intersection(request.POST):
            raise PermissionDenied("The state of an article changes only through the workflow's buttons.")
        return super().changeform_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        # Django quietly ignores an action the user may not run; a crafted POST gets a 403.
        if request.method == "POST":
            allowed = self.get_actions(request)
            if any(name in self.actions and name not in allowed for name in request.POST.getlist("action")):
                raise PermissionDenied
        return super().changelist_view(request, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        transitions = workflow.available_transitions(request.user, obj) if obj is not None else []
        history = list(obj.transitions.select_related("user")) if obj is not None else []
        context.update(
            {
                "workflow_state": workflow.describe_state(obj) if obj is not None else _("new draft"),
                "workflow_transitions": transitions,
                "workflow_takes_note": bool(transitions),
                "workflow_takes_time": workflow.SCHEDULE in transitions,
                "workflow_history": history,
                "workflow_returned": obj.latest_return() if obj is not None else None,
            }
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        if formset.model is Correction:
            for correction in formset.save(commit=False):
                if correction.pk is None:
                    workflow.add_correction(form.instance, request.user, correction.text, correction.kind)
                else:
                    correction.save()
            for correction in formset.deleted_objects:
                correction.delete()
        elif formset.model is PreviewLink:
            for link in formset.save(commit=False):
                if link.pk is None:
                    link.created_by = request.user
                link.save()
        else:
            super().save_formset(request, form, formset, change)

    def get_search_results(self, request, queryset, search_term):
        if self.full_text_search is None or not search_term.strip():
            return super().get_search_results(request, queryset, search_term)
        return self.full_text_search(queryset, search_term), False

    def save_related(self, request, form, formsets, change):
        """
        Finish saving an article. By now the form has checked every field and the workflow
        button (and, in the editing app, the version the editor opened) and save_model()
        has saved the article; what follows comes in this order:
        1. its bylines, tags, sources, corrections and preview links;
        2. its related stories, ranked again if its tags, section or dates changed;
        3. `article_edited`, on which the editing app records the revision;
        4. the workflow button's transition, on the article as saved with its bylines.
        Django runs the whole save in one transaction. The form has checked the transition
        already, so only a colleague's change in between makes it fail here; the save then
        stands and the message says why the transition did not.
        """
        super().save_related(request, form, formsets, change)
        if not change or RelatedStory.RANKED_BY.intersection(form.changed_data):
            RelatedStory.objects.refresh_around(form.instance)
        article_edited.send(sender=Article, article=form.instance, user=request.user, created=not change)
        if action := form.cleaned_data.get("transition"):
            self.run_transition(
                request,
                form.instance,
                action,
                note=form.cleaned_data.get("transition_note", ""),
                published_at=form.cleaned_data.get("schedule_at") if action == workflow.SCHEDULE.action else None,
            )

    def run_transition(self, request, article, action, **arguments):
        """Apply one workflow transition and tell the user how it went."""
        try:
            record = workflow.apply(action, article, request.user, **arguments)
        except workflow.TransitionNotAllowed as error:
            # Checked with the form already; only a colleague's change in between gets here.
            self.message_user(request, f"{article}: {error.message}", messages.ERROR)
            return
        self.message_user(
            request,
            _("“%(article)s”: %(action)s; it is now %(state)s.")
            % {
                "article": article,
                "action": record.get_action_display().lower(),
                "state": workflow.describe_state(article),
            },
            messages.SUCCESS,
        )

    def response_change(self, request, obj):
        if request.POST.get("transition"):
            # Back to the article, to show its new state and buttons.
            return HttpResponseRedirect(request.get_full_path())
        return super().response_change(request, obj)

    def apply_to_selected(self, request, queryset, action):
        """Run one transition on each selected article; report what happened and what was refused."""
        done = 0
        for article in queryset:
            try:
                workflow.apply(action, article, request.user)
            except workflow.WorkflowError as error:
                self.message_user(request, f"{article}: {error.message}", messages.WARNING)
            else:
                done += 1
        if done:
            label = workflow.TRANSITIONS[action].label
            self.message_user(
                request,
                ngettext("“%(label)s” done for %(count)d article.", "“%(label)s” done for %(count)d articles.", done)
                % {"label": label, "count": done},
                messages.SUCCESS,
            )

    @admin.action(description=_("Submit selected articles for review"), permissions=["submit"])
    def submit_selected(self, request, queryset):
        self.apply_to_selected(request, queryset, workflow.SUBMIT.action)

    @admin.action(description=_("Publish selected articles now"), permissions=["publish"])
    def publish_selected(self, request, queryset):
        self.apply_to_selected(request, queryset, workflow.PUBLISH.action)

    @admin.action(description=_("Spike selected articles"), permissions=["spike"])
    def spike_selected(self, request, queryset):
        self.apply_to_selected(request, queryset, workflow.SPIKE.action)

    def get_urls(self):
        return [
            path(
                "embed-check/",
                self.admin_site.admin_view(self.embed_check_view),
                name="articles_article_embed_check",
            ),
            path(
                "tag-autocomplete/",
                self.admin_site.admin_view(self.tag_autocomplete_view),
                name="articles_article_tag_autocomplete",
            ),
            *super().get_urls(),
        ]

    def embed_check_view(self, request):
        """Tell the body editor whether `url` may be embedded, and if not why: the allow-list is the setting."""
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        url = request.GET.get("url", "").strip()
        if embed := find_embed(url):
            return JsonResponse({"ok": True, "provider": embed.provider})
        error = _("This link cannot be embedded. Embeds are accepted from %(providers)s only.") % {
            "providers": provider_names()
        }
        return JsonResponse({"ok": False, "error": error}, status=400)

    def tag_autocomplete_view(self, request):
        """Suggest existing tag names for the tags box, in select2's format."""
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        term = request.GET.get("term", "").strip()[:100]
        names = Tag.objects.filter(name__icontains=term).order_by("name").values_list("name", flat=True)
        return JsonResponse(
            {"results": [{"id": name, "text": name} for name in names[:TAG_SUGGESTIONS]], "pagination": {"more": False}}
        )


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
