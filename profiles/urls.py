"""Every route of the profiles app: its pages, and its API under api/."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from profiles.api import csv as csv_api
from profiles.api import readiness as readiness_api
from profiles.api.investors import InvestorProfileViewSet
from profiles.api.members import MemberViewSet
from profiles.api.needs import NeedViewSet
from profiles.api.organizations import OrganizationViewSet, RegisterView, TokenView
from profiles.api.seeds import SeedViewSet
from profiles.api.ventures import VentureViewSet
from profiles.views import (
    accounts,
    catalog,
    imports,
    investors,
    needs,
    organizations,
    public,
    readiness,
    researchmap,
    seeds,
    ventures,
)

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("seeds", SeedViewSet, basename="api-seed")
router.register("needs", NeedViewSet, basename="api-need")
router.register("investors", InvestorProfileViewSet, basename="api-investor")
router.register("ventures", VentureViewSet, basename="api-venture")
router.register("organizations", OrganizationViewSet, basename="api-organization")
router.register("members", MemberViewSet, basename="api-member")

api_urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-auth-token"),
    path("register/", RegisterView.as_view(), name="api-register"),
    path("seeds/export.csv", csv_api.SeedExportView.as_view(), name="api-seed-export"),
    path("needs/export.csv", csv_api.NeedExportView.as_view(), name="api-need-export"),
    path("seeds/import/", csv_api.SeedImportView.as_view(), name="api-seed-import"),
    path("needs/import/", csv_api.NeedImportView.as_view(), name="api-need-import"),
    path("import-jobs/<int:pk>/", imports.import_job_api, name="import_job_api"),
    path("readiness/", readiness_api.ReadinessListView.as_view(), name="api_readiness_list"),
    path(
        "readiness/estimate/",
        readiness_api.EstimateView.as_view(),
        name="api_readiness_estimate",
    ),
    path(
        "readiness/<int:org_id>/",
        readiness_api.ReadinessDetailView.as_view(),
        name="api_readiness_detail",
    ),
    path(
        "readiness/<int:org_id>/history/",
        readiness_api.ReadinessHistoryView.as_view(),
        name="api_readiness_history",
    ),
    path(
        "readiness/<int:org_id>/track-record/<int:fiscal_year>/",
        readiness_api.TrackRecordView.as_view(),
        name="api_readiness_track_record",
    ),
    path("", include(router.urls)),
]

urlpatterns = [
    path("api/", include(api_urlpatterns)),
    path("login/", accounts.LoginView.as_view(), name="login"),
    path("logout/", public.LogoutView.as_view(), name="logout"),
    path("register/", public.org_register, name="org_register"),
    path("i18n/setlang/", accounts.set_language, name="set_language"),
    path("account/", accounts.account_page, name="account"),
    path("account/password/", accounts.password_change, name="password_change"),
    path("account/password/done/", accounts.password_change_done, name="password_change_done"),
    path("password-reset/", accounts.password_reset, name="password_reset"),
    path("password-reset/sent/", accounts.password_reset_done, name="password_reset_done"),
    path(
        "reset/<uidb64>/<token>/",
        accounts.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path("reset/done/", accounts.password_reset_complete, name="password_reset_complete"),
    path("invitations/<str:token>/", accounts.invitation_accept, name="invitation_accept"),
    path("organization/members/", accounts.members_page, name="members"),
    path("organization/access-log/", accounts.access_log_page, name="access_log"),
    path("seeds/", seeds.seed_list, name="seed_list"),
    path("seeds/new/", seeds.seed_create_page, name="seed_create"),
    path("seeds/export.csv", catalog.seed_export_csv, name="seed_export_csv"),
    path("seeds/export.json", catalog.seed_export_json, name="seed_export_json"),
    path("seeds/import/", imports.seed_import, name="seed_import"),
    path(
        "seeds/import/template.csv",
        imports.seed_import_template,
        name="seed_import_template",
    ),
    path("seeds/researchmap/", researchmap.researchmap_import_page, name="researchmap_import"),
    path("seeds/researchmap/<int:pk>/", researchmap.researchmap_review, name="researchmap_review"),
    path("seeds/researchmap/<int:pk>/bulk/", researchmap.researchmap_bulk, name="researchmap_bulk"),
    path(
        "seeds/researchmap/<int:pk>/report.csv",
        researchmap.researchmap_report_csv,
        name="researchmap_report_csv",
    ),
    path(
        "seeds/researchmap/<int:pk>/seeds/<int:imported_pk>/",
        researchmap.researchmap_difference,
        name="researchmap_difference",
    ),
    path("seeds/<int:pk>/", seeds.seed_edit, name="seed_edit"),
    path("seeds/<int:pk>/<str:action>/", seeds.seed_status, name="seed_status"),
    path("needs/", needs.need_list, name="need_list"),
    path("needs/new/", needs.need_create_page, name="need_create"),
    path("needs/export.csv", catalog.need_export_csv, name="need_export_csv"),
    path("needs/export.json", catalog.need_export_json, name="need_export_json"),
    path("needs/import/", imports.need_import, name="need_import"),
    path(
        "needs/import/template.csv",
        imports.need_import_template,
        name="need_import_template",
    ),
    path("needs/<int:pk>/", needs.need_edit, name="need_edit"),
    path("needs/<int:pk>/<str:action>/", needs.need_status, name="need_status"),
    path("imports/<int:pk>/", imports.import_job_page, name="import_job"),
    path("ventures/", ventures.venture_list, name="venture_list"),
    path("ventures/new/", ventures.venture_create_page, name="venture_create"),
    path("ventures/<int:pk>/", ventures.venture_edit, name="venture_edit"),
    path("investor/thesis/", investors.investor_thesis, name="investor_thesis"),
    path("organization/", organizations.org_profile, name="org_profile"),
    path("console/organizations/", organizations.console_orgs, name="console_orgs"),
    path("console/catalog/", catalog.console_catalog, name="console_catalog"),
    path(
        "console/catalog/export.json",
        catalog.console_catalog_export,
        name="console_catalog_export",
    ),
    path("readiness/", readiness.readiness_list_view, name="readiness_list"),
    path("readiness/edit/", readiness.readiness_edit_view, name="readiness_edit"),
    path("readiness/estimate/", readiness.readiness_estimate_view, name="readiness_estimate"),
    path("readiness/<int:org_id>/", readiness.readiness_detail_view, name="readiness_detail"),
]
