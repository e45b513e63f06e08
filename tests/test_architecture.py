"""The structure of docs/architecture.md that a test can see (issue 13, must-have 4).

- No modules of the project import each other in a loop (projects/, indicators/,
  reports/ (its reports/api/ too), bmaprogress/, imports inside functions included).
- The core (models, services, selectors, rule modules) imports no importer, no demo
  loader, no cache and no session module; projects' core imports nothing of
  ``indicators`` or ``reports``, and nothing of ``indicators`` imports ``reports``.
- No module over 600 lines and no function over 80 (tests and migrations aside).

A known exception is listed with its reason and must still be found, so that it is deleted
from here once it is gone.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("projects", "indicators", "reports", "bmaprogress")
SIZED = (*PACKAGES, "benchmarks")
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 80

CACHES_AND_SESSIONS = (
    "projects.pagecache",
    "django.core.cache",
    "django.contrib.sessions",
    "redis",
)
# The core, and what each part of it never imports. Views, forms, URLs, the importers
# (projects/imports/), the demo loaders (projects/demo/), the page cache, tasks and
# commands are not core: they may import the core, never the reverse.
PROJECTS_CORE_NEVER = (
    "projects.imports",
    "projects.demo",
    "indicators",
    "reports",
    *CACHES_AND_SESSIONS,
)
CORE = {
    "projects/models/": PROJECTS_CORE_NEVER,
    "projects/services.py": PROJECTS_CORE_NEVER,
    "projects/selectors.py": PROJECTS_CORE_NEVER,
    "projects/progress.py": PROJECTS_CORE_NEVER,
    "projects/progress_sql.py": PROJECTS_CORE_NEVER,
    "projects/thaidates.py": PROJECTS_CORE_NEVER,
    "projects/reporting.py": PROJECTS_CORE_NEVER,
    "projects/months.py": PROJECTS_CORE_NEVER,
    "projects/rates.py": PROJECTS_CORE_NEVER,
    "projects/locking.py": PROJECTS_CORE_NEVER,
    "projects/entries.py": PROJECTS_CORE_NEVER,
    "projects/report_budget.py": PROJECTS_CORE_NEVER,
    "projects/disbursement.py": PROJECTS_CORE_NEVER,
    "projects/permissions.py": PROJECTS_CORE_NEVER,
    "projects/signals.py": PROJECTS_CORE_NEVER,
    "indicators/models.py": ("reports", *CACHES_AND_SESSIONS),
    "indicators/services.py": ("reports", *CACHES_AND_SESSIONS),
    "indicators/selectors.py": ("reports", *CACHES_AND_SESSIONS),
    "reports/selectors.py": ("reports.api", *CACHES_AND_SESSIONS),
    "reports/services.py": ("reports.api", *CACHES_AND_SESSIONS),
    # The API's own core: what rows a request reads, token writes (reports/api/).
    "reports/api/access.py": CACHES_AND_SESSIONS,
    "reports/api/services.py": CACHES_AND_SESSIONS,
    "reports/api/models.py": CACHES_AND_SESSIONS,
}
KNOWN_CORE_IMPORTS: dict[tuple[str, str], str] = {}
KNOWN_LOOPS = {
    ("reports.services", "reports.tasks"): (
        "the report services queue the tasks that call them back (imports inside functions)"
    ),
}


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


def package_of(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts if path.name == "__init__.py" else parts[:-1])


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
    return {
        name: {
            other
            for other in imported_names(path, package_of(path))
            if other in found and other != name
        }
        for name, path in found.items()
    }


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


def core_files():
    for part, never in CORE.items():
        paths = sorted((ROOT / part).rglob("*.py")) if part.endswith("/") else [ROOT / part]
        for path in paths:
            yield path, never


def test_the_core_list_names_what_exists():
    assert [part for part in CORE if not (ROOT / part).exists()] == []


def test_the_core_imports_no_importer_demo_other_app_cache_or_session():
    found = set()
    for path, never in core_files():
        relative = path.relative_to(ROOT).as_posix()
        for name in imported_names(path, package_of(path)):
            for forbidden in never:
                if name == forbidden or name.startswith(forbidden + "."):
                    found.add((relative, forbidden))
    assert found - set(KNOWN_CORE_IMPORTS) == set(), "the core imports these"
    assert set(KNOWN_CORE_IMPORTS) - found == set(), "gone: remove them from KNOWN_CORE_IMPORTS"


def test_nothing_of_indicators_imports_reports():
    offenders = [
        path.relative_to(ROOT).as_posix()
        for path in sorted((ROOT / "indicators").rglob("*.py"))
        if "migrations" not in path.parts
        and any(
            name == "reports" or name.startswith("reports.")
            for name in imported_names(path, package_of(path))
        )
    ]
    assert offenders == []


def test_no_module_over_600_lines_and_no_function_over_80():
    too_big = []
    for package in SIZED:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
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
