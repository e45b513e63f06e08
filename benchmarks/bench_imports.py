"""Speed of the imports (issue 8), on this machine.

    .venv/bin/python benchmarks/bench_imports.py                     # throw-away SQLite file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bma_<you> .venv/bin/python benchmarks/bench_imports.py

1. Pages of today's system: ``--pages`` copies of the seed page (fixtures/pages/…), each
   with its own project code, written to a temporary folder and imported with
   ``manage.py import_bma_page`` (all files in one command, one transaction): a dry run,
   the first import (everything created), the same files again (nothing changes).
2. The annual-plan workbook: ``--rows`` data rows (one project row per nine step rows)
   for one agency and year, through the service ``services.plan_spreadsheet_import``: reading only,
   dry run, first import, the same file again, then export of the imported projects and
   the import of that export (nothing changes).

The database is migrated here; with DATABASE_URL it must be a database of your own (its
tables are flushed first). Nothing else is touched.
"""

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEED_PAGE = ROOT / "fixtures" / "pages" / "bma-project-page-01000000-2462.txt"
SEED_CODE = "01000000-2462"
AGENCY = "09990000"
YEAR = 2569


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bmaprogress.settings")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    import django

    django.setup()


def timed(label: str, action):
    start = time.perf_counter()
    result = action()
    seconds = time.perf_counter() - start
    print(f"  {label:<52} {seconds:8.2f} s", flush=True)
    return result, seconds


def bench_pages(count: int) -> None:
    from io import StringIO

    from django.core.management import call_command

    from projects.models import Project

    seed = SEED_PAGE.read_text(encoding="utf-8")
    print(f"{count} pages of today's system (manage.py import_bma_page, one command):")
    with tempfile.TemporaryDirectory() as folder:
        files = []
        for n in range(count):
            path = Path(folder) / f"page-{n:05d}.txt"
            path.write_text(seed.replace(SEED_CODE, f"01000000-{30000 + n}"), encoding="utf-8")
            files.append(str(path))
        size = sum(Path(f).stat().st_size for f in files) / 1024 / 1024
        print(f"  ({size:.1f} MB of pages)")

        def command(*extra):
            return lambda: call_command(
                "import_bma_page", *files, *extra, verbosity=0, stdout=StringIO()
            )

        timed("dry run (parse + compare, nothing written)", command("--dry-run"))
        timed("first import (all created)", command())
        assert Project.objects.filter(code__startswith="01000000-3").count() == count
        timed("same files again (nothing changes)", command())


def bench_workbook(rows: int) -> None:
    from projects.imports import services, workbook_read, workbook_write
    from projects.models import Agency, FiscalYear, Project, User

    agency, _ = Agency.objects.get_or_create(code=AGENCY, defaults={"name": "สำนักงานทดสอบความเร็ว"})
    year, _ = FiscalYear.objects.get_or_create(year_be=YEAR)
    user, _ = User.objects.get_or_create(username="bench-admin", defaults={"role": "admin"})
    projects = rows // 10
    steps_per = 9
    start = dt.date(2025, 10, 1)
    project_rows = [
        (
            f"{AGENCY}-{n}",
            f"โครงการทดสอบความเร็วที่ {n}",
            AGENCY,
            YEAR,
            "นางสาวทดสอบ ใจดี",
            "1234",
            "หลักการและเหตุผลของโครงการ\n" * 5,
            "09990800",
            "09990800",
            "1. เพื่อทดสอบ\n2. เพื่อวัดความเร็ว\n3. เพื่อความมั่นใจ",
            "-",
            "**** ภารกิจงานประจำของหน่วยงาน ****\nด้านที่ 5 มหานครประชาธิปไตย",
        )
        for n in range(1, projects + 1)
    ]
    weights = (10, 10, 10, 10, 20, 10, 10, 10, 10)
    step_rows = [
        (
            f"{AGENCY}-{n}",
            i,
            f"ขั้นตอนที่ {i} ของโครงการ {n}",
            weights[i - 1],
            start + dt.timedelta(days=30 * (i - 1)),
            start + dt.timedelta(days=30 * i - 1),
        )
        for n in range(1, projects + 1)
        for i in range(1, steps_per + 1)
    ]
    total = len(project_rows) + len(step_rows)
    print(
        f"Annual-plan workbook: {total} rows ({len(project_rows)} projects + {len(step_rows)} steps):"
    )
    data, _ = timed(
        "write the workbook (openpyxl)",
        lambda: workbook_write.build_workbook(projects=project_rows, steps=step_rows),
    )
    print(f"  ({len(data) / 1024:.0f} KB)")
    result, _ = timed(
        "read only (bounded read_only reader)",
        lambda: workbook_read.read(data, agency_code=AGENCY, fiscal_year_be=YEAR),
    )
    assert result.ok and len(result.steps) == len(step_rows), result.problems[:3]

    def run(payload, dry_run):
        return lambda: services.plan_spreadsheet_import(
            data=payload, agency=agency, fiscal_year=year, dry_run=dry_run, user=user
        )

    plan, _ = timed("dry run (preview)", run(data, True))
    assert plan.ok and plan.counts["created"] == projects * (1 + 3 + 2 + steps_per)
    plan, _ = timed("first import (all created)", run(data, False))
    assert plan.applied and Project.objects.filter(agency=agency).count() == projects
    plan, _ = timed("same file again (nothing changes)", run(data, False))
    assert plan.applied and not plan.has_changes
    exported, _ = timed(
        "export the agency's plan",
        lambda: workbook_write.export_workbook(agency=agency, fiscal_year=year),
    )
    plan, _ = timed("import the export (nothing changes)", run(exported, False))
    assert plan.applied and not plan.has_changes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--rows", type=int, default=5000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = os.environ.get("DATABASE_URL") or f"sqlite:///{folder}/bench.sqlite3"
        setup_django(url)
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0)
        call_command("flush", interactive=False, verbosity=0)
        print(f"Database: {connection.vendor} ({connection.settings_dict['NAME']})")
        if args.pages:
            bench_pages(args.pages)
        if args.rows:
            bench_workbook(args.rows)


if __name__ == "__main__":
    main()
