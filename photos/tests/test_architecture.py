"""Dependencies run one way: between apps, and between the modules of one app."""

import ast
from graphlib import CycleError, TopologicalSorter
from importlib import import_module
from pathlib import Path

import pytest

# What each package's own code must never import. Articles use authors and
# photos, and photos point at authors' models; authors and photos reach stories
# through reverse relations. images is the bottom layer both apps share.
FORBIDDEN = {
    "authors": {"photos", "articles"},
    "photos": {"articles"},
    "images": {"authors", "photos", "articles"},
}


def modules(package):
    """
    Return {dotted name: path} for the package's modules, migrations included.
    Tests are left out: they are where apps meet (author pages are tested with
    real stories), and nothing in the apps imports them.
    """
    directory = Path(import_module(package).__file__).parent
    found = {}
    for path in sorted(directory.rglob("*.py")):
        parts = path.relative_to(directory.parent).with_suffix("").parts
        if "tests" in parts:
            continue
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    assert found, f"no modules found in {package}"
    return found


def imports(name, path):
    """
    Return the dotted names a module imports anywhere in it, a function body
    included; relative imports are made absolute, and `from a import b` gives
    both `a` and `a.b`, since `b` may be a module.
    """
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


@pytest.mark.parametrize(("package", "forbidden"), FORBIDDEN.items(), ids=FORBIDDEN.keys())
def test_package_imports_nothing_from_the_apps_above_it(package, forbidden):
    offenders = sorted(
        f"{name}: {imported}"
        for name, path in modules(package).items()
        for imported in imports(name, path)
        if imported.split(".")[0] in forbidden
    )
    assert offenders == []


@pytest.mark.parametrize("package", FORBIDDEN.keys())
def test_no_import_cycle_between_modules_of_one_package(package):
    """Fail on a loop such as models importing renditions that import models, even through a function-level import."""
    found = modules(package)
    graph = {name: (imports(name, path) & found.keys()) - {name} for name, path in found.items()}
    try:
        TopologicalSorter(graph).prepare()
    except CycleError as error:
        pytest.fail(f"import cycle: {' -> '.join(error.args[1])}")
