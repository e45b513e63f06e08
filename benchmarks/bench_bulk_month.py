"""Speed of a month's reports in one workbook (issue 18 item 3), on this machine.

    .venv/bin/python benchmarks/bench_bulk_month.py                  # throw-away SQLite file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bma_<you> .venv/bin/python benchmarks/bench_bulk_month.py

``--projects`` projects (default 200) of one agency, each with a plan of five steps and
last month's report (half of them with a budget), February 2026 reported on 5 March
2026: the workbook is built and filled with openpyxl (not timed: the person's part), then
read (the upload), previewed, and confirmed through the report form's services, with the
queries of each counted. Target: upload + preview + confirm under 10 s for 200 projects.
``--approval`` does it for an agency whose reports need the head's approval (drafts sent).

The database is migrated here; with DATABASE_URL it must be a database of your own (its
tables are flushed first). Nothing else is touched.
"""

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TODAY = dt.date(2026, 3, 5)
FEBRUARY = dt.date(2026, 2, 1)
JANUARY = dt.date(2026, 1, 1)
# This process's CPU seconds per step: on a shared machine (2 CPUs, many processes) the
# wall time measures the neighbours too; with SQLite (in-process) the CPU time is what the
# wall time would be on an idle machine.
CPU: list[float] = []


def timed(label: str, action):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        start, cpu = time.perf_counter(), time.process_time()
        result = action()
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(
        f"  {label:<40} {seconds:8.2f} s wall {cpu:8.2f} s CPU {len(queries):7d} queries",
        flush=True,
    )
    CPU.append(cpu)
    return result, seconds


def make_world(count: int, approval: bool):
    from projects.models import (
        Agency,
        BudgetType,
        FiscalYear,
        PlanStep,
        ProgressEntry,
        Project,
        User,
    )

    kind = BudgetType.objects.get_or_create(name="งบดำเนินงาน")[0]
    year = FiscalYear.objects.get_or_create(year_be=2569)[0]
    agency = Agency.objects.create(
        code="09980000", name="สำนักงานทดสอบความเร็ว", reports_need_approval=approval
    )
    user = User.objects.create_user("bench-bulk", password="x", agency=agency, role="staff")
    projects = Project.objects.bulk_create(
        Project(
            agency=agency,
            fiscal_year=year,
            code=f"09980000-{n:04d}",
            name=f"โครงการทดสอบความเร็วที่ {n}",
            budget_allocated=Decimal("1000000.00") if n % 2 else None,
            budget_type=kind if n % 2 else None,
        )
        for n in range(count)
    )
    PlanStep.objects.bulk_create(
        PlanStep(project=p, order=o, title=f"ขั้นตอนที่ {o}", weight=Decimal(20),
                 starts_on=dt.date(2025, 10, 1), ends_on=dt.date(2026, 9, 30))
        for p in projects for o in range(1, 6)
    )  # fmt: skip
    steps = {}
    for step in PlanStep.objects.filter(order=1):
        steps[step.project_id] = step.pk
    ProgressEntry.objects.bulk_create(
        ProgressEntry(project=p, period=JANUARY, reported_on=dt.date(2026, 2, 3),
                      percent=Decimal(20), completed_steps=[steps[p.pk]], narrative="มกราคม",
                      committed=Decimal(1000) if p.budget_allocated else None)
        for p in projects
    )  # fmt: skip
    return agency, user, projects


def run(count: int, approval: bool) -> float:
    from projects.imports import month_data, month_import, month_read, month_write
    from projects.models import ProgressEntry, ReportSubmission
    from tests.bulk_month import fill

    agency, user, projects = make_world(count, approval)
    print(f"{count} projects, reports need approval: {approval}")
    rows, _ = timed(
        "read the month's projects",
        lambda: month_data.month_projects(agency, FEBRUARY, today=TODAY),
    )
    data, _ = timed("write the workbook", lambda: month_write.month_workbook(
        agency=agency, period=FEBRUARY, rows=rows, today=TODAY))  # fmt: skip
    values = {
        p.code: {"step:2": "✓", "step:3": 50, "narrative": f"กุมภาพันธ์ {p.code}",
                 **({"committed": 2000, "disbursed": 500} if p.budget_allocated else {})}
        for p in projects
    }  # fmt: skip
    filled = fill(data, values)
    print(f"  workbook: {len(data) / 1024:,.0f} KB, filled {len(filled) / 1024:,.0f} KB")

    def preview(read, dry_run):
        return month_import.month_report_import(
            read=read, agency=agency, period=FEBRUARY, user=user, today=TODAY,
            dry_run=dry_run, submit=approval,
        )  # fmt: skip

    read, upload = timed("upload: read the file", lambda: month_read.read(filled))
    result, shown = timed("preview", lambda: preview(read, True))
    assert not result.errors, result.errors[:5]
    result, saved = timed("confirm (save every row)", lambda: preview(read, False))
    assert result.applied, result.errors[:5]
    written = (ReportSubmission if approval else ProgressEntry).objects.filter(period=FEBRUARY)
    assert written.count() == count
    total = upload + shown + saved
    cpu = sum(CPU[-3:])
    print(
        f"  {'upload + preview + confirm':<40} {total:8.2f} s wall {cpu:8.2f} s CPU (target < 10 s)"
    )
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=200)
    parser.add_argument("--approval", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = os.environ.get("DATABASE_URL") or f"sqlite:///{folder}/bench.sqlite3"
        from benchmarks.bench_imports import setup_django

        setup_django(url)
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        call_command("flush", interactive=False, verbosity=0)
        print(f"load average before: {os.getloadavg()[0]:.2f} (CPUs: {os.cpu_count()})")
        run(args.projects, args.approval)
        print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
