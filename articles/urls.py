from django.urls import path, re_path

from . import feeds, views

app_name = "articles"

# Years 1000 to 2999: the archive views step to the day before and after, which years
# 1 and 9999 do not have.
urlpatterns = [
    path("feed/", feeds.LatestArticlesFeed(), name="feed"),
    path("feed/atom/", feeds.LatestArticlesAtomFeed(), name="feed_atom"),
    re_path(
        r"^(?P<year>[12][0-9]{3})/(?P<month>[0-9]{2})/(?P<day>[0-9]{2})/(?P<slug>[-\w]+)/$",
        views.ArticleDetailView.as_view(),
        name="detail",
    ),
    re_path(r"^(?P<year>[12][0-9]{3})/$", views.ArticleYearArchiveView.as_view(), name="archive_year"),
    re_path(
        r"^(?P<year>[12][0-9]{3})/(?P<month>[0-9]{2})/$", views.ArticleMonthArchiveView.as_view(), name="archive_month"
    ),
    re_path(
        r"^(?P<year>[12][0-9]{3})/(?P<month>[0-9]{2})/(?P<day>[0-9]{2})/$",
        views.ArticleDayArchiveView.as_view(),
        name="archive_day",
    ),
    path("preview/<int:pk>/", views.ArticlePreviewView.as_view(), name="preview"),
    path("preview/shared/<str:token>/", views.SharedPreviewView.as_view(), name="shared_preview"),
    path("sections/<slug:slug>/", views.SectionView.as_view(), name="section"),
    path("sections/<slug:slug>/feed/", feeds.SectionFeed(), name="section_feed"),
    path("sections/<slug:slug>/feed/atom/", feeds.SectionAtomFeed(), name="section_feed_atom"),
    path("tags/<slug:slug>/", views.TagView.as_view(), name="tag"),
    path("corrections/", views.CorrectionListView.as_view(), name="corrections"),
    path("latest/", views.LatestView.as_view(), name="latest"),
    path("tags/<slug:slug>/feed/", feeds.TagFeed(), name="tag_feed"),
    path("tags/<slug:slug>/feed/atom/", feeds.TagAtomFeed(), name="tag_feed_atom"),
    # The author's page belongs to the authors app, which knows nothing of articles.
    path("authors/<slug:slug>/feed/", feeds.AuthorFeed(), name="author_feed"),
    path("authors/<slug:slug>/feed/atom/", feeds.AuthorAtomFeed(), name="author_feed_atom"),
]
