import factory
from django.contrib.auth import get_user_model

from authors.models import Affiliation, Author, Organisation


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password("correct horse battery staple")
    is_staff = True


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"organisation-{n}")
    kind = Organisation.Kind.NEWS_AGENCY


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author

    name = factory.Sequence(lambda n: f"Author {n}")
    slug = factory.Sequence(lambda n: f"author-{n}")
    job_title = "Reporter"
    bio = "Writes about things.\n\nAnd other things."


class AffiliationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Affiliation

    author = factory.SubFactory(AuthorFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = "Staff reporter"
