import ast
from pathlib import Path

import photos


def test_photos_imports_nothing_from_articles():
    """Articles use photos, never the other way round; photos reach stories through `photo.articles`."""
    offenders = []
    for path in Path(photos.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {name}" for name in names if name.split(".")[0] == "articles"]
    assert offenders == []
