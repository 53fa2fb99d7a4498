"""Django admin of the profiles app, one module per area."""

from . import audit, catalog, jobs, readiness, researchmap  # noqa: F401
