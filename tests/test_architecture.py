"""
The apps depend on each other one way only (see "Where things are" in the README),
and no app's modules import each other in a circle.
"""

import ast
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)

# What each app (or shared module) may import from the others. Tests and migrations
# are left out: tests put the apps together, and migrations are history.
ALLOWED = {
    "newsroom.views": set(),
    "newsroom.throttle": set(),
    "newsroom.cache": set(),
    "newsroom.clock": set(),
    "newsroom.outbound": set(),
    "newsroom.tasks": set(),
    "images": set(),
    "authors": {"images", "newsroom.views", "newsroom.cache"},
    "photos": {"authors", "images", "newsroom.tasks"},
    "articles": {"authors", "photos", "images", "newsroom.views", "newsroom.cache"},
    "editing": {"articles", "authors", "photos"},
    "search": {"articles", "authors", "newsroom.views", "newsroom.cache", "newsroom.clock"},
    "comments": {"articles", "newsroom.throttle", "newsroom.cache"},
    "pagecache": {"articles", "authors", "photos", "comments", "frontpage", "liveblog", "newsroom.cache"},
    "accounts": {"newsroom.throttle"},
    "demo": {"articles", "authors", "photos", "search"},
    "backups": {"articles", "search", "pagecache"},
    "redirects": {"articles"},
    "frontpage": {"articles", "newsroom.views"},
    "wires": {"articles", "authors", "photos", "newsroom.outbound", "newsroom.clock"},
    "liveblog": {"articles", "authors"},
    "api": {"articles", "authors", "photos", "newsroom.throttle", "newsroom.cache"},
    "webhooks": {"articles", "api", "newsroom.outbound", "newsroom.tasks"},
}
APPS = [name for name in ALLOWED if "." not in name]


def modules_of(app):
    """Yield (module name, path) for the app's own code: not its tests or migrations."""
    for path in sorted((ROOT / app).rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if "tests" in parts or "migrations" in parts:
            continue
        yield ".".join(parts[:-1] if parts[-1] == "__init__" else parts), path


def imported_modules(module, path):
    """Return the absolute names of every module `module` imports, at any depth of its code."""
    is_package = path.name == "__init__.py"
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                base = base[: len(base) - node.level + (1 if is_package else 0)]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module
            names.add(prefix)
            # `from . import workflow` names a module, `from .models import Article` a name in one.
            names.update(f"{prefix}.{alias.name}" for alias in node.names)
    return names


def owner(name):
    """Return the entry of ALLOWED that module `name` belongs to, or None for Django, libraries and the project."""
    for entry in sorted(ALLOWED, key=len, reverse=True):
        if name == entry or name.startswith(entry + "."):
            return entry
    return None


def test_the_map_covers_every_installed_app_of_ours():
    # The project package is installed only for its commands; its shared modules are listed one by one.
    ours = {app for app in settings.INSTALLED_APPS if (ROOT / app).is_dir()} - {"newsroom"}
    assert ours == set(APPS)


@pytest.mark.parametrize("app", APPS)
def test_app_imports_only_what_it_may(app):
    offenders = []
    for module, path in modules_of(app):
        for name in imported_modules(module, path):
            used = owner(name)
            if used not in (None, app) and used not in ALLOWED[app]:
                offenders.append(f"{module} imports {name}")
    assert offenders == []


def test_the_shared_project_views_import_no_app():
    path = ROOT / "newsroom" / "views.py"
    assert {owner(name) for name in imported_modules("newsroom.views", path)} <= {None, "newsroom.views"}


@pytest.mark.parametrize("app", APPS)
def test_no_import_cycle_between_an_apps_modules(app):
    modules = dict(modules_of(app))
    graph = {
        module: {name for name in imported_modules(module, path) if name in modules and name != module}
        for module, path in modules.items()
    }
    cycles = []

    def visit(module, trail):
        for name in sorted(graph[module]):
            if name in trail:
                cycles.append(" -> ".join([*trail[trail.index(name) :], name]))
            elif name not in done:
                visit(name, [*trail, name])
        done.add(module)

    done = set()
    for module in sorted(graph):
        if module not in done:
            visit(module, [module])
    assert cycles == []
