import pytest
from django.utils import timezone

from articles.models import Article


@pytest.mark.django_db
class TestAuthorPage:
    def test_shows_bio_affiliations_and_published_stories(
        self, client, make_author, make_affiliation, make_organisation, make_article
    ):
        author = make_author(
            name="Mridha Shihab Mahmud", job_title="Photojournalist", bio="First paragraph.\n\nSecond paragraph."
        )
        society = make_organisation(name="Mymensingh Film & Photography Society", slug="mfps")
        make_affiliation(author=author, organisation=society, role="Chief respondent person")
        make_affiliation(
            author=author, organisation=make_organisation(name="Old Paper"), role="Intern", is_current=False
        )
        make_article(headline="Published piece", authors=[author])
        make_article(headline="Draft piece", authors=[author], status=Article.Status.DRAFT, published_at=None)

        response = client.get(author.get_absolute_url())

        html = response.content.decode()
        assert response.status_code == 200
        assert "<p>First paragraph.</p>" in html and "<p>Second paragraph.</p>" in html
        assert "Chief respondent person" in html
        assert f'href="{society.get_absolute_url()}"' in html
        assert "Mymensingh Film &amp; Photography Society" in html
        assert "(past)" in html
        assert "Published piece" in html
        assert "Draft piece" not in html

    def test_private_email_is_never_shown(self, client, make_author):
        author = make_author(email="secret-source@example.org")
        assert "secret-source@example.org" not in client.get(author.get_absolute_url()).content.decode()

    def test_unknown_author_is_404(self, client, db):
        assert client.get("/authors/nobody/").status_code == 404


@pytest.mark.django_db
class TestOrganisationPage:
    def test_shows_people_and_stories_citing_it(self, client, make_organisation, make_affiliation, make_article):
        tass = make_organisation(name="TASS", short_name="TASS", description="Russian state news agency.")
        affiliation = make_affiliation(organisation=tass, role="Correspondent")
        make_article(headline="Cites TASS", sources=[tass])
        make_article(
            headline="Scheduled citing", sources=[tass], published_at=timezone.now() + timezone.timedelta(days=1)
        )
        make_article(headline="Cites nobody")

        response = client.get(tass.get_absolute_url())

        html = response.content.decode()
        assert response.status_code == 200
        assert "Russian state news agency." in html
        assert f'href="{affiliation.author.get_absolute_url()}"' in html
        assert "Cites TASS" in html
        assert "Scheduled citing" not in html
        assert "Cites nobody" not in html
