"""
Keep the query planner's statistics up to date on SQLite. PostgreSQL's autovacuum gathers
them by itself; SQLite never does, and without them it plans a tag or author page, or a
story's related links, as a walk over every published story instead of down an index.
"""

from django.db import DEFAULT_DB_ALIAS, connections

# ANALYZE reads every row of every index (0: no limit). A sample of the first rows of an
# index (`PRAGMA analysis_limit`) says every status, tag or author holds about as many
# rows as the sample: at 200,000 stories "published" then looked as selective as a tag,
# and a topic or author page walked every published story (1.3 s instead of 1 ms). The
# whole of it takes about a second at 200,000 stories.
ANALYSIS_LIMIT = 0


def refresh_planner_statistics(using=DEFAULT_DB_ALIAS):
    """Gather the planner's statistics on an SQLite database; return whether there was anything to do."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA analysis_limit = {ANALYSIS_LIMIT}")
        cursor.execute("ANALYZE")
    return True
