"""Django admin: readiness."""
