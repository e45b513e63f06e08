"""The admin of report approval (issue 15): heads and the agencies' setting are edited by
administrators; submissions are read-only with their moves; delegations are kept there too."""

from decimal import Decimal

import pytest

from projects.models import Agency, ReportSubmission, User
from tests.factories import (
    AgencyFactory,
    PlanStepFactory,
    ReportSubmissionFactory,
    ReportTransitionFactory,
    UserFactory,
)
from tests.html import page_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="admin-test", admin=True, is_superuser=True))
    return client


def test_the_head_role_is_a_choice_of_the_user_form(admin_client):
    user = UserFactory()

    page = page_of(admin_client.get(f"/admin/projects/user/{user.pk}/change/"))

    roles = [o.get("value") for o in page.all("select[name=role] option")]
    assert User.Role.HEAD in roles


def test_an_agency_turns_approval_off_from_the_list(admin_client):
    agency = AgencyFactory(reports_need_approval=True)

    page = page_of(admin_client.get("/admin/projects/agency/"))
    assert page.all("input[name$=reports_need_approval]")
    admin_client.post(
        f"/admin/projects/agency/{agency.pk}/change/",
        {"code": agency.code, "name": agency.name, "short_name": agency.short_name},
    )

    assert Agency.objects.get(pk=agency.pk).reports_need_approval is False


def test_a_submission_is_read_only_with_its_moves(admin_client):
    submission = ReportSubmissionFactory(state=ReportSubmission.State.SUBMITTED)
    ReportTransitionFactory(submission=submission, comment="ส่งครั้งแรก")

    response = admin_client.get(f"/admin/projects/reportsubmission/{submission.pk}/change/")

    assert response.status_code == 200
    page = page_of(response)
    assert page.all("input[name=percent]") == []  # nothing to edit
    assert "ส่งครั้งแรก" in page.text("#content-main")
    assert admin_client.get("/admin/projects/reportsubmission/add/").status_code == 403


def test_a_submission_shows_its_ticked_steps_by_title_and_its_amounts_as_money(admin_client):
    """The read-only form showed the ticked steps as stored, step ids ("[11, 12]"), and the
    amounts without separators ("212263.86"): now the steps, numbered in the plan's order,
    and the amounts written as everywhere else (projects/money.py)."""
    submission = ReportSubmissionFactory(committed=Decimal("212263.86"), disbursed=None)
    first = PlanStepFactory(project=submission.project, order=1, title="สำรวจพื้นที่")
    second = PlanStepFactory(project=submission.project, order=2, title="จัดจ้างผู้รับเหมา")
    submission.completed_steps = [second.pk, first.pk]
    submission.save()

    page = page_of(admin_client.get(f"/admin/projects/reportsubmission/{submission.pk}/change/"))

    assert page.text(".field-completed_steps .readonly") == "1. สำรวจพื้นที่ · 2. จัดจ้างผู้รับเหมา"
    assert page.text(".field-committed .readonly") == "212,263.86"
    assert page.text(".field-disbursed .readonly") == "-"


def test_delegations_are_listed(admin_client):
    assert admin_client.get("/admin/projects/approvaldelegation/").status_code == 200
    assert admin_client.get("/admin/projects/approvaldelegation/add/").status_code == 200
