"""Routes of this app: pages, and the API under api/."""

from django.urls import include, path

from . import api, views

urlpatterns = [path("api/", include(api.urlpatterns)), *views.urlpatterns]
