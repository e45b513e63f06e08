"""The soak database, made anew, and the people who will use it."""

import json
import subprocess
import sys
import time
from pathlib import Path

from benchmarks import prodserver

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "soak-password-2569"
SEED_CODE = "01000000-2462"


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
    # A throw-away database under production settings: the demo users are wanted here.
    prodserver.manage(env, "demo", "--force-demo-users-in-production")
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
