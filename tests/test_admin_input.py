"""
The admin answers what its address and its forms are sent with its own messages, never a
server error (newsroom.admin, newsroom.lookups):
- every list, the project's and other apps', answers a filter the database cannot run
  with its "invalid filter" redirect and a message;
- a form sent with an id that is not one shows the form again with its error.
"""

from datetime import timedelta

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import connection, models
from django.urls import reverse

from articles.models import Article
from articles.tests.test_admin import article_form_data
from newsroom.admin import CheckedInputMixin
from wires.models import WireSource

BEYOND_64_BITS = "99999999999999999999"
NOT_A_VALUE = "not-a-value"

# Fields whose filter value Django prepares as a number or a duration, where a value from
# the address can fail only once the query is compiled or run.
PREPARED_FIELDS = (models.IntegerField, models.DurationField, models.FloatField, models.DecimalField)


def list_url(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def filtered_lists():
    """Yield (list address, filter name) for each field of each model the admin lists that a bad value could break."""
    for model in admin.site._registry:
        url = list_url(model)
        for field in model._meta.get_fields():
            if (field.is_relation and not field.auto_created) or isinstance(field, PREPARED_FIELDS):
                yield url, field.name


FILTERED_LISTS = sorted(set(filtered_lists()))


def admin_of(url):
    """Return the ModelAdmin whose list is at `url`."""
    return next(model_admin for model, model_admin in admin.site._registry.items() if list_url(model) == url)


LISTS = sorted(list_url(model) for model in admin.site._registry)
# Lookups that Django and django.contrib.postgres know but no list writes, each with a
# value one of the databases cannot run: a regular expression neither can read, a range
# of one value, and functions from PostgreSQL extensions the project does not install
# (or SQLite lacks).
UNOFFERED_LOOKUPS = {
    "regex": "(",
    "iregex": "[",
    "range": "1",
    "unaccent": "x",
    "trigram_similar": "x",
    "search": "!!",
}
TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField)


def test_every_list_is_checked_other_apps_too():
    admins = admin.site._registry.values()

    assert all(isinstance(model_admin, CheckedInputMixin) for model_admin in admins)
    assert {"taggit.Tag", "django_tasks_database.DBTaskResult", "auth.User"} <= {
        model_admin.model._meta.label for model_admin in admins
    }


@pytest.mark.django_db
@pytest.mark.parametrize("url", LISTS)
def test_a_lookup_no_filter_writes_is_an_invalid_filter_not_a_server_error(admin_client, url):
    for field in admin_of(url).model._meta.concrete_fields:
        if isinstance(field, models.DateField):
            addresses = [{f"{field.name}__year": BEYOND_64_BITS}]
        elif isinstance(field, TEXT_FIELDS):
            addresses = [{f"{field.name}__{lookup}": value} for lookup, value in UNOFFERED_LOOKUPS.items()]
        else:
            continue
        for params in addresses:
            response = admin_client.get(url, params)

            # Or Django's 400 for a field its admin keeps out of filters (a user's password).
            assert (response.status_code, response.get("Location")) in [(302, f"{url}?e=1"), (400, None)], params


def test_the_lists_with_filters_that_could_break_are_found():
    names = {f"{url}?{name}" for url, name in FILTERED_LISTS}
    assert {
        "/admin/articles/article/?section",
        "/admin/auth/user/?groups",
        "/admin/wires/wiresource/?poll_interval",
    } <= names


@pytest.mark.django_db
@pytest.mark.parametrize("url, name", FILTERED_LISTS)
def test_a_filter_the_database_cannot_run_is_an_invalid_filter_not_a_server_error(admin_client, url, name):
    for value in (BEYOND_64_BITS, NOT_A_VALUE):
        response = admin_client.get(url, {name: value})
        # A value the database can run (a number for a number) may simply match nothing.
        assert response.status_code in (200, 302), (url, name, value)
        if response.status_code == 302:
            assert response["Location"] == f"{url}?e=1"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {"section__in": f"1,{BEYOND_64_BITS}"},
        {"section__id__gte": BEYOND_64_BITS},
        {"bylines__author": BEYOND_64_BITS},
        {"published_at__year": BEYOND_64_BITS},
        {"tags__id__exact": BEYOND_64_BITS, "q": "council"},
    ],
)
def test_filters_through_relations_lists_and_dates_are_checked_too(admin_client, params):
    url = reverse("admin:articles_article_changelist")

    response = admin_client.get(url, params)

    assert (response.status_code, response["Location"]) == (302, f"{url}?e=1")


@pytest.mark.django_db
def test_the_list_says_when_it_could_not_apply_its_filters(admin_client, make_section):
    section = make_section(name="World")
    url = reverse("admin:articles_article_changelist")

    response = admin_client.get(url, {"section": BEYOND_64_BITS}, follow=True)

    assert response.redirect_chain == [(f"{url}?e=1", 302)]
    assert "The list could not be filtered as its address asked, so all of it is shown." in response.text
    assert admin_client.get(url, {"section": section.pk}).status_code == 200


@pytest.mark.django_db
def test_a_bad_filter_in_an_address_already_flagged_shows_the_whole_list(admin_client):
    url = reverse("admin:articles_article_changelist")

    response = admin_client.get(url, {"e": "1", "section": BEYOND_64_BITS}, follow=True)

    assert response.redirect_chain == [(f"{url}?e=1", 302)]
    assert response.text.count("The list could not be filtered as its address asked, so all of it is shown.") == 1
    assert "Database error" not in response.text


@pytest.mark.django_db
def test_filters_the_database_can_run_are_applied(admin_client, make_article, make_section):
    world, sport = make_section(name="World", slug="world"), make_section(name="Sport", slug="sport")
    make_article(headline="Kim leaves Russia", section=world)
    make_article(headline="Cup final tonight", section=sport)

    response = admin_client.get(reverse("admin:articles_article_changelist"), {"section": world.pk})

    assert response.status_code == 200
    assert "Kim leaves Russia" in response.text
    assert "Cup final tonight" not in response.text
    assert "could not be filtered" not in response.text


@pytest.mark.django_db
@pytest.mark.parametrize("url", LISTS)
def test_an_action_on_items_that_are_not_ids_is_refused_not_a_server_error(admin_client, url):
    actions = admin_of(url).get_actions(admin_client.get(url).wsgi_request)
    if not actions:
        pytest.skip("The list has no actions.")
    for selected in (["abc"], [""], ["1.5"], ["1", "abc"]):
        for confirmed in ({}, {"post": "yes"}):  # Asked, and confirmed on the page that asks.
            data = {"action": next(iter(actions)), "_selected_action": selected, "index": "0"} | confirmed

            response = admin_client.post(url, data, follow=True)

            assert response.redirect_chain == [(url, 302)], (selected, confirmed)
            assert "Those items are not in this list: select them again." in response.text


@pytest.mark.django_db
def test_an_action_on_items_of_the_list_still_runs(admin_client, make_section):
    section = make_section(name="Weather")
    url = reverse("admin:articles_section_changelist")
    data = {"action": "delete_selected", "_selected_action": [str(section.pk)], "index": "0"}

    assert "<title>Delete multiple objects" in admin_client.post(url, data).text
    admin_client.post(url, data | {"post": "yes"})
    assert not type(section).objects.filter(pk=section.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url, params",
    [
        ("admin:articles_article_changelist", {"mine": "yes"}),
        ("admin:articles_article_changelist", {"tag": "economy", "status__exact": "draft"}),
        ("admin:articles_article_changelist", {"published_at__year": "2026", "published_at__month": "11"}),
        ("admin:articles_article_changelist", {"headline__icontains": "kim", "section__id__exact": "1"}),
        ("admin:api_apikey_changelist", {"revoked_at__isempty": "1"}),
        ("admin:liveblog_entry_changelist", {"live_blog__id__exact": "1"}),
        ("admin:auth_user_changelist", {"groups__id__exact": "1", "is_staff__exact": "1"}),
    ],
)
def test_the_filters_the_lists_and_their_links_write_are_taken(admin_client, url, params):
    response = admin_client.get(reverse(url), params)

    assert response.status_code == 200
    assert "could not be filtered" not in response.text


@pytest.mark.django_db
@pytest.mark.parametrize("value", [BEYOND_64_BITS, NOT_A_VALUE])
class TestFormsSentWithAnIdThatIsNotOne:
    def test_an_autocomplete_field_shows_the_form_again_with_its_error(
        self, admin_client, make_section, make_author, value
    ):
        data = {**article_form_data(make_section(), make_author()), "section": value}

        response = admin_client.post(reverse("admin:articles_article_add"), data)

        assert response.status_code == 200
        assert "Select a valid choice" in response.text
        assert 'value="Kim leaves Russia"' in response.text  # What was typed is kept.
        assert not Article.objects.exists()

    def test_an_inline_autocomplete_field_shows_the_form_again_with_its_error(
        self, admin_client, make_section, make_author, value
    ):
        data = article_form_data(make_section(), make_author(), **{"bylines-0-author": value})

        response = admin_client.post(reverse("admin:articles_article_add"), data)

        assert response.status_code == 200
        assert "Select a valid choice" in response.text
        assert not Article.objects.exists()

    def test_an_autocomplete_field_given_in_the_address_is_left_empty(self, admin_client, make_section, value):
        section = make_section(name="World")
        url = reverse("admin:articles_article_add")

        response = admin_client.get(url, {"section": value})

        assert response.status_code == 200
        assert 'name="section"' in response.text
        assert admin_client.get(url, {"section": section.pk}).text.count(">World</option>") == 1

    def test_a_many_to_many_field_shows_the_form_again_with_its_error(self, admin_client, value):
        response = admin_client.post(reverse("admin:auth_group_add"), {"name": "Desk", "permissions": [value]})

        assert response.status_code == 200
        # A number is looked for and not found; anything else is not an id at all.
        error = "is not one of the available choices" if value == BEYOND_64_BITS else "is not a valid value"
        assert error in response.text
        assert not Group.objects.filter(name="Desk").exists()


@pytest.mark.django_db
def test_ids_beyond_what_a_column_holds_match_nothing_in_a_list_of_ids(make_article):
    story = make_article()

    assert list(Article.objects.filter(pk__in=[story.pk, int(BEYOND_64_BITS), -int(BEYOND_64_BITS)])) == [story]
    assert not Article.objects.filter(pk__in=[int(BEYOND_64_BITS)]).exists()
    assert list(Article.objects.exclude(pk__in=[int(BEYOND_64_BITS)])) == [story]


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["", "P", "-P1D", "1,5", "1 2", "1:2", "-00:01"])
def test_a_duration_reaches_the_database_as_django_read_it(admin_client, value):
    """PostgreSQL reads these by its own rules: an error, or ("1:2") an hour and two minutes."""
    url = reverse("admin:wires_wiresource_changelist")

    response = admin_client.get(url, {"poll_interval": value})

    assert response.status_code in (200, 302)
    if response.status_code == 302:  # SQLite cannot filter on a duration from the address.
        assert connection.vendor == "sqlite" and response["Location"] == f"{url}?e=1"


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite cannot filter on a duration from the address")
def test_a_duration_filter_matches_as_django_reads_it(admin_client, make_section):
    section = make_section()
    for name, poll_interval in [
        ("Every minute and two seconds", timedelta(minutes=1, seconds=2)),
        ("Every hour and two minutes", timedelta(hours=1, minutes=2)),
    ]:
        WireSource.objects.create(name=name, poll_interval=poll_interval, section=section)
    url = reverse("admin:wires_wiresource_changelist")

    response = admin_client.get(url, {"poll_interval": "1:2"})
    assert "Every minute and two seconds" in response.text
    assert "Every hour and two minutes" not in response.text

    response = admin_client.get(url, {"poll_interval__in": "1:2,1:02:00"})
    assert "Every minute and two seconds" in response.text and "Every hour and two minutes" in response.text
