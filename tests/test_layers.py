"""The direction of imports (docs: architecture.md): projects' core never imports indicators
or reports; indicators may import projects; nothing in projects or indicators imports
reports. The project page's KPI and quarter blocks come from indicators' selectors, called
by the view."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Not core: the views and URLs (which call every app's selectors), the template context
# of the navigation, and the loaders that write other apps' rows by nature: the import of
# the old system's pages (KPIs and evaluations included) and the demo data.
NOT_CORE = {
    "projects/views.py",
    "projects/plan_views.py",
    "projects/project_views.py",
    "projects/urls.py",
    "projects/context_processors.py",
    "projects/imports/",
    "projects/demo/",
}


def core(relative: str) -> bool:
    return not any(relative == x or (x.endswith("/") and relative.startswith(x)) for x in NOT_CORE)


def imported_apps(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module.split(".")[0])
        elif isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
    return found


def modules(app: str):
    for path in sorted((ROOT / app).rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if "migrations" not in path.parts and "management" not in path.parts:
            yield relative, path


def test_projects_core_imports_neither_indicators_nor_reports():
    offenders = {
        relative: sorted(imported_apps(path) & {"indicators", "reports"})
        for relative, path in modules("projects")
        if core(relative) and imported_apps(path) & {"indicators", "reports"}
    }
    assert offenders == {}


def test_indicators_never_imports_reports():
    offenders = [
        relative for relative, path in modules("indicators") if "reports" in imported_apps(path)
    ]
    assert offenders == []
