"""Speed of the printed reports (issue 5), on this machine.

    .venv/bin/python benchmarks/pdf_bench.py             # throw-away SQLite database
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bma_bench .venv/bin/python benchmarks/pdf_bench.py

1. The seed project's PDF (fixtures/seed.json, "พิมพ์ข้อมูล" of 01000000-2462): median
   time of data + HTML + PDF after warm-up. Target: at most 1.0 s.
2. An agency report of 100 projects (each like the seed: 12 monthly entries with the
   seed's narratives, 10 dated steps, a KPI, quarter scores) as a background job run by
   real `manage.py db_worker` processes, timed from the order to the finished file: one
   worker, then two. Target: at most 60 s with one worker, faster with two.

The database is created, migrated and filled here; with DATABASE_URL it must be a
database of your own (its tables are flushed first). Nothing else is touched.
"""

import argparse
import datetime as dt
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEED_CODE = "01000000-2462"
BENCH_AGENCY = "09990000"


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bmaprogress.settings")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    import django

    django.setup()


def prepare_database(projects: int) -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("flush", verbosity=0, interactive=False)
    seed = ROOT / "fixtures" / "seed.json"
    if not seed.exists():
        sys.exit(f"{seed} is missing: the benchmark prints the seed project")
    call_command("loaddata", str(seed), verbosity=0)
    make_agency_projects(projects)


def make_agency_projects(count: int) -> None:
    """``count`` projects of one agency, each with the seed project's texts and entries, and
    plan steps spread over the fiscal year so the planned curve is drawn."""
    from indicators.models import Indicator
    from projects.models import Agency, Project

    seed = Project.objects.get(code=SEED_CODE)
    agency = Agency.objects.create(code=BENCH_AGENCY, name="สำนักทดสอบความเร็วรายงาน")
    indicator = Indicator.objects.create(
        code="0999-001",
        label="อ.9/9",
        name="ระดับความสำเร็จของการจัดทำรายงานทดสอบ",
        kind=Indicator.Kind.STRATEGIC,
        result_level=Indicator.ResultLevel.OUTPUT,
        target_level=5,
        achieved_level=3,
    )
    projects = Project.objects.bulk_create(
        Project(
            code=f"{BENCH_AGENCY}-{n:04d}",
            name=f"{seed.name} (ชุดทดสอบที่ {n})",
            agency=agency,
            fiscal_year=seed.fiscal_year,
            responsible=seed.responsible,
            rationale=seed.rationale,
            budget_code=seed.budget_code,
            organisation_code=seed.organisation_code,
            targets=seed.targets,
        )
        for n in range(1, count + 1)
    )
    _fill_like_the_seed(projects, seed)
    indicator.projects.add(*projects)


def _fill_like_the_seed(projects, seed) -> None:
    """Ten dated steps each, and the seed's entries, objectives, strategy links; a score."""
    from indicators.models import QuarterEvaluation
    from projects import thaidates
    from projects.models import PlanStep, ProgressEntry, ProjectObjective, StrategyLink

    entries = list(seed.entries.order_by("reported_on"))
    objectives = list(seed.objectives.all())
    links = list(seed.strategy_links.all())
    months = thaidates.fiscal_months(seed.fiscal_year.year_be)
    steps, rows, objs, strategy, scores = [], [], [], [], []
    for project in projects:
        for order in range(1, 11):
            first = months[order - 1]
            steps.append(
                PlanStep(
                    project=project,
                    order=order,
                    title=f"ขั้นตอนที่ {order} ของการดำเนินโครงการ",
                    weight=Decimal(10),
                    starts_on=first,
                    ends_on=thaidates.add_months(first, 2) - dt.timedelta(days=1),
                )
            )
        for entry in entries:
            rows.append(
                ProgressEntry(
                    project=project,
                    reported_on=entry.reported_on,
                    period=entry.period,
                    percent=entry.percent,
                    narrative=entry.narrative,
                    problems=entry.problems,
                    obstacles=entry.obstacles,
                )
            )
        objs += [ProjectObjective(project=project, order=o.order, text=o.text) for o in objectives]
        strategy += [StrategyLink(project=project, order=s.order, text=s.text) for s in links]
        scores.append(
            QuarterEvaluation(
                project=project,
                quarter=1,
                result_value=Decimal(15),
                criterion_21=Decimal(100),
                criterion_22=Decimal(100),
                project_score=Decimal(100),
            )
        )
    PlanStep.objects.bulk_create(steps)
    ProgressEntry.objects.bulk_create(rows)
    ProjectObjective.objects.bulk_create(objs)
    StrategyLink.objects.bulk_create(strategy)
    QuarterEvaluation.objects.bulk_create(scores)


def bench_project_pdf(rounds: int, warmup: int) -> None:
    from pypdf import PdfReader

    from reports import render, selectors

    def once() -> bytes:
        report = selectors.project_report_for_code(SEED_CODE)
        return render.project_pdf(report)

    for _ in range(warmup):
        data = once()
    times, cpu = [], []
    for _ in range(rounds):
        start, start_cpu = time.perf_counter(), time.process_time()
        data = once()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    pages = len(PdfReader(__import__("io").BytesIO(data)).pages)
    median = statistics.median(times)
    print(
        f"seed project PDF ({SEED_CODE}, {pages} pages, {len(data) // 1024} KB): "
        f"median {median:.3f} s, min {min(times):.3f} s, max {max(times):.3f} s "
        f"(CPU median {statistics.median(cpu):.3f} s) "
        f"over {rounds} runs after {warmup} warm-up  [target <= 1.0 s: "
        f"{'OK' if median <= 1.0 else 'MISSED'}]"
    )


def bench_agency_report(workers: int, timeout: float) -> float:
    from django.db import connection

    from projects.models import Agency
    from reports import services
    from reports.models import ReportJob

    agency = Agency.objects.get(code=BENCH_AGENCY)
    year = agency.projects.first().fiscal_year
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    log_path = Path(tempfile.gettempdir()) / f"pdf_bench_worker_{os.getpid()}.log"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(log_path, "ab") as log:
        # Workers start first and idle, so their start-up is not counted.
        procs = [
            subprocess.Popen(
                [
                    sys.executable,
                    str(ROOT / "manage.py"),
                    "db_worker",
                    "--interval",
                    "0.1",
                    "--no-startup-delay",
                    # Other people's edits must not restart the worker in the middle of a part.
                    "--no-reload",
                    "--worker-id",
                    f"bench-{n}",
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=log,
            )
            for n in range(workers)
        ]
        try:
            time.sleep(4)
            load_before = os.getloadavg()[0]
            connection.close()
            start = time.perf_counter()
            job = services.report_job_request(
                requested_by=None,
                kind=ReportJob.Kind.AGENCY,
                fiscal_year=year,
                quarter=None,
                agency=agency,
                file_format=ReportJob.Format.PDF,
            )
            while True:
                job.refresh_from_db()
                if job.is_finished:
                    break
                if time.perf_counter() - start > timeout:
                    raise SystemExit(f"agency report not done after {timeout} s: {job.status}")
                time.sleep(0.1)
            elapsed = time.perf_counter() - start
        finally:
            for proc in procs:
                proc.terminate()
            for proc in procs:
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    if job.status != ReportJob.Status.DONE:
        raise SystemExit(f"agency report failed: {job.error}")
    projects = len(job.project_ids)
    timeline = task_timeline(job)
    print(
        f"agency report, {projects} projects, {job.page_count} pages, "
        f"{job.file.size // 1024} KB, {job.parts_total - 1} parts + join, "
        f"{workers} worker{'s' if workers > 1 else ''}: {elapsed:.1f} s "
        f"(workers' CPU {cpu:.1f} s, start-up included; load average before "
        f"{load_before:.1f})  [target <= 60 s with one worker]"
    )
    print(f"  {timeline}")
    return elapsed


def task_timeline(job) -> str:
    """Who rendered what, from django-tasks' own records: parts per worker, the span of
    the parts, the join."""
    from django_tasks_db.models import DBTaskResult

    tasks = [
        t
        for t in DBTaskResult.objects.filter(enqueued_at__gte=job.created_at)
        if t.args_kwargs.get("args", [None])[:1] == [job.pk] and t.started_at and t.finished_at
    ]
    parts = [t for t in tasks if t.task_path.endswith("build_report_part")]
    joins = [t for t in tasks if t.task_path.endswith("join_report")]
    if not parts or not joins:
        return "no task records"
    by_worker: dict[str, list[float]] = {}
    for t in parts:
        by_worker.setdefault(t.worker_ids[-1], []).append(
            (t.finished_at - t.started_at).total_seconds()
        )
    span = (max(t.finished_at for t in parts) - min(t.started_at for t in parts)).total_seconds()
    join = (joins[0].finished_at - joins[0].started_at).total_seconds()
    workers = ", ".join(
        f"{worker}: {len(times)} parts in {sum(times):.1f} s"
        for worker, times in sorted(by_worker.items())
    )
    return f"parts {span:.1f} s ({workers}); join and page numbers {join:.1f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--projects", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args()

    tmp = None
    database_url = os.environ.get("DATABASE_URL")
    if not database_url:
        tmp = tempfile.TemporaryDirectory(prefix="pdf_bench_")
        database_url = f"sqlite:///{tmp.name}/bench.sqlite3"
    media = tempfile.TemporaryDirectory(prefix="pdf_bench_media_")
    os.environ["DJANGO_MEDIA_ROOT"] = media.name
    setup_django(database_url)

    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(
        f"database: {engine}; cores: {os.cpu_count()}; part size: {settings.BMA_REPORT_PART_SIZE}"
    )
    prepare_database(args.projects)
    bench_project_pdf(args.rounds, args.warmup)
    times = {n: bench_agency_report(n, args.timeout) for n in args.workers}
    if 1 in times and 2 in times:
        print(f"two workers vs one: {times[1] / times[2]:.2f}x faster")
    media.cleanup()
    if tmp is not None:
        tmp.cleanup()


if __name__ == "__main__":
    main()
