"""The soak run: set up, warm up, 20 people for the minutes asked, then the checks."""

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

from benchmarks import prodserver
from benchmarks.soak.checks import (
    MemorySampler,
    memory_report,
    print_results,
    summary,
    timeline,
    verify,
)
from benchmarks.soak.people import Person, Shared
from benchmarks.soak.prepare import PASSWORD, SEED_CODE, recreate_database, setup_data
from benchmarks.webclient import WebClient


def warm_up(port: int, data: dict, shared: Shared) -> float:
    """Before the measured run: every kind of report built once and every kind of page
    served, so that one-time growth (imports, fonts, the whole-BMA workbook's high-water
    mark) is not taken for a leak. Returns the seconds it took."""
    started = time.monotonic()
    manager = next(p for p in data["people"] if p["role"] == "manager")
    client = WebClient("127.0.0.1", port, timeout=120)
    if client.login(manager["username"], PASSWORD).status != 302:
        raise RuntimeError("warm-up: the manager cannot log in")
    jobs = []
    for kind, file_format in (("agency", "pdf"), ("agency", "xlsx"), ("bma", "xlsx")):
        page = client.get("/reports/")
        answer = client.post(
            "/reports/",
            {
                "csrfmiddlewaretoken": page.csrf_token(),
                "kind": kind,
                "format": file_format,
                "fiscal_year": data["fiscal_year_pk"],
                "quarter": "",
                "agency": data["agency_pks"][0] if kind == "agency" else "",
            },
            referer="/reports/",
        )
        if answer.status != 302:
            raise RuntimeError(f"warm-up: ordering a report answered {answer.status}")
        jobs.append(int((answer.header("Location") or "").rsplit("#job-", 1)[-1]))
    for path in (
        "/projects/",
        f"/projects/{SEED_CODE}/",
        "/dashboard/",
        "/indicators/",
        f"/projects/{SEED_CODE}/print/",
        "/reports/",
    ):
        client.get(path)
    deadline = time.monotonic() + 300
    for job in jobs:
        while (
            f"/reports/jobs/{job}/download/"
            not in client.get(f"/reports/jobs/{job}/", headers={"HX-Request": "true"}).text
        ):
            if time.monotonic() > deadline:
                raise RuntimeError(f"warm-up: report {job} not built in 5 minutes")
            time.sleep(1)
    client.close()
    shared.jobs.extend(jobs)
    return time.monotonic() - started


def run_load(env: dict, data: dict, args, web_log, worker_log) -> dict:
    """gunicorn and the worker up, the people at work until the time is over, then the
    checks; both processes are stopped whatever happens."""
    web = prodserver.start_gunicorn(
        env, args.port, workers=args.workers, threads=args.threads, log=web_log
    )
    worker = prodserver.start_worker(env, log=worker_log)
    sampler = MemorySampler(web.pid, worker.pid, args.sample_every)
    results = {}
    try:
        shared = Shared(stop_at=0)
        warm_seconds = warm_up(args.port, data, shared)
        print(f"warm-up: {warm_seconds:.0f} s (each kind of report built once)", flush=True)
        sampler.start()
        shared.stop_at = time.monotonic() + args.minutes * 60
        people = [
            Person(person, data, shared, args.port, seed=n)
            for n, person in enumerate(data["people"])
        ]
        started = time.monotonic()
        for person in people:
            person.start()
            time.sleep(0.05)
        print(f"{len(people)} people for {args.minutes:g} min …", flush=True)
        for person in people:
            person.join(timeout=args.minutes * 60 + 300)
        load_seconds = time.monotonic() - started
        # Let the worker catch up with the reports ordered last.
        deadline = time.monotonic() + 180
        while True:
            checked = verify(env, shared)
            if not checked["pending_jobs"] or time.monotonic() > deadline:
                break
            time.sleep(2)
        sampler.stop()
        results = {
            "minutes": args.minutes,
            "users": len(people),
            "load_seconds": round(load_seconds, 1),
            **summary(shared),
            "saves": sum(len(v) for v in shared.saves.values()),
            "entries_checked": len(shared.saves),
            "report_jobs": len(shared.jobs),
            "errors": shared.errors,
            "data_problems": checked["problems"],
            "jobs_not_done": checked["pending_jobs"],
            "warm_up_seconds": round(warm_seconds, 1),
            "memory": memory_report(sampler.samples),
            "memory_samples": len(sampler.samples),
            "memory_timeline": timeline(sampler.samples),
            "worker_alive": worker.poll() is None,
            "web_alive": web.poll() is None,
        }
    finally:
        sampler.running = False
        prodserver.stop(web)
        prodserver.stop(worker)
    return results


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.soak",
        description="Soak test: the app as production runs it, 20 simulated people at once.",
    )
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--port", type=int, default=8119)
    parser.add_argument(
        "--database",
        default=os.environ.get("SOAK_DB", "postgres://postgres@127.0.0.1:5432/bma_soak"),
    )
    parser.add_argument(
        "--generated",
        type=int,
        default=2000,
        help="generated projects (manage.py generate_demo), 0 for none",
    )
    parser.add_argument("--projects-per-staff", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--sample-every", type=float, default=5.0)
    parser.add_argument("--json", type=Path, help="write the results here too")
    args = parser.parse_args(argv)
    if args.minutes <= 0 or args.minutes > 60:
        parser.error("--minutes must be in (0, 60]")

    recreate_database(args.database)
    workdir = Path(tempfile.mkdtemp(prefix="bma-soak-"))
    env = prodserver.production_env(args.database, workdir=workdir)
    print(f"setting up {args.database} in {workdir} …", flush=True)
    data = setup_data(env, args)
    print(f"setup: {data['setup_seconds']:.0f} s, {len(data['people'])} people", flush=True)

    with (
        open(workdir / "gunicorn.log", "w") as web_log,
        open(workdir / "worker.log", "w") as worker_log,
    ):
        results = run_load(env, data, args, web_log, worker_log)

    ok = (
        not results["errors"]
        and not results["data_problems"]
        and not results["jobs_not_done"]
        and all(item["flat"] for item in results["memory"].values())
        and results["worker_alive"]
        and results["web_alive"]
    )
    results["ok"] = ok
    print_results(results)
    print(f"logs: {workdir}")
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2))
    return 0 if ok else 1
