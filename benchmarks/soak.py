#!/usr/bin/env python
"""Soak test: the app as production runs it, 20 simulated people at once, for 10 minutes.

    .venv/bin/python benchmarks/soak.py                 # 10 minutes (make soak)
    .venv/bin/python benchmarks/soak.py --minutes 1     # shorter
    SOAK_DB=postgres://postgres@127.0.0.1:5432/bma_soak .venv/bin/python benchmarks/soak.py

Everything stays on loopback and stops by itself: gunicorn (DJANGO_ENV=production, 2
workers x 4 threads) on 127.0.0.1:--port and one django-tasks-db worker, against a
PostgreSQL database of its own (default bma_soak: dropped and made anew, so its name must
contain "soak"), filled with the demo data, generated projects and a few agencies whose
staff report. Then --users threads (default 20: 8 agency staff, 4 evaluators, 4 managers,
4 staff of other agencies) log in through the login form and, with a short pause between
steps, read project pages, lists, searches, the dashboard, the evaluation screen and the
reports page; staff submit monthly reports through the real form (CSRF token from the
page, steps ticked, a narrative that names the user and the save), managers order Excel
reports that the worker builds.

Checked at the end, and the exit status says whether all held:
  - no error: no 5xx, no 4xx that the step did not expect, no broken connection;
  - before the measured run, each kind of report is built once and each kind of page
    served (warm-up), so that one-time growth is not taken for a leak;
  - nothing lost or doubled: for every (project, month) a client saved, the database holds
    exactly one entry, with the narrative of the client's last save, and every narrative
    the client saved is in the entry's history; every report ordered exists once and is
    done once the worker has caught up;
  - memory flat: RSS of the gunicorn workers and of the task worker, sampled from /proc
    every few seconds (first, last and highest are printed); after the warm-up (the first
    tenth of the run, at least 15 s) the highest sample of the second half may exceed
    that of the first half by at most 10 % + 10 MiB.
"""

import argparse
import html.parser
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import prodserver  # noqa: E402
from benchmarks.webclient import WebClient  # noqa: E402

PASSWORD = "soak-password-2569"
SEED_CODE = "01000000-2462"


# --- setup ---------------------------------------------------------------------------------


def admin_connection(db: dict):
    """A connection to the "postgres" database of the server of ``db`` (Django's database
    settings), to drop and create ``db`` itself."""
    import psycopg

    return psycopg.connect(
        host=db["HOST"] or None,
        port=db["PORT"] or None,
        user=db["USER"] or None,
        password=db["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )


def recreate_database(url: str) -> None:
    from bmaprogress.env import database_from_url

    db = database_from_url(url)
    if db["ENGINE"] != "django.db.backends.postgresql":
        sys.exit("The soak test runs on PostgreSQL: give a postgres:// URL.")
    name = db["NAME"]
    if "soak" not in name:
        sys.exit(f"Refusing to drop {name!r}: the soak database's name must contain 'soak'.")
    with admin_connection(db) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'")


SETUP = r"""
import datetime as dt
import json
import sys
from decimal import Decimal

import django

django.setup()
from projects.models import Agency, Project, User
from tests.factories import (
    AgencyFactory, FiscalYearFactory, PlanStepFactory, ProjectFactory, UserFactory,
)

plan = json.loads(sys.argv[1])
year = FiscalYearFactory()
people = []
for n in range(plan["staff"]):
    agency = AgencyFactory(code=f"{8800 + n:04d}0000", name=f"หน่วยงานทดสอบความทนทานที่ {n + 1}")
    codes = []
    for k in range(plan["projects_per_staff"]):
        project = ProjectFactory(
            agency=agency, fiscal_year=year, code=f"{agency.code}-{k + 1:04d}",
            name=f"โครงการทดสอบความทนทาน หน่วยงาน {n + 1} ลำดับ {k + 1}",
        )
        for order in range(1, 11):
            start = year.starts_on + dt.timedelta(days=36 * (order - 1))
            PlanStepFactory(
                project=project, order=order, weight=Decimal(10), title=f"ขั้นตอนที่ {order}",
                starts_on=start, ends_on=start + dt.timedelta(days=35),
            )
        codes.append(project.code)
    UserFactory(username=f"soak-staff-{n + 1:02d}", agency=agency, password=plan["password"])
    people.append({"username": f"soak-staff-{n + 1:02d}", "role": "staff", "projects": codes})
others = list(Agency.objects.exclude(code__startswith="88").order_by("code")[:20])
for role, count in (("evaluator", plan["evaluators"]), ("manager", plan["managers"]),
                    ("reader", plan["readers"])):
    for n in range(count):
        username = f"soak-{role}-{n + 1:02d}"
        if role == "reader":
            UserFactory(username=username, agency=others[n % len(others)], password=plan["password"])
        else:
            UserFactory(username=username, password=plan["password"], **{role: True})
        people.append({"username": username, "role": role, "projects": []})
readable = list(
    Project.objects.filter(fiscal_year=year).order_by("?").values_list("code", flat=True)[:300]
)
print(json.dumps({
    "people": people,
    "readable": readable + [SEED],
    "year_be": year.year_be,
    "agencies": list(Agency.objects.order_by("?").values_list("code", flat=True)[:30]),
    "agency_pks": list(
        Agency.objects.filter(code__startswith="88").values_list("pk", flat=True)
    ),
    "fiscal_year_pk": year.pk,
}))
""".replace("SEED", repr(SEED_CODE))


def setup_data(env: dict, args) -> dict:
    started = time.monotonic()
    prodserver.manage(env, "migrate", "--noinput", "-v0")
    prodserver.manage(env, "demo")
    if args.generated:
        prodserver.manage(
            env,
            "generate_demo",
            "--projects",
            str(args.generated),
            "--agencies",
            "40",
            "--years",
            "2",
            timeout=1800,
        )
    roles = role_counts(args.users)
    plan = {"password": PASSWORD, "projects_per_staff": args.projects_per_staff, **roles}
    result = subprocess.run(
        [sys.executable, "-c", SETUP, json.dumps(plan)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode != 0:
        raise RuntimeError(f"setup failed:\n{result.stderr}")
    data = json.loads(result.stdout.strip().splitlines()[-1])
    prodserver.manage(env, "collectstatic", "--noinput", "-v0")
    data["setup_seconds"] = time.monotonic() - started
    return data


def role_counts(users: int) -> dict:
    staff = max(1, round(users * 0.4))
    rest = users - staff
    evaluators = rest // 3
    managers = rest // 3
    return {
        "staff": staff,
        "evaluators": evaluators,
        "managers": managers,
        "readers": rest - evaluators - managers,
    }


# --- the report form, as a browser would send it ------------------------------------------


class FormFields(html.parser.HTMLParser):
    """The fields of <form id=...> with the values a browser would send as they stand."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self.checkboxes: dict[str, list[str]] = defaultdict(list)
        self._select = None
        self._select_value = None
        self._first_option = None
        self._option_value = None
        self._textarea = None
        self._text = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == self.form_id:
            self.inside = True
            return
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind == "checkbox":
                self.checkboxes[name].append(attrs.get("value", "on"))
                if "checked" in attrs:
                    self.fields.append((name, attrs.get("value", "on")))
            elif kind == "radio":
                if "checked" in attrs:
                    self.fields.append((name, attrs.get("value", "on")))
            elif kind not in ("file", "submit", "button"):
                self.fields.append((name, attrs.get("value", "")))
        elif tag == "select" and name:
            self._select, self._select_value, self._first_option = name, None, None
        elif tag == "option" and self._select:
            value = attrs.get("value", "")
            if self._first_option is None:
                self._first_option = value
            if "selected" in attrs:
                self._select_value = value
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "select" and self._select:
            value = self._select_value if self._select_value is not None else self._first_option
            self.fields.append((self._select, value or ""))
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.fields.append((self._textarea, "".join(self._text)))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)


def report_form(page_html: str) -> FormFields:
    parser = FormFields("report-form")
    parser.feed(page_html)
    return parser


# --- simulated people ------------------------------------------------------------------


@dataclass
class Record:
    kind: str
    status: int
    seconds: float


@dataclass
class Shared:
    stop_at: float
    records: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    saves: dict = field(default_factory=lambda: defaultdict(list))  # (code, period) -> narratives
    jobs: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class Person(threading.Thread):
    def __init__(self, person: dict, data: dict, shared: Shared, port: int, seed: int):
        super().__init__(name=person["username"], daemon=True)
        self.person = person
        self.data = data
        self.shared = shared
        self.rng = random.Random(seed)
        self.client = WebClient("127.0.0.1", port, timeout=120)
        self.saves = 0
        self.ticks = dict.fromkeys(person["projects"], 0)

    # Each step: one or more requests; a status other than the expected one is an error.
    def call(self, kind, method, path, expect=200, **kwargs):
        try:
            if method == "GET":
                answer = self.client.get(path, headers=kwargs.get("headers"))
            else:
                answer = self.client.post(path, kwargs["fields"], referer=kwargs.get("referer"))
        except Exception as exc:  # a broken connection, a timeout
            with self.shared.lock:
                self.shared.errors.append(f"{self.name} {method} {path}: {exc!r}")
            return None
        with self.shared.lock:
            self.shared.records.append(Record(kind, answer.status, answer.seconds))
            if answer.status != expect:
                snippet = " ".join(answer.text.split())[:300]
                self.shared.errors.append(
                    f"{self.name} {method} {path}: {answer.status}, expected {expect}: {snippet}"
                )
        return answer if answer.status == expect else None

    def run(self):
        try:
            self.work()
        except Exception as exc:
            with self.shared.lock:
                self.shared.errors.append(f"{self.name} stopped: {exc!r}")

    def work(self):
        login = self.client.login(self.person["username"], PASSWORD)
        if login.status != 302:
            with self.shared.lock:
                self.shared.errors.append(f"{self.name} login: {login.status}")
            return
        steps = {
            "staff": [
                (self.report, 4),
                (self.own_project, 2),
                (self.my_agency, 1),
                (self.project_list, 1),
                (self.search, 1),
                (self.project, 1),
            ],
            "evaluator": [
                (self.evaluation, 3),
                (self.project, 3),
                (self.indicators, 1),
                (self.project_list, 1),
                (self.history_more, 1),
            ],
            "manager": [
                (self.dashboard, 3),
                (self.project, 2),
                (self.project_list, 1),
                (self.reports_page, 1),
                (self.order_report, 1),
                (self.print_view, 1),
            ],
            "reader": [
                (self.project_list, 2),
                (self.search, 2),
                (self.project, 3),
                (self.history_more, 1),
                (self.indicators, 1),
            ],
        }[self.person["role"]]
        actions, weights = zip(*steps, strict=True)
        if self.person["role"] == "manager":
            self.order_report()  # every run has reports for the worker to build
        relogin_at = time.monotonic() + self.rng.uniform(60, 180)
        while time.monotonic() < self.shared.stop_at:
            try:
                self.rng.choices(actions, weights)[0]()
                if time.monotonic() > relogin_at:
                    self.relogin()
                    relogin_at = time.monotonic() + self.rng.uniform(120, 240)
            except Exception as exc:  # a page without what the step needs: an error too
                with self.shared.lock:
                    self.shared.errors.append(f"{self.name}: {exc!r}")
            time.sleep(self.rng.uniform(0.2, 1.0))
        self.client.close()

    def relogin(self):
        page = self.call("page", "GET", "/projects/")
        if page is None:
            return
        self.call(
            "logout",
            "POST",
            "/accounts/logout/",
            302,
            fields={"csrfmiddlewaretoken": page.csrf_token()},
            referer="/projects/",
        )
        self.client.cookies.pop("sessionid", None)
        login = self.client.login(self.person["username"], PASSWORD)
        with self.shared.lock:
            self.shared.records.append(Record("login", login.status, login.seconds))
            if login.status != 302:
                self.shared.errors.append(f"{self.name} re-login: {login.status}")

    # --- reading
    def project(self):
        code = self.rng.choice(self.data["readable"])
        self.call("project", "GET", f"/projects/{code}/")

    def own_project(self):
        code = self.rng.choice(self.person["projects"])
        answer = self.call("project", "GET", f"/projects/{code}/")
        if answer is not None and self.saves:
            self.check_latest_shown(code, answer.text)

    def history_more(self):
        code = SEED_CODE
        self.call("htmx", "GET", f"/projects/{code}/?page=2", headers={"HX-Request": "true"})

    def project_list(self):
        page = self.rng.randint(1, 5)
        self.call("list", "GET", f"/projects/?page={page}")

    def search(self):
        term = self.rng.choice(["ทางเท้า", "ระบายน้ำ", "สภา", "ผู้สูงอายุ", "ทดสอบความทนทาน", "8801"])
        self.call(
            "search", "GET", "/projects/?" + urlencode({"q": term}), headers={"HX-Request": "true"}
        )

    def my_agency(self):
        self.call("page", "GET", "/projects/my-agency/")

    def indicators(self):
        self.call("page", "GET", "/indicators/")

    def dashboard(self):
        query = self.rng.choice(
            ["", "?status=behind", f"?agency={self.rng.choice(self.data['agencies'])}"]
        )
        self.call("dashboard", "GET", f"/dashboard/{query}")

    def evaluation(self):
        first = self.call("page", "GET", "/evaluation/", 302)
        if first is not None:
            target = urlsplit(first.header("Location") or "/evaluation/")
            self.call(
                "evaluation", "GET", target.path + (f"?{target.query}" if target.query else "")
            )

    def reports_page(self):
        self.call("page", "GET", "/reports/")

    def print_view(self):
        code = self.rng.choice(self.data["readable"])
        self.call("print", "GET", f"/projects/{code}/print/")

    # --- writing
    def report(self):
        code = self.rng.choice(self.person["projects"])
        path = f"/projects/{code}/report/"
        page = self.call("report-form", "GET", path)
        if page is None:
            return
        form = report_form(page.text)
        fields = [(k, v) for k, v in form.fields if k not in ("completed_steps", "narrative")]
        steps = form.checkboxes.get("completed_steps", [])
        self.ticks[code] = min(len(steps), self.ticks[code] + 1)
        self.saves += 1
        narrative = f"soak {self.name} save {self.saves} of {code}: ดำเนินการตามแผน"
        fields += [("completed_steps", value) for value in steps[: self.ticks[code]]]
        fields += [("narrative", narrative)]
        period = dict(form.fields).get("period")
        saved = self.call("report", "POST", path, 302, fields=fields, referer=path)
        if saved is not None:
            with self.shared.lock:
                self.shared.saves[(code, period)].append(narrative)
            self.last = (code, narrative)

    def check_latest_shown(self, code, text):
        last = getattr(self, "last", None)
        if last and last[0] == code and last[1] not in text:
            with self.shared.lock:
                self.shared.errors.append(f"{self.name}: {code} does not show its last save")

    def order_report(self):
        """At most one order a person every 90 s (a PDF of one agency, an Excel file of one
        agency or of the whole BMA); the reports page otherwise."""
        page = self.call("page", "GET", "/reports/")
        if page is None or time.monotonic() - getattr(self, "ordered_at", -1e9) < 90:
            return
        self.ordered_at = time.monotonic()
        kind, file_format = self.rng.choice(
            [("agency", "pdf"), ("agency", "xlsx"), ("bma", "xlsx")]
        )
        fields = {
            "csrfmiddlewaretoken": page.csrf_token(),
            "kind": kind,
            "format": file_format,
            "fiscal_year": self.data["fiscal_year_pk"],
            "quarter": "",
            "agency": self.rng.choice(self.data["agency_pks"]) if kind == "agency" else "",
        }
        answer = self.call("order", "POST", "/reports/", 302, fields=fields, referer="/reports/")
        if answer is not None:
            location = answer.header("Location") or ""
            job = location.rsplit("#job-", 1)[-1]
            with self.shared.lock:
                self.shared.jobs.append(int(job))
            self.call("htmx", "GET", f"/reports/jobs/{job}/", headers={"HX-Request": "true"})


# --- after the run: what the database holds ------------------------------------------------

VERIFY = r"""
import json
import sys

import django

django.setup()
from projects.models import ProgressEntry
from reports.models import ReportJob

saves = json.loads(sys.stdin.read())
problems = []
for item in saves["entries"]:
    code, period, narratives = item["code"], item["period"], item["narratives"]
    entries = list(ProgressEntry.objects.filter(project__code=code, period=period))
    if len(entries) != 1:
        problems.append(f"{code} {period}: {len(entries)} entries")
        continue
    entry = entries[0]
    if entry.narrative != narratives[-1]:
        problems.append(f"{code} {period}: holds {entry.narrative!r}, last saved {narratives[-1]!r}")
    history = set(entry.history.values_list("narrative", flat=True))
    lost = [n for n in narratives if n not in history]
    if lost:
        problems.append(f"{code} {period}: {len(lost)} saves missing from the history")
jobs = saves["jobs"]
found = dict(ReportJob.objects.filter(pk__in=jobs).values_list("pk", "status"))
missing = sorted(set(jobs) - set(found))
if missing:
    problems.append(f"report jobs missing: {missing}")
if len(jobs) != len(set(jobs)):
    problems.append("a report job was answered twice")
pending = sorted(pk for pk, status in found.items() if status != "done")
print(json.dumps({"problems": problems, "pending_jobs": pending,
                  "statuses": sorted(set(found.values()))}))
"""


def verify(env: dict, shared: Shared) -> dict:
    payload = {
        "entries": [
            {"code": code, "period": period, "narratives": narratives}
            for (code, period), narratives in shared.saves.items()
        ],
        "jobs": shared.jobs,
    }
    result = subprocess.run(
        [sys.executable, "-c", VERIFY],
        cwd=ROOT,
        env=env,
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode != 0:
        raise RuntimeError(f"verification failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- memory ------------------------------------------------------------------------------------


class MemorySampler(threading.Thread):
    def __init__(self, web_pid: int, worker_pid: int, every: float):
        super().__init__(daemon=True)
        self.web_pid, self.worker_pid, self.every = web_pid, worker_pid, every
        self.samples: list[dict] = []
        self.running = True
        self.started = time.monotonic()

    def sample(self):
        workers = {pid: prodserver.rss_kb(pid) for pid in prodserver.children(self.web_pid)}
        self.samples.append(
            {
                "t": round(time.monotonic() - self.started, 1),
                "master": prodserver.rss_kb(self.web_pid),
                "web_workers": {str(pid): kb for pid, kb in workers.items() if kb},
                "web_total": sum(kb for kb in workers.values() if kb),
                "task_worker": prodserver.rss_kb(self.worker_pid),
            }
        )

    def run(self):
        self.started = time.monotonic()
        while self.running:
            self.sample()
            time.sleep(self.every)

    def stop(self):
        self.running = False
        self.sample()


def memory_report(samples: list[dict]) -> dict:
    """first (after warm-up) / last / max in MiB, and whether each stayed flat. The warm-up
    (imports, fonts, the first PDF: one-time growth) is the first tenth of the run, at
    least 15 s."""
    duration = samples[-1]["t"] if samples else 0
    warm_up = max(15.0, duration / 10)
    warm = [s for s in samples if s["t"] >= warm_up] or samples[-1:]
    report = {}
    worker_pids = sorted({pid for s in warm for pid in s["web_workers"]})
    series = {
        "web_total": [s["web_total"] for s in warm],
        "task_worker": [s["task_worker"] for s in warm if s["task_worker"]],
    }
    for pid in worker_pids:
        series[f"web_worker_{pid}"] = [
            s["web_workers"][pid] for s in warm if pid in s["web_workers"]
        ]
    for name, values in series.items():
        if not values:
            continue
        first, last, peak = values[0] / 1024, values[-1] / 1024, max(values) / 1024
        # A worker's RSS goes up and down with the job in hand: compare the highest point
        # of the second half with that of the first, rather than two single samples.
        half = max(1, len(values) // 2)
        early, late = max(values[:half]) / 1024, max(values[half:] or values[-1:]) / 1024
        report[name] = {
            "first_mib": round(first, 1),
            "last_mib": round(last, 1),
            "max_mib": round(peak, 1),
            "max_first_half_mib": round(early, 1),
            "max_second_half_mib": round(late, 1),
            "flat": late <= early * 1.1 + 10,
        }
    return report


def timeline(samples: list[dict], points: int = 11) -> list[dict]:
    """A few samples spread over the run, in MiB, for the printout."""
    if not samples:
        return []
    step = max(1, (len(samples) - 1) // (points - 1))
    chosen = samples[::step]
    if chosen[-1] is not samples[-1]:
        chosen.append(samples[-1])
    return [
        {
            "t": s["t"],
            "web_total_mib": round(s["web_total"] / 1024, 1),
            "task_worker_mib": round((s["task_worker"] or 0) / 1024, 1),
        }
        for s in chosen
    ]


# --- main ------------------------------------------------------------------------------------


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def summary(shared: Shared) -> dict:
    by_kind = defaultdict(list)
    for record in shared.records:
        by_kind[record.kind].append(record.seconds)
    statuses = Counter(record.status for record in shared.records)
    return {
        "requests": len(shared.records),
        "statuses": dict(sorted(statuses.items())),
        "by_kind": {
            kind: {
                "count": len(times),
                "p50_ms": round(statistics.median(times) * 1000),
                "p95_ms": round(percentile(times, 0.95) * 1000),
                "max_ms": round(max(times) * 1000),
            }
            for kind, times in sorted(by_kind.items())
        },
    }


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
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
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


def print_results(results: dict) -> None:
    print(
        f"\n{results['users']} users, {results['load_seconds']} s: {results['requests']} requests "
        f"({results['requests'] / results['load_seconds']:.1f}/s), statuses {results['statuses']}"
    )
    print(f"{'step':<14}{'count':>7}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    for kind, row in results["by_kind"].items():
        print(f"{kind:<14}{row['count']:>7}{row['p50_ms']:>9}{row['p95_ms']:>9}{row['max_ms']:>9}")
    print(
        f"saves {results['saves']} over {results['entries_checked']} (project, month) pairs; "
        f"report jobs ordered {results['report_jobs']}, not done {len(results['jobs_not_done'])}"
    )
    print(f"errors: {len(results['errors'])}")
    for error in results["errors"][:20]:
        print("  ", error)
    print(f"data problems: {len(results['data_problems'])}")
    for problem in results["data_problems"][:20]:
        print("  ", problem)
    print(f"memory ({results['memory_samples']} samples; after warm-up):")
    for name, row in results["memory"].items():
        print(
            f"  {name:<22} first {row['first_mib']:>7} MiB  last {row['last_mib']:>7} MiB  "
            f"max {row['max_mib']:>7} MiB (halves {row['max_first_half_mib']} / "
            f"{row['max_second_half_mib']})  {'flat' if row['flat'] else 'GROWING'}"
        )
    print("  over time (s: web workers / task worker, MiB):")
    print(
        "   "
        + "  ".join(
            f"{row['t']:.0f}: {row['web_total_mib']}/{row['task_worker_mib']}"
            for row in results["memory_timeline"]
        )
    )
    print("OK" if results["ok"] else "FAILED")


if __name__ == "__main__":
    sys.exit(main())
