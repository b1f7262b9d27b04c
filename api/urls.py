from django.urls import path

from . import views

app_name = "api"

urlpatterns = [
    path("ninjs/", views.NinjsListView.as_view(), name="ninjs-list"),
    path("ninjs/<str:pk>/", views.NinjsDetailView.as_view(), name="ninjs-detail"),
    path("openapi.json", views.OpenApiView.as_view(), name="openapi"),
]
