"""Writes and orchestration of the matcher; one module per area (embedding, refresh, search,
evaluation, proposals, metrics)."""
