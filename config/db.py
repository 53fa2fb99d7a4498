"""Database housekeeping the application asks for itself.

`analyze(*models)`: refresh PostgreSQL's planner statistics of these tables now. After a bulk
write (an import of thousands of seeds, the vectors of a fan-out) the statistics describe the
tables as they were, and the planner picks plans for a table ten times smaller: issue 12 saw
queries go from milliseconds to seconds until the next ANALYZE. Autovacuum gets there in
its own time (and not at all where it is switched off); the bulk paths call this at once. A
sampled ANALYZE of a table of 100k rows takes tens of milliseconds. Does nothing on other
databases (SQLite plans without such statistics).
"""

from __future__ import annotations

import logging

from django.db import DatabaseError, connection, transaction

logger = logging.getLogger(__name__)


def analyze(*models) -> bool:
    """ANALYZE the tables of `models` on PostgreSQL; False when nothing was done."""
    if connection.vendor != "postgresql" or not models:
        return False
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models)
    try:  # in a savepoint: a failure must not break the caller's transaction
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {tables}")
    except DatabaseError:  # statistics are an optimisation: never fail the caller for them
        logger.warning("ANALYZE %s failed", tables, exc_info=True)
        return False
    return True
