"""Organisations, members and roles, seeds, needs, investors, ventures, readiness."""
