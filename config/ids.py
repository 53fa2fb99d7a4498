"""Primary keys typed by callers (a form's hidden field, a URL, a query parameter).

Every table's key is a PostgreSQL bigint: a number beyond `PK_MAX` cannot exist, so it is a 404
(or a form error), never a database error (the driver refuses to send it).
"""

from __future__ import annotations

PK_MAX = 2**63 - 1


def posted_pk(value) -> int:
    """`value` (a str from request.GET / request.POST, or None) as a primary key, or 0 when it
    is not one (blank, not a number, ≤ 0, beyond bigint): `get_object_or_404(…, pk=0)` is then
    a 404 like any unknown id."""
    try:
        number = int(value or "")
    except (TypeError, ValueError):
        return 0
    return number if 0 < number <= PK_MAX else 0
