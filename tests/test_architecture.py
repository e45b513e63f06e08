"""The structure of docs/architecture.md that a test can see: the core (models, services,
selectors, rule modules) imports no cache and no session module, and no modules of the
project import each other in a loop."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bmaprogress", "projects", "indicators", "reports")
CORE = (
    "projects/models.py",
    "projects/services.py",
    "projects/selectors.py",
    "projects/reporting.py",
    "projects/permissions.py",
    "projects/progress.py",
    "projects/thaidates.py",
    "projects/signals.py",
    "indicators/models.py",
    "indicators/services.py",
    "indicators/selectors.py",
    "reports/selectors.py",
    "reports/services.py",
)
NOT_IN_CORE = ("django.core.cache", "django.contrib.sessions", "projects.pagecache", "redis")
# A loop of lazy imports (inside functions) that predates this test: the report services
# queue the tasks that call them back. Remove it from here when it is gone.
KNOWN_LOOPS = [["reports.services", "reports.tasks"]]


def imports_of(path: Path) -> set[str]:
    """Every module ``path`` imports, at the top or inside a function."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_the_core_imports_no_cache_and_no_sessions():
    for name in CORE:
        found = [
            imported
            for imported in imports_of(ROOT / name)
            if imported.startswith(NOT_IN_CORE) or imported.endswith((".cache", ".pagecache"))
        ]
        assert not found, f"{name} imports {found}"


def module_graph() -> dict[str, set[str]]:
    modules = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            modules[name.removesuffix(".__init__")] = path
    return {
        name: {other for other in imports_of(path) if other in modules and other != name}
        for name, path in modules.items()
    }


def loops(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                other = stack.pop()
                on_stack.discard(other)
                component.append(other)
                if other == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def test_no_modules_import_each_other_in_a_loop():
    assert loops(module_graph()) == KNOWN_LOOPS


def test_the_loop_finder_finds_a_loop():
    assert loops({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
