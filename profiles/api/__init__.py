"""The profiles API (mounted under /api/, routes in profiles/urls.py): one module per concept
(organisations, members, seeds, needs, investors, ventures, CSV, readiness), with the shared
fields, filters and viewset plumbing in `base`."""
