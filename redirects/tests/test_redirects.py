from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.models import Article
from redirects.models import Redirect

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:redirects_redirect_changelist")
IMPORT = reverse("admin:redirects_redirect_import")


def moved(story, **changes):
    """Save `story` with `changes`, the way an edit in the admin does; return its old and new addresses."""
    old = story.get_absolute_url()
    for name, value in changes.items():
        setattr(story, name, value)
    story.save()
    return old, story.get_absolute_url()


class TestStoriesThatMove:
    def test_a_new_slug_leaves_a_301_from_the_old_address(self, client, make_article):
        story = make_article(slug="kim-leaves")
        old, new = moved(story, slug="kim-leaves-russia")

        response = client.get(old)

        assert response.status_code == 301
        assert response["Location"] == new
        assert client.get(new).status_code == 200

    def test_a_new_date_leaves_a_301_too(self, client, make_article):
        story = make_article()
        old, new = moved(story, published_at=story.published_at - timedelta(days=3))
        assert old != new
        assert client.get(old)["Location"] == new

    def test_moving_twice_answers_in_one_hop_from_every_old_address(self, client, make_article):
        story = make_article(slug="first")
        first, _ = moved(story, slug="second")
        second, third = moved(story, slug="third")

        for old in (first, second):
            response = client.get(old)
            assert (response.status_code, response["Location"]) == (301, third)
        assert Redirect.objects.filter(article=story).count() == 2

    def test_moving_back_to_an_old_address_serves_the_story_there_without_a_loop(self, client, make_article):
        story = make_article(slug="first")
        first, second = moved(story, slug="second")
        moved(story, slug="first")

        assert client.get(first).status_code == 200
        assert client.get(second)["Location"] == first
        assert not Redirect.objects.filter(old_path=first).exists()

    def test_drafts_leave_no_redirect(self, make_article):
        draft = make_article(status=Article.Status.DRAFT, published_at=None)
        moved(draft, slug="renamed-draft")
        assert not Redirect.objects.exists()

    def test_feeds_and_sitemaps_list_only_the_new_address(self, client, make_article):
        story = make_article(slug="old-slug")
        old, new = moved(story, slug="new-slug")
        for url in (reverse("articles:feed"), reverse("sitemap", args=["articles"])):
            xml = client.get(url).content.decode()
            assert new in xml and old not in xml

    def test_an_address_that_answers_is_never_redirected(self, client, make_article):
        story = make_article()
        Redirect.objects.create(old_path=story.get_absolute_url(), new_path="/elsewhere/")
        assert client.get(story.get_absolute_url()).status_code == 200

    def test_unknown_addresses_stay_404(self, client):
        assert client.get("/no/such/page/").status_code == 404


class TestRules:
    def test_a_redirect_to_itself_is_refused(self):
        with pytest.raises(ValidationError, match="itself"):
            Redirect(old_path="/a/", new_path="/a/").clean()

    def test_a_loop_is_refused_with_a_clear_message(self):
        Redirect.objects.create(old_path="/b/", new_path="/c/")
        Redirect.objects.create(old_path="/c/", new_path="/a/")
        with pytest.raises(ValidationError, match="loop"):
            Redirect(old_path="/a/", new_path="/b/").full_clean()

    def test_a_chain_is_flattened_to_its_end(self):
        Redirect.objects.create(old_path="/b/", new_path="/c/")
        redirect = Redirect(old_path="/a/", new_path="/b/")
        redirect.full_clean()
        assert redirect.new_path == "/c/"

    def test_addresses_are_stored_as_paths(self):
        redirect = Redirect(old_path="https://old.example.org/news/kim.html?id=4", new_path="sections/world/")
        redirect.full_clean()
        assert (redirect.old_path, redirect.new_path) == ("/news/kim.html?id=4", "/sections/world/")


@pytest.fixture
def editor_client(client, make_user):
    user = make_user(username="eddie")
    user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)
    return client


class TestAdmin:
    def test_editors_add_a_redirect_and_chains_to_it_are_flattened(self, editor_client):
        Redirect.objects.create(old_path="/older/", new_path="/old/")
        response = editor_client.post(
            reverse("admin:redirects_redirect_add"), {"old_path": "/old/", "new_path": "/new/"}
        )
        assert response.status_code == 302
        assert Redirect.objects.target_of("/older/") == "/new/"

    def test_a_loop_in_the_admin_is_a_form_error_that_keeps_the_input(self, editor_client):
        Redirect.objects.create(old_path="/b/", new_path="/a/")
        response = editor_client.post(reverse("admin:redirects_redirect_add"), {"old_path": "/a/", "new_path": "/b/"})
        assert response.status_code == 200
        assert "loop" in response.content.decode()
        assert 'value="/a/"' in response.content.decode()

    def test_reporters_cannot_manage_redirects(self, client, make_user):
        user = make_user(username="rita")
        user.groups.add(Group.objects.get(name="Reporters"))
        client.force_login(user)
        assert client.get(CHANGELIST).status_code == 403
        assert client.post(IMPORT, {}).status_code == 403

    def test_csv_of_an_old_site_is_imported(self, editor_client, client):
        csv = b"old,new\n/news/2019/kim.html,/sections/world/\nhttps://old.example.org/about.php,/about/\n"
        response = editor_client.post(IMPORT, {"file": SimpleUploadedFile("old-site.csv", csv)})
        assert response.status_code == 302
        assert Redirect.objects.target_of("/news/2019/kim.html") == "/sections/world/"
        assert Redirect.objects.target_of("/about.php") == "/about/"

    def test_a_csv_with_bad_rows_imports_nothing_and_names_each_row(self, editor_client):
        csv = b"/ok/,/fine/\n/lonely/\n/self/,/self/\n/ok/,/again/\n"
        response = editor_client.post(IMPORT, {"file": SimpleUploadedFile("bad.csv", csv)})
        html = response.content.decode()
        assert response.status_code == 200
        assert "Row 2: two addresses are needed" in html
        assert "Row 3: An address cannot redirect to itself." in html
        assert "Row 4: /ok/ is already in row 1." in html
        assert not Redirect.objects.exists()

    def test_a_file_that_is_not_text_is_refused(self, editor_client):
        response = editor_client.post(IMPORT, {"file": SimpleUploadedFile("x.csv", b"\xff\xfe\x00bad")})
        assert "not UTF-8 text" in response.content.decode()
