"""
Keep the query planner's statistics up to date on SQLite. PostgreSQL's autovacuum gathers
them by itself; SQLite never does, and without them it plans a tag or author page, or a
story's related links, as a walk over every published story instead of down an index.
"""

from django.db import DEFAULT_DB_ALIAS, connections

# Rows ANALYZE samples per index: enough for good plans, and seconds at most at any size.
SAMPLED_ROWS = 2000


def refresh_planner_statistics(using=DEFAULT_DB_ALIAS):
    """Gather the planner's statistics on an SQLite database; return whether there was anything to do."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA analysis_limit = {SAMPLED_ROWS}")
        cursor.execute("ANALYZE")
    return True
