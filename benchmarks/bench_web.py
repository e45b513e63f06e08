"""Web benchmark of BMA Progress: gunicorn with the production settings on loopback, wrk as
the load generator, the scale data of `manage.py generate_demo --projects 20000`.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bma_scale REDIS_URL=redis://127.0.0.1:6379/2 \\
        .venv/bin/python benchmarks/bench_web.py [--duration 20] [--connections 20]

With the page cache on (the default), a project page or list page kept by any worker
costs no rendering (REDIS_URL: one cache for all workers; without it each worker keeps its
own); --no-page-cache measures rendering every view. One after the other on the same
server, each after its warm-up: a bare Django view (the baseline, through the same
middleware), the same view reading the reader's session and user (bare_reader), the project
page, the projects list, the search (the list with ?q=), the dashboard and the dashboard
drilled down to an agency, and the JSON API's project list (/api/v1/projects/, 50
projects a page with their steps, objectives, strategy links, KPI codes and budget: pages of
a year followed by their cursors, and each agency's projects of the year, with a personal
API token); requests/s and latency
percentiles come from wrk's own counters (benchmarks/bench_wrk.lua). Pages are requested as
a logged-in manager. One background worker (manage.py db_worker) runs beside gunicorn, as in
production: the dashboard's numbers are refreshed there.
"""

import argparse
import json
import os
import random
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks"
VENV_BIN = Path(sys.executable).parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import prodserver  # noqa: E402

# Partial Thai words a person would type: a theme word, part of a district's name (also an
# agency), a word of the narratives, a code fragment, a word of an agency's name.
SEARCH_TERMS = ("ทางเท้า", "ป้อมปราบ", "ไฟฟ้าแสงสว่าง", "ผู้สูงอายุ", "5012", "ระบายน้ำ")
TARGETS = {  # scenario: p95 limit in ms at the given concurrency
    "project": 100,
    "list": 100,
    "search": 100,
    "dashboard": 300,
    "drilldown": 300,
    "api": 100,
}
PROJECT_SHARE_OF_BARE = 0.20


def environment(args) -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_ENV="production",
        DJANGO_SETTINGS_MODULE="bench_settings",
        DJANGO_SECRET_KEY=env.get("DJANGO_SECRET_KEY", secrets.token_urlsafe(50)),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_LOG_LEVEL="WARNING",
        # The API's per-token limit (api/throttles.py) is still checked on every request,
        # but set far above what wrk sends.
        BMA_API_RATE_TOKEN="1000000/second",
        BENCH_STATIC_ROOT=args.static_root,
        # 0: no page kept (projects/pagecache.py), every view rendered.
        BMA_PAGE_CACHE_SECONDS="300" if args.page_cache else "0",
        # The dashboard's numbers are fresh for 60 s in production: with 20-s rounds right
        # after a 20-s warm-up, they would hardly ever be refreshed while measured. At 30 s
        # every round meets a refresh of each (reports/kept_numbers.py), twice as often as
        # on a server.
        BMA_DASHBOARD_CACHE_SECONDS=str(args.dashboard_seconds),
        PYTHONPATH=os.pathsep.join([str(BENCH), str(ROOT), env.get("PYTHONPATH", "")]),
    )
    if "DATABASE_URL" not in env:
        sys.exit("Set DATABASE_URL to the database with the scale data (bma_scale).")
    return env


# Run by prepare() in a Django process of the benchmark's settings: logs a manager in, makes
# the API token, and prints what the scenarios need as one JSON line.
PREPARE_SCRIPT = r"""
import json, random, sys
from django.conf import settings
from django.test import Client
from projects import thaidates
from projects.models import FiscalYear, Project, User
from projects.search import search_projects
from django.utils import timezone
from urllib.parse import urlsplit
from reports.api import services as api_services

user, _ = User.objects.get_or_create(
    username="bench-manager", defaults={"role": User.Role.MANAGER, "first_name": "ผู้บริหาร"}
)
user.set_unusable_password(); user.role = User.Role.MANAGER; user.save()
client = Client()
client.force_login(user)  # a session as a login makes it
current = thaidates.fiscal_year_of(timezone.localdate())
years = list(FiscalYear.objects.filter(year_be__in=[current, current - 1]))
codes = list(Project.objects.filter(fiscal_year__in=years).values_list("code", flat=True))
rng = random.Random(6)
terms = json.loads(sys.argv[1])
user.api_tokens.filter(name="bench").delete()
_token, key = api_services.api_token_create(user=user, name="bench", expires_on=None)
api_client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Token {key}")
api_paths, url = [], f"/api/v1/projects/?year={current}&page_size=50"
while url and len(api_paths) < 40:  # the first 40 pages of the year, by their cursors
    api_paths.append(url)
    answer = api_client.get(url, secure=settings.SECURE_SSL_REDIRECT)
    assert answer.status_code == 200, (url, answer.status_code)
    url = answer.json()["next"] and urlsplit(answer.json()["next"])._replace(scheme="", netloc="").geturl()
print(json.dumps({
    "token": key,
    "api_paths": api_paths,
    # As a browser that logged in sends them: the session and the language cookie (set at login).
    "cookie": f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    f"; {settings.LANGUAGE_COOKIE_NAME}={user.language or settings.LANGUAGE_CODE}",
    "projects_total": Project.objects.count(),
    "codes": rng.sample(codes, min(300, len(codes))),
    "pages": Project.objects.count() // settings.BMA_PROJECTS_PAGE_SIZE,
    "matches": {t: search_projects(Project.objects.all(), t).count() for t in terms},
    "agencies": sorted(set(Project.objects.values_list("agency__code", flat=True))),
    "year": current,
}))
"""


def prepare(env: dict, workdir: Path) -> dict:
    """Collect static files, log a manager in, and write the paths of each scenario."""
    subprocess.run(
        [VENV_BIN / "python", "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    out = subprocess.run(
        [
            VENV_BIN / "python",
            "-c",
            "import django; django.setup()\n" + PREPARE_SCRIPT,
            json.dumps(SEARCH_TERMS),
        ],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    info = json.loads(out.strip().splitlines()[-1])
    rng = random.Random(6)
    pages = max(1, min(info["pages"], 40))
    scenarios = {
        "bare": ["/bench/bare/"],
        # The bare view reading the session and the user, as every reader's page must.
        "bare_reader": ["/bench/bare-reader/"],
        "project": [f"/projects/{code}/" for code in info["codes"]],
        # Every year (year=, ทุกปี): /projects/ alone redirects to the current year's.
        "list": ["/projects/?year="] + [f"/projects/?year=&page={n}" for n in range(2, pages + 1)],
        "search": [f"/projects/?year=&q={urllib.request.quote(term)}" for term in SEARCH_TERMS],
        "dashboard": ["/dashboard/"],
        # Dashboard drilled down to one agency's projects (all, or those behind schedule):
        # the agency's numbers come from the cache, its project list is queried each time.
        "drilldown": [
            f"/dashboard/?agency={code}{status}"
            for code in info["agencies"]
            for status in ("", "&status=behind")
        ],
        # The API as a client that pulls a year page by page, or one agency's projects.
        "api": info["api_paths"]
        + [f"/api/v1/projects/?year={info['year']}&agency={code}" for code in info["agencies"]],
    }
    for name, paths in scenarios.items():
        rng.shuffle(paths)
        (workdir / f"{name}.txt").write_text("\n".join(paths) + "\n")
    info["scenarios"] = {name: len(paths) for name, paths in scenarios.items()}
    return info


def start_server(env: dict, args) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            VENV_BIN / "gunicorn",
            "bmaprogress.wsgi",
            "--chdir",
            str(ROOT),
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            str(args.workers),
            "--worker-class",
            "sync",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{args.port}/bench/bare/") as response:
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    sys.exit("gunicorn did not answer within 30 s")


def wrk(args, name: str, workdir: Path, cookie: str, duration: int, token: str = "") -> dict:
    command = [
        "/usr/bin/wrk",
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{duration}s",
        "--timeout",
        "10s",
        "-s",
        str(BENCH / "bench_wrk.lua"),
        f"http://127.0.0.1:{args.port}",
        "--",
        str(workdir / f"{name}.txt"),
        cookie,
        # The API reads a token, not the session (api/authentication.py).
        f"Token {token}" if name == "api" else "",
    ]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next(line for line in out.splitlines() if line.startswith("RESULT "))
    return json.loads(line.removeprefix("RESULT "))


def check_pages(args, workdir: Path, names, cookie: str, token: str) -> str:
    """The first path of each scenario of ``names`` answers 200 (not a login redirect or an
    error page). Returns the cookies a browser then holds: the session's and the CSRF cookie the first
    page set (as a browser does: without it every page would set a new one)."""
    for name in names:
        path = (workdir / f"{name}.txt").read_text().splitlines()[0]
        headers = {"Cookie": cookie}
        if name == "api":
            headers["Authorization"] = f"Token {token}"
        request = urllib.request.Request(f"http://127.0.0.1:{args.port}{path}", headers=headers)
        opener = urllib.request.build_opener(NoRedirect)
        with opener.open(request) as response:
            if response.status != 200:
                sys.exit(f"{name} {path}: HTTP {response.status}")
            for header in response.headers.get_all("Set-Cookie") or []:
                if header.startswith("csrftoken=") and "csrftoken=" not in cookie:
                    cookie += "; " + header.split(";", 1)[0]
    if "csrftoken=" not in cookie:
        sys.exit("no page set the CSRF cookie")
    return cookie


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--port", type=int, default=8117)
    parser.add_argument("--workers", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument(
        "--warmup",
        type=int,
        default=20,
        help="seconds of each scenario before the rounds (pages kept, connections opened)",
    )
    parser.add_argument(
        "--no-page-cache",
        dest="page_cache",
        action="store_false",
        help="keep no rendered page (projects/pagecache.py): the cost of rendering every view",
    )
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument(
        "--dashboard-seconds",
        type=int,
        default=30,
        help="how long the dashboard's numbers are fresh (production: 60)",
    )
    parser.add_argument(
        "--scenarios", default="bare,bare_reader,project,list,search,dashboard,drilldown,api"
    )
    parser.add_argument("--static-root", default="/tmp/bma-bench-static")
    args = parser.parse_args()
    env = environment(args)
    load_before = os.getloadavg()
    workdir = Path(tempfile.mkdtemp(prefix="bma-bench-"))
    info = prepare(env, workdir)
    server = start_server(env, args)
    # As in production, a background worker beside the server: it refreshes the dashboard's
    # numbers past their fresh time (reports/dashboard_refresh.py) on the same CPUs.
    worker = prodserver.start_worker(env)
    results: dict[str, list[dict]] = {}
    try:
        info["cookie"] = check_pages(
            args, workdir, info["scenarios"], info["cookie"], info["token"]
        )
        # Each scenario's rounds right after its warm-up: a kept page lives
        # BMA_PAGE_CACHE_SECONDS (300 s, the bound on a lost invalidation), and rounds minutes
        # after the warm-up found every page of the warm-up expired at once, a burst of
        # renders that a server whose pages are read at their own times never sees.
        for name in args.scenarios.split(","):
            wrk(args, name, workdir, info["cookie"], args.warmup, info["token"])
            for _round in range(args.rounds):
                result = wrk(args, name, workdir, info["cookie"], args.duration, info["token"])
                results.setdefault(name, []).append(result)
                print(
                    f"  round {_round + 1} {name:<11} {result['rps']:8.1f} req/s  "
                    f"p95 {result['p95_ms']:7.1f} ms",
                    flush=True,
                )
    finally:
        server.terminate()
        server.wait(10)
        prodserver.stop(worker)
    report(args, info, results, load_before)


def report(args, info: dict, results: dict, load_before) -> None:
    revision = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    print()
    print(
        f"revision {revision}; load average before {load_before[0]:.2f}, "
        f"after {os.getloadavg()[0]:.2f} (other work on the machine slows every row alike)"
    )
    print(
        f"BMA Progress web benchmark: {info['projects_total']} projects, gunicorn {args.workers} sync "
        f"workers, production settings, wrk -t{args.threads} -c{args.connections} -d{args.duration}s "
        f"× {args.rounds} rounds on loopback, {os.cpu_count()} CPUs; page cache "
        f"{'on' if args.page_cache else 'OFF'}, warm-up {args.warmup} s per scenario, dashboard "
        f"numbers fresh for {args.dashboard_seconds} s; cache: "
        f"{'Redis' if os.environ.get('REDIS_URL') else 'per process'}"
    )
    print(
        f"paths per scenario: {info['scenarios']}; search terms (matching projects): {info['matches']}"
    )
    mean = {name: sum(r["rps"] for r in runs) / len(runs) for name, runs in results.items()}
    bare = mean.get("bare", 0)
    header = f"{'scenario':<11} {'req/s':>8} {'% bare':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'errors':>6}  target"
    print(header)
    print("-" * len(header))
    verdicts = []
    for name, runs in results.items():
        rps = mean[name]
        p50 = max(r["p50_ms"] for r in runs)
        p95 = max(r["p95_ms"] for r in runs)
        p99 = max(r["p99_ms"] for r in runs)
        errors = sum(r["errors"] + r["non_2xx"] for r in runs)
        share = rps / bare if bare else 0
        target = ""
        if name in TARGETS:
            ok = p95 < TARGETS[name] and errors == 0
            target = f"p95 < {TARGETS[name]} ms: {'ok' if ok else 'MISSED'}"
            verdicts.append(ok)
        if name == "project":
            ok = share >= PROJECT_SHARE_OF_BARE
            target += f"; ≥ {PROJECT_SHARE_OF_BARE:.0%} of bare: {'ok' if ok else 'MISSED'}"
            verdicts.append(ok)
        print(
            f"{name:<11} {rps:8.1f} {share:7.1%} {p50:7.1f} {p95:7.1f} {p99:7.1f} {errors:6d}  {target}"
        )
    print("(req/s: mean of the rounds; latency percentiles: the worst round)")
    if mean.get("bare_reader") and "project" in mean:
        print(
            f"project: {mean['project'] / mean['bare_reader']:.1%} of bare_reader "
            "(for information; the target is against bare)"
        )
    print("all targets met" if verdicts and all(verdicts) else "some targets MISSED")


if __name__ == "__main__":
    main()
