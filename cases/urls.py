"""Every route of the cases app: the case library pages, and its API under api/."""

from django.urls import include, path

from cases import api, views

api_urlpatterns = [
    path("cases/", api.CaseListView.as_view(), name="api_cases_list"),
    path("cases/similar/", api.SimilarCasesView.as_view(), name="api_cases_similar"),
    path("cases/<slug:slug>/", api.CaseDetailView.as_view(), name="api_cases_detail"),
]

urlpatterns = [
    path("api/", include(api_urlpatterns)),
    path("cases/", views.cases_list_view, name="cases_list"),
    path("cases/<slug:slug>/", views.cases_detail_view, name="cases_detail"),
]
