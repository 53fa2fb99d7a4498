"""Pages of the matching app, one module per concept (dashboards, search, proposals,
partnerships, deal flow, KPIs, console); routes in matching/urls.py."""
