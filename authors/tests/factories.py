import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from authors.models import Affiliation, Author, Organisation


class UserFactory(factory.django.DjangoModelFactory):
    """A staff login; pass groups=["Editors"] or ["Reporters"] for a role."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password("correct horse battery staple")
    is_staff = True

    @factory.post_generation
    def groups(user, create, extracted, **kwargs):
        if create and extracted:
            user.groups.add(*Group.objects.filter(name__in=extracted))


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
