"""The layout of docs/architecture.md that a test can see (issue 13, must-have 4).

- No modules of the project import each other in a loop: projects/, indicators/,
  reports/, bmaprogress/, imports inside functions included.
- The core imports no importer, no demo loader, nothing of ``indicators`` or ``reports``,
  and no cache or session module (CORE and NOT_IN_CORE below).
- The importers' package keeps to the size rule: no module over 600 lines, no function
  over 80.

What another branch of issue 13 (i13-infra) is removing is listed in KNOWN_* with the
reason; each entry must still be found, so that it is deleted from here once it is gone.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("projects", "indicators", "reports", "bmaprogress")

# The core: models, services, selectors and the rule modules (permissions included). Views, forms, URLs, the
# importers (projects/imports/), the demo loaders (projects/demo/), the page cache and
# sessions, tasks and commands are not core: they may import the core, never the reverse.
CORE = (
    "projects/models.py",
    "projects/services.py",
    "projects/selectors.py",
    "projects/progress.py",
    "projects/thaidates.py",
    "projects/reporting.py",
    "projects/months.py",
    "projects/progress_sql.py",
    "projects/locking.py",
    "projects/permissions.py",
)
NOT_IN_CORE = (
    "projects.imports",
    "projects.demo",
    "indicators",
    "reports",
    # caches and sessions
    "projects.pagecache",
    "projects.revisions",  # the page cache's revision tokens
    "projects.sessions",
    "django.core.cache",
    "django.contrib.sessions",
    "redis",
)
KNOWN_CORE_IMPORTS = {
    ("projects/models.py", "django.contrib.sessions"): "i13-infra: Django's session engines",
    ("projects/models.py", "projects.sessions"): "i13-infra: Django's session engines",
    ("projects/services.py", "projects.revisions"): "i13-infra: projects.signals.rows_written",
}
KNOWN_LOOPS = {
    (
        "projects.models",
        "projects.pagecache",
        "projects.permissions",
        "projects.revisions",
        "projects.sessions",
    ): "i13-infra removes projects/sessions.py and projects/revisions.py",
    ("reports.services", "reports.tasks"): (
        "the report services queue the tasks that call them back (imports inside functions)"
    ),
}
SIZED = "projects/imports"
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 80


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


def imported_names(path: Path, package: str) -> set[str]:
    """Every module name ``path`` imports, at the top or inside a function; for
    ``from a import b`` both ``a`` and ``a.b`` (b may be a module)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, *([node.module] if node.module else [])])
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def module_graph() -> dict[str, set[str]]:
    found = modules()
    graph = {}
    for name, path in found.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        graph[name] = {
            other for other in imported_names(path, package) if other in found and other != name
        }
    return graph


def loops(graph: dict[str, set[str]]) -> list[tuple[str, ...]]:
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
                found.append(tuple(sorted(component)))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def test_the_loop_finder_finds_a_loop():
    assert loops({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [("a", "b", "c")]


def test_the_import_finder_sees_every_form(tmp_path):
    source = tmp_path / "sample.py"
    source.write_text(
        "import os\nfrom projects.imports import services\nfrom . import models\n"
        "def f():\n    from projects import demo\n",
        encoding="utf-8",
    )
    assert imported_names(source, "projects") == {
        "os",
        "projects.imports",
        "projects.imports.services",
        "projects",
        "projects.models",
        "projects.demo",
    }


def test_no_modules_import_each_other_in_a_loop():
    found = loops(module_graph())
    assert set(found) - set(KNOWN_LOOPS) == set(), "modules that import each other"
    assert set(KNOWN_LOOPS) - set(found) == set(), "gone: remove them from KNOWN_LOOPS"


def test_the_core_imports_no_importer_demo_other_app_cache_or_session():
    found = set()
    for relative in CORE:
        path = ROOT / relative
        package = ".".join(Path(relative).parent.parts)
        for name in imported_names(path, package):
            for forbidden in NOT_IN_CORE:
                if name == forbidden or name.startswith(forbidden + "."):
                    found.add((relative, forbidden))
    assert found - set(KNOWN_CORE_IMPORTS) == set(), "the core imports these"
    assert set(KNOWN_CORE_IMPORTS) - found == set(), "gone: remove them from KNOWN_CORE_IMPORTS"


def test_the_importers_keep_to_the_size_rule():
    too_big = []
    for path in sorted((ROOT / SIZED).rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        text = path.read_text(encoding="utf-8")
        if len(text.splitlines()) > MAX_MODULE_LINES:
            too_big.append(f"{relative}: {len(text.splitlines())} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    too_big.append(f"{relative}:{node.lineno} {node.name}: {length} lines")
    assert too_big == []
