"""Writes of the profiles app (services named <noun>_<verb>); one module per area:
`organizations` (registration, approval, members), `catalog` (seeds, needs, investors,
ventures), `imports` (catalog JSON and CSV), `readiness` (readiness profiles, price estimator)."""
