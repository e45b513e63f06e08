"""The whole walk through the services (issue 15, "done when"): staff save a draft, submit,
the head returns it with a comment, staff correct and submit again, the head approves; at
each step what counts (the month's ProgressEntry, what managers and other agencies read)
is checked. Then a change to the approved report: the approved version stays until the
change is approved."""

import datetime as dt
from decimal import Decimal

import pytest

from projects import approvals, services
from projects.models import ProgressEntry, ReportSubmission, User
from tests.factories import AgencyFactory, FiscalYearFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db

State = ReportSubmission.State
TODAY = dt.date(2026, 3, 5)
FEBRUARY = dt.date(2026, 2, 1)


def data(percent, narrative="ดำเนินการตามแผน"):
    return services.ReportInput(
        reported_on=dt.date(2026, 3, 2),
        period=FEBRUARY,
        manual_percent=Decimal(percent),
        narrative=narrative,
    )


def counted(project):
    """What counts: the month's entry (None: nothing yet)."""
    entry = ProgressEntry.objects.filter(project=project, period=FEBRUARY).first()
    return None if entry is None else entry.percent


def test_draft_submit_return_fix_resubmit_approve_then_a_change():
    agency = AgencyFactory(reports_need_approval=True)
    project = ProjectFactory(agency=agency, fiscal_year=FiscalYearFactory(year_be=2569))
    staff = UserFactory(agency=agency)
    head = UserFactory(role=User.Role.HEAD, agency=agency)

    draft = approvals.report_save(
        project=project, data=data(30), user=staff, today=TODAY, loaded_version=None, submit=False
    )
    assert draft.state == State.DRAFT and counted(project) is None
    sent = approvals.report_save(
        project=project,
        data=data(30),
        user=staff,
        today=TODAY,
        loaded_version=draft.version,
        submit=True,
    )
    assert sent.state == State.SUBMITTED and counted(project) is None

    returned = approvals.report_return(
        sent, user=head, loaded_version=sent.version, comment="ตัวเลขไม่ตรงกับสัญญา", today=TODAY
    )
    assert returned.state == State.RETURNED and counted(project) is None

    again = approvals.report_save(
        project=project,
        data=data(25, "แก้ตามสัญญาแล้ว"),
        user=staff,
        today=TODAY,
        loaded_version=returned.version,
        submit=True,
    )
    assert again.state == State.SUBMITTED and counted(project) is None

    entry = approvals.report_approve(again, user=head, loaded_version=again.version, today=TODAY)
    assert counted(project) == Decimal(25)
    assert entry.narrative == "แก้ตามสัญญาแล้ว" and entry.created_by == staff
    moves = list(again.transitions.values_list("to_state", flat=True))
    assert moves == [State.DRAFT, State.SUBMITTED, State.RETURNED, State.SUBMITTED, State.APPROVED]

    change = approvals.report_save(
        project=project, data=data(40), user=staff, today=TODAY, loaded_version=None, submit=True
    )
    assert change.entry == entry and counted(project) == Decimal(25)
    approvals.report_approve(change, user=head, loaded_version=change.version, today=TODAY)
    assert counted(project) == Decimal(40)
    assert ProgressEntry.objects.filter(project=project).count() == 1
