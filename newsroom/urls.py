from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path

from articles.sitemaps import ArticleSitemap, NewsSitemap, SectionSitemap, TagSitemap
from authors.sitemaps import AuthorSitemap, OrganisationSitemap

from .views import HealthView, RobotsView

SITEMAPS = {
    "articles": ArticleSitemap,
    "sections": SectionSitemap,
    "tags": TagSitemap,
    "authors": AuthorSitemap,
    "organisations": OrganisationSitemap,
}

urlpatterns = [
    path("admin/", admin.site.urls),
    path("comments/", include("comments.urls")),
    path("live/", include("liveblog.urls")),
    path("api/", include("api.urls")),
    path("robots.txt", RobotsView.as_view(), name="robots"),
    path("healthz", HealthView.as_view(), name="healthz"),
    path(
        "sitemap.xml", sitemap_views.index, {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap"}, name="sitemap_index"
    ),
    path(
        "sitemap-news.xml",
        sitemap_views.sitemap,
        {"sitemaps": {"news": NewsSitemap}, "template_name": "sitemap_news.xml"},
        name="sitemap_news",
    ),
    path("sitemap-<section>.xml", sitemap_views.sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("", include("search.urls")),
    path("", include("authors.urls")),
    path("", include("frontpage.urls")),
    path("", include("articles.urls")),
] + static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
