from django.urls import path

from . import views

app_name = "authors"

urlpatterns = [
    path("authors/<slug:slug>/", views.AuthorView.as_view(), name="detail"),
    path("organisations/<slug:slug>/", views.OrganisationView.as_view(), name="organisation"),
]
