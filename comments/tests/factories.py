import factory

from articles.tests.factories import ArticleFactory
from comments.models import Comment


class CommentFactory(factory.django.DjangoModelFactory):
    """A comment awaiting moderation; pass status=Comment.Status.APPROVED to show it."""

    class Meta:
        model = Comment

    article = factory.SubFactory(ArticleFactory)
    name = factory.Sequence(lambda n: f"Reader {n}")
    email = factory.Sequence(lambda n: f"reader{n}@example.net")
    text = "I read this with interest."
    ip_address = "192.0.2.1"
