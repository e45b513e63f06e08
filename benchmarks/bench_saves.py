"""Report saves at the deadline: N agency staff on N different projects save their monthly
report through the real form at the same moment, round after round.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bma_scale [REDIS_URL=redis://…] \\
        .venv/bin/python benchmarks/bench_saves.py [--staff 50] [--rounds 10]

gunicorn with the production settings on loopback (benchmarks/prodserver.py; 5 sync
workers, as benchmarks/bench_web.py) over the scale data of `make bench`
(`generate_demo --projects 20000`).

Setup (not measured): N staff users (bench-staff-01…, each of the agency that owns their
project) on N projects of the current fiscal year, from as many agencies as there are,
that have no report of this month yet; those agencies report directly (no approval by the
head, issue 15), so that each save writes the month's report as before. Each logs in through the login form and opens its
project page with this month in the report form (``?period=``).

Each round: all N post the form at once, as the page's htmx does (the CSRF token, the
hidden entry and version fields, the ticked steps, a narrative that names the person and
the round). The answer holds the form again, now editing the saved report with its new
version: that is the next round's form. Round 1 creates this month's report, the next
rounds edit it. The answers are read only once every save of the round is back, so the
client's parsing takes no CPU from the server while it works.

Printed: saves/s (the saves of all rounds over the rounds' wall time, each from the moment
all start to the last answer), latency p50 / p95 / max, errors (anything but the saved
answer). Then checked in the database: each project's month holds exactly one report, with
the last round's narrative; each round's narrative is in its history exactly once; the
reports of every other project are as they were (count, versions, last change).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import prodserver  # noqa: E402
from benchmarks.soak.people import report_form  # noqa: E402
from benchmarks.webclient import WebClient  # noqa: E402

PASSWORD = "bench-saves-2569"
SAVED = "บันทึกรายงานเดือน"  # the answer's message (projects/views.py, _report_saved)

SETUP = r"""
import json, sys
import django
django.setup()
from django.contrib.auth.hashers import make_password
from django.db.models import Count, Max, Sum
from django.utils import timezone
from projects import thaidates
from projects.models import Agency, FiscalYear, ProgressEntry, Project, User

wanted, password = int(sys.argv[1]), sys.argv[2]
today = timezone.localdate()
period = ProgressEntry.period_of(today)
year = FiscalYear.objects.get(year_be=thaidates.fiscal_year_of(today))
free = (
    Project.objects.filter(fiscal_year=year, steps__isnull=False)
    .exclude(entries__period=period)
    .distinct()
    .order_by("agency__code", "code")
    .values_list("code", "agency_id")
)
by_agency = {}
for code, agency_id in free:
    by_agency.setdefault(agency_id, []).append(code)
chosen = []  # one project an agency, round after round over the agencies
while len(chosen) < wanted and any(by_agency.values()):
    for agency_id, codes in by_agency.items():
        if codes and len(chosen) < wanted:
            chosen.append((codes.pop(0), agency_id))
if len(chosen) < wanted:
    sys.exit(f"only {len(chosen)} projects of {year} without a report of {period}")
# The chosen projects' agencies report directly (no head's approval, as agency 09000000 of
# the demo): a save writes the month's entry, as the figures before issue 15 measured.
Agency.objects.filter(pk__in={agency_id for _, agency_id in chosen}).update(
    reports_need_approval=False
)
hashed = make_password(password)  # once: PBKDF2 costs half a second
people = []
for n, (code, agency_id) in enumerate(chosen, start=1):
    username = f"bench-staff-{n:02d}"
    user, _ = User.objects.update_or_create(
        username=username,
        defaults={"role": User.Role.STAFF, "agency_id": agency_id, "is_active": True,
                  "first_name": f"เจ้าหน้าที่ทดสอบ {n}", "password": hashed},
    )
    people.append({"username": username, "code": code})
others = ProgressEntry.objects.exclude(project__code__in=[c for c, _ in chosen]).aggregate(
    count=Count("pk"), versions=Sum("version"), last=Max("updated_at"))
print(json.dumps({"people": people, "period": period.isoformat(), "year": year.year_be,
                  "others": {k: str(v) for k, v in others.items()}}))
"""

VERIFY = r"""
import json, sys
import django
django.setup()
from django.db.models import Count, Max, Sum
from projects.models import ProgressEntry

data = json.loads(sys.stdin.read())
problems = []
codes = [p["code"] for p in data["people"]]
for code, narratives in data["saved"].items():
    entries = list(ProgressEntry.objects.filter(project__code=code, period=data["period"]))
    if len(entries) != 1:
        problems.append(f"{code}: {len(entries)} reports of {data['period']}")
        continue
    entry = entries[0]
    if narratives and entry.narrative != narratives[-1]:
        problems.append(f"{code}: holds {entry.narrative!r}, last saved {narratives[-1]!r}")
    history = list(entry.history.values_list("narrative", flat=True))
    for narrative in narratives:
        if history.count(narrative) != 1:
            problems.append(f"{code}: {narrative!r} {history.count(narrative)} times in the history")
    if entry.version != len(narratives):
        problems.append(f"{code}: version {entry.version} after {len(narratives)} saves")
others = ProgressEntry.objects.exclude(project__code__in=codes).aggregate(
    count=Count("pk"), versions=Sum("version"), last=Max("updated_at"))
if {k: str(v) for k, v in others.items()} != data["others"]:
    problems.append(f"other projects' reports changed: {data['others']} -> {others}")
print(json.dumps({"problems": problems}))
"""


def django_script(env: dict, script: str, *args: str, stdin: str | None = None) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", script, *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode != 0:
        sys.exit(f"script failed:\n{result.stdout}\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


class Person:
    def __init__(self, username: str, code: str, port: int):
        self.username, self.code = username, code
        self.client = WebClient("127.0.0.1", port, timeout=120)
        self.form: list[tuple[str, str]] = []
        self.saved: list[str] = []

    @property
    def path(self) -> str:
        return f"/projects/{self.code}/"

    def open(self, period: str) -> None:
        """Log in and open the project page with ``period`` in the report form."""
        login = self.client.login(self.username, PASSWORD)
        if login.status != 302:
            raise RuntimeError(f"{self.username}: login answered {login.status}")
        page = self.client.get(f"{self.path}?period={period}")
        if page.status != 200:
            raise RuntimeError(f"{self.username}: {self.path} answered {page.status}")
        self.take_form(page.text)
        if dict(self.form).get("period") != period:
            raise RuntimeError(f"{self.username}: the form is not for {period}")

    def take_form(self, html: str) -> None:
        form = report_form(html)
        if not form.fields:
            raise RuntimeError(f"{self.username}: no report form in the answer")
        self.form = [(name, value) for name, value in form.fields if name != "narrative"]

    def save(self, narrative: str):
        """One save as htmx sends it from the project page; the answer, timed."""
        return self.client.post(
            f"{self.path}report/",
            [*self.form, ("narrative", narrative)],
            referer=self.path,
            headers={
                "HX-Request": "true",
                "HX-Target": "report-form-wrap",
                "HX-Current-URL": self.client.origin + self.path,
            },
        )


def problem_of(answer) -> str | None:
    if answer.status != 200:
        return f"HTTP {answer.status}"
    text = answer.text
    # The form's own part of the answer: the parts of the page sent out of band after it
    # may warn too (the S-curve's "behind schedule" is an alert--error).
    form_part = text.split('hx-swap-oob="true"', 1)[0]
    if "alert--error" in form_part or "field__error" in form_part:
        return "refused: " + " ".join(text.split())[:300]
    if SAVED not in text:
        return "no saved message"
    return None


def run_round(people: list[Person], number: int, run_id: str) -> tuple[float, list, list]:
    """All save at once; returns the round's wall time, the latencies and the problems."""
    start = threading.Barrier(len(people) + 1)
    answers: dict[int, object] = {}

    def one(index: int, person: Person):
        narrative = f"bench-saves {run_id} {person.username} รอบที่ {number}: ดำเนินการตามแผน"
        start.wait()
        try:
            answers[index] = (narrative, person.save(narrative))
        except Exception as exc:  # a broken connection, a timeout
            answers[index] = (narrative, exc)

    threads = [threading.Thread(target=one, args=item) for item in enumerate(people)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.monotonic()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - began
    latencies, problems = [], []
    for index, person in enumerate(people):
        narrative, answer = answers[index]
        if isinstance(answer, Exception):
            problems.append(f"{person.username} round {number}: {answer!r}")
            continue
        latencies.append(answer.seconds)
        problem = problem_of(answer)
        if problem:
            problems.append(f"{person.username} round {number}: {problem}")
            continue
        person.saved.append(narrative)
        person.take_form(answer.text)
    return wall, latencies, problems


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def _arguments():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--staff", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=5)
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    return parser.parse_args()


def _open_forms(people, period) -> None:
    # Logins cost PBKDF2 each: a few at a time.
    opening = [
        threading.Thread(target=lambda group: [p.open(period) for p in group], args=(people[i::5],))
        for i in range(5)
    ]
    for thread in opening:
        thread.start()
    for thread in opening:
        thread.join()
    if not all(person.form for person in people):
        sys.exit("a person has no form: see above")


def _rounds(people, rounds: int) -> tuple[list, list, list]:
    run_id = uuid.uuid4().hex[:8]
    walls, latencies, problems = [], [], []
    for number in range(1, rounds + 1):
        wall, times, trouble = run_round(people, number, run_id)
        walls.append(wall)
        latencies += times
        problems += trouble
        print(
            f"  round {number:2d}: {len(times) - len(trouble)} saved in {wall:6.3f} s, "
            f"slowest {max(times, default=0) * 1000:6.0f} ms, problems {len(trouble)}",
            flush=True,
        )
    return walls, latencies, problems


def main() -> None:
    args = _arguments()
    if "DATABASE_URL" not in os.environ:
        sys.exit("Set DATABASE_URL to the database with the scale data (bma_scale).")
    workdir = Path(tempfile.mkdtemp(prefix="bma-bench-saves-"))
    env = prodserver.production_env(os.environ["DATABASE_URL"], workdir=workdir)
    prodserver.manage(env, "collectstatic", "--noinput", "-v0")
    data = django_script(env, SETUP, str(args.staff), PASSWORD)
    port = args.port or prodserver.free_port()
    load_before = os.getloadavg()
    with open(workdir / "gunicorn.log", "w") as log:
        server = prodserver.start_gunicorn(
            env, port, workers=args.workers, worker_class="sync", log=log
        )
    try:
        people = [Person(p["username"], p["code"], port) for p in data["people"]]
        _open_forms(people, data["period"])
        walls, latencies, problems = _rounds(people, args.rounds)
    finally:
        prodserver.stop(server)
    load = (load_before[0], os.getloadavg()[0])
    checked = django_script(
        env,
        VERIFY,
        stdin=json.dumps(
            {
                "people": data["people"],
                "period": data["period"],
                "others": data["others"],
                "saved": {person.code: person.saved for person in people},
            }
        ),
    )
    _print_results(args, data, people, (walls, latencies, problems), checked, load)
    sys.exit(0 if not problems and not checked["problems"] else 1)


def _print_results(args, data, people, measured, checked, load) -> None:
    walls, latencies, problems = measured
    saves = sum(len(person.saved) for person in people)
    revision = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    print()
    print(
        f"revision {revision}; load average before {load[0]:.2f}, after {load[1]:.2f}; "
        f"{os.cpu_count()} CPUs; gunicorn {args.workers} sync workers, production settings; "
        f"cache: {'Redis ' + os.environ['REDIS_URL'] if os.environ.get('REDIS_URL') else 'per process'}"
    )
    print(
        f"{args.staff} staff on {args.staff} projects of {data['year']}, report of {data['period']}: "
        f"{args.rounds} rounds (round 1 creates, the others edit), all at once in each round"
    )
    header = f"{'saves':>6} {'saves/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} {'errors':>6}  exactly once"
    print(header)
    print("-" * len(header))
    rate = saves / sum(walls) if walls else 0
    p50 = statistics.median(latencies) * 1000 if latencies else 0
    p95 = percentile(latencies, 0.95) * 1000 if latencies else 0
    worst = max(latencies, default=0) * 1000
    exact = "yes" if not checked["problems"] else f"NO ({len(checked['problems'])} problems)"
    print(f"{saves:6d} {rate:8.1f} {p50:7.1f} {p95:7.1f} {worst:7.1f} {len(problems):6d}  {exact}")
    for line in (problems + checked["problems"])[:20]:
        print("  ", line)
    ok = not problems and not checked["problems"] and rate >= 100 and p95 < 500
    print(
        "targets (≥ 100 saves/s, p95 < 500 ms, 0 errors, exactly once):", "met" if ok else "MISSED"
    )


if __name__ == "__main__":
    main()
