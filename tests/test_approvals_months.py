"""My agency (หน่วยงานของฉัน) where reports need approval (issue 15): a month sent to the
head is รออนุมัติ, not missing, for the agency's own people; a returned one is to be
corrected, open past the deadline; a draft past the deadline is still missing."""

import datetime as dt

import pytest

from projects.models import ReportSubmission
from tests.factories import (
    AgencyFactory,
    FiscalYearFactory,
    ProgressEntryFactory,
    ProjectFactory,
    ReportSubmissionFactory,
    UserFactory,
)
from tests.html import page_of, text_of

pytestmark = pytest.mark.django_db

State = ReportSubmission.State
AFTER_DEADLINE = dt.date(2026, 3, 12)  # February's report was due 10 March
FEBRUARY = dt.date(2026, 2, 1)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr("projects.view_helpers.today", lambda: AFTER_DEADLINE)


@pytest.fixture
def agency():
    return AgencyFactory(reports_need_approval=True)


def project_in(agency, name, state=None):
    project = ProjectFactory(agency=agency, fiscal_year=FiscalYearFactory(year_be=2569), name=name)
    if state is not None:
        ReportSubmissionFactory(project=project, period=FEBRUARY, state=state)
    return project


def within(element, selector) -> list:
    import cssselect2

    wrapper = cssselect2.ElementWrapper.from_html_root(element)
    return [w.etree_element for w in wrapper.query_all(selector)]


def february_cells(page) -> dict:
    """The cell of February (the second month shown: January, February) by project."""
    cells = {}
    for row in page.all("table.agency-status tbody tr"):
        name = text_of(within(row, "th a")[0])
        cells[name] = within(row, "td.status")[1]
    return cells


@pytest.mark.parametrize("who", ["staff", "head"])
def test_the_agency_sees_pending_and_returned_months_not_missing(client, agency, who):
    project_in(agency, "รออนุมัติ", State.SUBMITTED)
    project_in(agency, "ส่งกลับ", State.RETURNED)
    project_in(agency, "ร่าง", State.DRAFT)
    project_in(agency, "ไม่มีรายงาน")
    user = UserFactory(agency=agency, **({"head": True} if who == "head" else {}))
    client.force_login(user)

    cells = february_cells(page_of(client.get("/projects/my-agency/?month=2026-02")))

    assert "status--pending" in cells["รออนุมัติ"].get("class")
    assert "รออนุมัติ" in text_of(cells["รออนุมัติ"])
    assert "status--returned" in cells["ส่งกลับ"].get("class")
    assert "status--late" in cells["ร่าง"].get("class")
    assert "มีร่างที่ยังไม่ได้ส่ง" in text_of(cells["ร่าง"])
    assert "status--late" in cells["ไม่มีรายงาน"].get("class")
    # Staff correct a returned report past the deadline; the head writes none.
    links = within(cells["ส่งกลับ"], "a")
    assert bool(links) is (who == "staff")


def test_those_outside_the_agency_see_what_counts_only(client, agency):
    project_in(agency, "รออนุมัติ", State.SUBMITTED)
    client.force_login(UserFactory(manager=True))

    cells = february_cells(
        page_of(client.get(f"/projects/my-agency/?agency={agency.code}&month=2026-02"))
    )

    assert "status--late" in cells["รออนุมัติ"].get("class")


def test_a_change_waiting_for_approval_is_marked_beside_the_approved_report(client, agency):
    project = project_in(agency, "มีฉบับแก้ไข")
    entry = ProgressEntryFactory(project=project, period=FEBRUARY, reported_on=dt.date(2026, 3, 2))
    ReportSubmissionFactory(project=project, period=FEBRUARY, state=State.SUBMITTED, entry=entry)
    client.force_login(UserFactory(agency=agency))

    cells = february_cells(page_of(client.get("/projects/my-agency/?month=2026-02")))

    assert "status--reported" in cells["มีฉบับแก้ไข"].get("class")
    assert "ฉบับแก้ไข: ส่งแล้ว รออนุมัติ" in text_of(cells["มีฉบับแก้ไข"])
