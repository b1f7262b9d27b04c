from django.tasks import task

from .backends import compact_index, index_needs_compacting


@task
def compact_search_index():
    """Merge SQLite's full-text index into one segment, if it still needs it; return how many steps it took."""
    return compact_index() if index_needs_compacting() else 0
