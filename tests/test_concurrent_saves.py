"""Report saves of different projects never wait for each other (issue 13): no row or lock
is shared by writers of different projects. On PostgreSQL, with real transactions: one
save holds its transaction open while 19 saves of 19 other projects must finish."""

import datetime as dt
import threading
import time

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from projects import services
from projects.models import ProgressEntry
from tests.factories import PlanStepFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks are PostgreSQL's (SQLite locks the whole file): CI runs it",
)

PROJECTS = 20
BOUND_SECONDS = 20  # each save takes some 50 ms; a shared lock would hold them all here


def report(project, user, narrative, today):
    return services.progress_entry_submit(
        project=project,
        user=user,
        data=services.ReportInput(
            reported_on=today,
            period=ProgressEntry.period_of(today),
            completed_step_ids=[project.steps.get().pk],
            narrative=narrative,
        ),
        loaded_entry_id=None,
        loaded_version=0,
        today=today,
    )


def in_thread(target, *args) -> dict:
    """Run ``target`` on a connection of its own; the outcome lands in the dict."""
    outcome: dict = {}

    def run():
        try:
            outcome["value"] = target(*args)
        except Exception as exc:
            outcome["error"] = exc
        finally:
            outcome["at"] = time.monotonic()
            connections.close_all()

    outcome["thread"] = threading.Thread(target=run, daemon=True)
    outcome["thread"].start()
    return outcome


def test_saves_on_twenty_projects_do_not_wait_for_one_held_open(transactional_db):
    today = timezone.localdate()
    staff = []
    for n in range(PROJECTS):
        project = ProjectFactory(code=f"0999{n:04d}-0001")
        PlanStepFactory(project=project, starts_on=today - dt.timedelta(days=30), ends_on=today)
        staff.append((project, UserFactory(agency=project.agency)))
    saved, release = threading.Event(), threading.Event()

    def held_open(project, user):
        with transaction.atomic():
            entry = report(project, user, "ค้างไว้ก่อน commit", today)
            saved.set()
            release.wait(60)  # every lock this save took is held until here
        return entry

    first = in_thread(held_open, *staff[0])
    assert saved.wait(30), first.get("error")
    started = time.monotonic()
    others = [
        in_thread(report, project, user, f"รายงานของโครงการที่ {n}", today)
        for n, (project, user) in enumerate(staff[1:], start=1)
    ]
    # The same project and month as the open one must wait: one report a month. It shows
    # that a save blocked by a lock does not finish here.
    same = in_thread(report, *staff[0], "เดือนเดียวกัน โครงการเดียวกัน", today)
    try:
        for outcome in others:
            outcome["thread"].join(max(0, started + BOUND_SECONDS - time.monotonic()))
        finished = [o for o in others if "at" in o]
        assert len(finished) == PROJECTS - 1, "saves waited for another project's transaction"
        assert not [o["error"] for o in finished if "error" in o]
        assert max(o["at"] for o in finished) - started < BOUND_SECONDS
        assert "at" not in same  # still waiting for the open transaction
    finally:
        release.set()
        first["thread"].join(30)
        same["thread"].join(30)
    assert "error" not in first
    assert isinstance(same.get("error"), services.EditConflict)
    assert ProgressEntry.objects.filter(period=ProgressEntry.period_of(today)).count() == PROJECTS
