"""The matching API (mounted under /api/, routes in matching/urls.py): one module per concept.

    GET  proposals/                      my organisation's proposals (?status=&need=&seed=)
    GET  proposals/<id>/                 one proposal
    POST proposals/<id>/respond/         {decision, reason, comment}
    POST proposals/<id>/outcome/         {agreement_type, amount_yen, duration_years, …}
    GET  proposals/<id>/introduction/    contacts + confidential details (the two parties only)
    GET  partnerships/                   organisation-to-organisation partnership proposals
    GET  partnerships/<id>/              with the seed–need links behind it
    POST partnerships/<id>/respond/, partnerships/<id>/outcome/
    GET  search/seeds/?q=&field=&region=&trl_min=&trl_max=&mode=&limit=
    GET  deal-flow/                      ventures ranked for my investor profile
    POST deal-flow/<id>/outcome/         an investment in the venture of that match
    GET  kpi/?fiscal_year=               national KPIs with the platform's contribution (public)
    GET  admin/review/                   proposals waiting for review (coordinators only)
    GET  admin/review/partnerships/
    POST admin/proposals/<id>/approve/, admin/proposals/<id>/suppress/  {note}
    POST admin/partnerships/<id>/approve/, admin/partnerships/<id>/suppress/
    GET  admin/metrics/                  live-feedback metrics (matching.services.metrics)
    GET/POST admin/match-runs/, GET admin/match-runs/<id>/   full rematch and its progress

Every view reads through `matching.selectors` (already scoped to the caller) and writes through
one service of `matching.services.proposals`; a row outside the caller's scope is a 404, bad
input a 400 naming the field (config/api_errors.py turns a service's ValidationError into one).
"""
