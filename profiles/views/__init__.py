"""Pages of the profiles app, one module per concept (public, seeds, needs, imports, ventures,
investors, organizations, readiness); routes in profiles/urls.py."""
