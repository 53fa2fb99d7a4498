"""Reads of the profiles app, already scoped to the caller; one module per area:
`catalog` (organisations, seeds, needs, investors, ventures) and `readiness`."""
