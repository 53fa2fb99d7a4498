"""Every route of the matching app: its pages (landing, dashboards, search, proposals, a
need's matching, unmet needs, partnerships, deal flow, KPIs, the coordinator console), and its
API under api/."""

from django.urls import include, path

from matching.api import admin as admin_api
from matching.api import deal_flow as deal_flow_api
from matching.api import kpi as kpi_api
from matching.api import partnerships as partnership_api
from matching.api import proposals as proposal_api
from matching.api import search as search_api
from matching.views import (
    console,
    coverage,
    dashboards,
    deal_flow,
    engagement,
    investors,
    kpi,
    outcomes,
    partnerships,
    proposals,
    search,
    seed_page,
)

api_urlpatterns = [
    path("proposals/", proposal_api.ProposalListView.as_view(), name="matching-api-proposals"),
    path(
        "proposals/<int:pk>/",
        proposal_api.ProposalDetailView.as_view(),
        name="matching-api-proposal",
    ),
    path(
        "proposals/<int:pk>/respond/",
        proposal_api.ProposalRespondView.as_view(),
        name="matching-api-proposal-respond",
    ),
    path(
        "proposals/<int:pk>/outcome/",
        proposal_api.ProposalOutcomeView.as_view(),
        name="matching-api-proposal-outcome",
    ),
    path(
        "proposals/<int:pk>/introduction/",
        proposal_api.ProposalIntroductionView.as_view(),
        name="matching-api-proposal-introduction",
    ),
    path(
        "partnerships/",
        partnership_api.PartnershipListView.as_view(),
        name="matching-api-partnerships",
    ),
    path(
        "partnerships/<int:pk>/",
        partnership_api.PartnershipDetailView.as_view(),
        name="matching-api-partnership",
    ),
    path(
        "partnerships/<int:pk>/respond/",
        partnership_api.PartnershipRespondView.as_view(),
        name="matching-api-partnership-respond",
    ),
    path(
        "partnerships/<int:pk>/outcome/",
        partnership_api.PartnershipOutcomeView.as_view(),
        name="matching-api-partnership-outcome",
    ),
    path("search/seeds/", search_api.SeedSearchView.as_view(), name="matching-api-search-seeds"),
    path("deal-flow/", deal_flow_api.DealFlowView.as_view(), name="matching-api-deal-flow"),
    path(
        "deal-flow/<int:pk>/outcome/",
        deal_flow_api.DealFlowOutcomeView.as_view(),
        name="matching-api-deal-flow-outcome",
    ),
    path("kpi/", kpi_api.KpiView.as_view(), name="api_kpi"),
    path(
        "admin/review/", admin_api.AdminReviewQueueView.as_view(), name="matching-api-admin-review"
    ),
    path(
        "admin/review/partnerships/",
        admin_api.AdminPartnershipQueueView.as_view(),
        name="matching-api-admin-review-partnerships",
    ),
    path(
        "admin/proposals/<int:pk>/approve/",
        admin_api.AdminProposalReviewView.as_view(review_action="approve"),
        name="matching-api-admin-proposal-approve",
    ),
    path(
        "admin/proposals/<int:pk>/suppress/",
        admin_api.AdminProposalReviewView.as_view(review_action="suppress"),
        name="matching-api-admin-proposal-suppress",
    ),
    path(
        "admin/partnerships/<int:pk>/approve/",
        admin_api.AdminPartnershipReviewView.as_view(review_action="approve"),
        name="matching-api-admin-partnership-approve",
    ),
    path(
        "admin/partnerships/<int:pk>/suppress/",
        admin_api.AdminPartnershipReviewView.as_view(review_action="suppress"),
        name="matching-api-admin-partnership-suppress",
    ),
    path("admin/metrics/", admin_api.AdminMetricsView.as_view(), name="matching-api-admin-metrics"),
    path(
        "admin/match-runs/",
        admin_api.AdminMatchRunListView.as_view(),
        name="matching-api-match-runs",
    ),
    path(
        "admin/match-runs/<int:pk>/",
        admin_api.AdminMatchRunDetailView.as_view(),
        name="matching-api-match-run",
    ),
]

urlpatterns = [
    path("api/", include(api_urlpatterns)),
    path("", dashboards.landing, name="landing"),
    path("dashboard/", dashboards.dashboard, name="dashboard"),
    path("search/", search.partner_search, name="partner_search"),
    # The public seed page (not under seeds/<pk>/…, which is the IP office's own editor).
    path("research-seeds/<int:pk>/", seed_page.seed_page, name="seed_page"),
    path("research-seeds/<int:pk>/interest/", seed_page.seed_interest, name="seed_interest"),
    path("research-seeds/<int:pk>/watch/", engagement.seed_watch, name="seed_watch"),
    path("saved-searches/", engagement.saved_searches, name="saved_searches"),
    path("watchlist/", engagement.watchlist, name="watchlist"),
    path("deal-flow/<int:pk>/interest/", investors.investor_interest, name="investor_interest"),
    path(
        "investor-introductions/",
        investors.investor_introduction_list,
        name="investor_introduction_list",
    ),
    path(
        "investor-introductions/<int:pk>/",
        investors.investor_introduction,
        name="investor_introduction",
    ),
    path(
        "investor-introductions/<int:pk>/withdraw/",
        investors.investor_withdraw,
        name="investor_withdraw",
    ),
    path("ventures/<int:pk>/investors/", investors.venture_investors, name="venture_investors"),
    path("investments/", investors.investments, name="investments"),
    path("outcomes/", outcomes.outcome_list, name="outcome_list"),
    path("outcomes/<int:pk>/<str:action>/", outcomes.outcome_action, name="outcome_action"),
    # Not under needs/<pk>/…: profiles routes needs/<pk>/<action>/ to the need's status actions.
    path("matches/needs/<int:pk>/", coverage.need_matches, name="need_matches"),
    path("unmet-needs/", coverage.unmet_needs, name="unmet_needs"),
    path("proposals/", proposals.proposal_inbox, name="proposal_inbox"),
    path("proposals/<int:pk>/", proposals.proposal_detail, name="proposal_detail"),
    path("proposals/<int:pk>/introduction/", proposals.introduction, name="introduction"),
    path("partnerships/", partnerships.partnership_list, name="partnership_list"),
    path("partnerships/<int:pk>/", partnerships.partnership_detail, name="partnership_detail"),
    path("deal-flow/", deal_flow.deal_flow, name="deal_flow"),
    path("kpi/", kpi.kpi_dashboard_view, name="kpi_dashboard"),
    path("kpi/export.csv", kpi.kpi_csv_view, name="kpi_csv"),
    path("console/", console.console_queue, name="console_queue"),
    path("console/quality/", console.console_quality, name="console_quality"),
    path("console/uncovered/", coverage.console_uncovered, name="console_uncovered"),
    path("console/rebuild/", console.console_rebuild, name="console_rebuild"),
    path("console/health/", console.console_health, name="console_health"),
    path("console/outcomes/", outcomes.console_outcomes, name="console_outcomes"),
]
