from django.urls import path

from . import views

app_name = "comments"

urlpatterns = [
    path("post/<int:article_pk>/", views.CommentCreateView.as_view(), name="post"),
]
