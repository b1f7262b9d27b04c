from django.urls import path

from . import feeds, views

app_name = "liveblog"

urlpatterns = [
    path("<int:article_pk>/entries/", views.EntriesView.as_view(), name="entries"),
    path("<int:article_pk>/feed/", feeds.LiveBlogFeed(), name="feed"),
]
