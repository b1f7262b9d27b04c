"""Sitemaps of author and organisation pages."""

from django.contrib.sitemaps import Sitemap

from .models import Author, Organisation


class AuthorSitemap(Sitemap):
    def items(self):
        return Author.objects.only("slug")


class OrganisationSitemap(Sitemap):
    def items(self):
        return Organisation.objects.only("slug")
