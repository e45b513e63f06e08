"""Two heads of one agency approve (or one approves, the other returns) the same report at
the same moment: exactly one wins, the other is refused (EditConflict) and the month has
one entry. On PostgreSQL, with real transactions (SQLite locks the whole file)."""

import datetime as dt
import threading

import pytest
from django.db import connection, connections, transaction

from projects import approvals
from projects.locking import EditConflict
from projects.models import ProgressEntry, ReportSubmission, User
from tests.factories import FiscalYearFactory, ProjectFactory, SubmittedReportFactory, UserFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="real concurrent transactions: CI runs it"
)

TODAY = dt.date(2026, 3, 5)


def decide(action, submission_id, user, ready, go):
    """Read the submission, wait until the other head has read it too, then act."""
    try:
        submission = ReportSubmission.objects.select_related("project").get(pk=submission_id)
        ready.wait(10)  # a Barrier: both have read
        go.wait(10)
        with transaction.atomic():
            if action == "approve":
                approvals.report_approve(
                    submission, user=user, loaded_version=submission.version, today=TODAY
                )
            else:
                approvals.report_return(
                    submission,
                    user=user,
                    loaded_version=submission.version,
                    comment="แก้ไขตัวเลข",
                    today=TODAY,
                )
        return "won"
    except EditConflict:
        return "conflict"
    finally:
        connections.close_all()


@pytest.mark.parametrize("second", ["approve", "return"])
def test_one_of_two_heads_deciding_at_once_wins(transactional_db, second):
    project = ProjectFactory(fiscal_year=FiscalYearFactory(year_be=2569))
    heads = [UserFactory(role=User.Role.HEAD, agency=project.agency) for _ in range(2)]
    submission = SubmittedReportFactory(
        project=project, period=dt.date(2026, 2, 1), reported_on=dt.date(2026, 2, 27)
    )
    ready, go = threading.Barrier(2), threading.Event()
    results: dict[int, str] = {}

    def run(n, action):
        results[n] = decide(action, submission.pk, heads[n], ready, go)

    threads = [
        threading.Thread(target=run, args=(0, "approve")),
        threading.Thread(target=run, args=(1, second)),
    ]
    for thread in threads:
        thread.start()
    go.set()
    for thread in threads:
        thread.join(30)

    assert sorted(results.values()) == ["conflict", "won"], results
    submission.refresh_from_db()
    assert submission.transitions.count() == 1
    entries = ProgressEntry.objects.filter(project=project).count()
    assert entries == (1 if submission.state == ReportSubmission.State.APPROVED else 0)
