"""Who may read what (issue 12, item 11): links to what a reader may not open are not
shown, on pages rendered for them and on pages kept for readers (projects/pagecache.py).

The rules are in projects/permissions.py and tried URL by URL in test_permissions_matrix;
here is what the pages show of them:

- evidence files: the project's agency, สยป., administrators (others see how many files,
  not their names);
- an agency's internals (its plan workbook, its reporting status, its projects' change
  history): the agency's staff, สยป., executives, administrators.

Kept pages are shared by readers whose keys agree: each test below views a page as one
role and then as another, for every pair of roles, so that a page kept for one is never
shown to another who may see more or less.
"""

import itertools
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from projects import permissions, thaidates
from projects.models import ProgressEntry
from tests.factories import (
    AgencyFactory,
    EvidenceFileFactory,
    PlanStepFactory,
    ProgressEntryFactory,
    ProjectFactory,
    UserFactory,
    current_fiscal_year_be,
)
from tests.html import page_of

ROLES = ("own staff", "other staff", "evaluator", "manager", "admin")
MAY_OPEN_EVIDENCE = {"own staff", "evaluator", "admin"}
AGENCY_INTERNAL = {"own staff", "evaluator", "manager", "admin"}
FILE_NAME = "สัญญาจ้างเหมา-บริษัทตัวอย่าง.pdf"


@pytest.fixture
def world(db, media):
    own, other = AgencyFactory(), AgencyFactory()
    project = ProjectFactory(agency=own, fiscal_year__year_be=current_fiscal_year_be())
    PlanStepFactory(project=project, order=1, weight=Decimal(100))
    today = timezone.localdate()
    entry = ProgressEntryFactory(
        project=project, reported_on=today, period=ProgressEntry.period_of(today)
    )
    evidence = EvidenceFileFactory(entry=entry, original_name=FILE_NAME)
    users = {
        "own staff": UserFactory(agency=own),
        "other staff": UserFactory(agency=other),
        "evaluator": UserFactory(evaluator=True),
        "manager": UserFactory(manager=True),
        "admin": UserFactory(admin=True),
    }
    return {"project": project, "evidence": evidence, "users": users}


def project_page(client, world, user, **query):
    client.force_login(user)
    response = client.get(reverse("projects:detail", args=[world["project"].code]), query)
    assert response.status_code == 200
    return response


def evidence_href(world) -> str:
    return reverse("projects:evidence", args=[world["project"].code, world["evidence"].pk])


def shows(response, world) -> dict:
    """What of the reader-dependent parts a project page shows."""
    html = response.content.decode()
    page = page_of(response)
    return {
        "evidence link": evidence_href(world) in html,
        "evidence name": FILE_NAME in html,
        "change history": bool(page.all("#change-history")),
        "changes link": reverse("projects:changes", args=[world["project"].code]) in html,
    }


def expected(role) -> dict:
    evidence = role in MAY_OPEN_EVIDENCE
    internal = role in AGENCY_INTERNAL
    return {
        "evidence link": evidence,
        "evidence name": evidence,
        "change history": internal,
        "changes link": internal,
    }


@pytest.mark.parametrize("role", ROLES)
def test_the_project_page_links_only_to_what_the_reader_may_open(client, world, role):
    response = project_page(client, world, world["users"][role])
    assert shows(response, world) == expected(role)
    if role not in MAY_OPEN_EVIDENCE:
        # That there is evidence is no secret: how many files, not what they are.
        assert "ไฟล์หลักฐาน: 1 ไฟล์" in page_of(response).text(".entry__files")


@pytest.mark.parametrize("role", ROLES)
def test_more_of_the_history_links_only_to_what_the_reader_may_open(client, world, role):
    """ "ดูเพิ่มเติม" (htmx) and the other pages of the history are rendered, not kept."""
    project = world["project"]
    latest = ProgressEntry.period_of(timezone.localdate())
    for back in range(1, 13):  # a second page of history, the evidence's entry on the first
        period = thaidates.add_months(latest, -back)
        ProgressEntryFactory(project=project, period=period, reported_on=period)
    user = world["users"][role]
    client.force_login(user)
    url = reverse("projects:detail", args=[project.code])
    for response in (
        client.get(url, {"page": 1}),
        client.get(url, {"page": 1}, headers={"HX-Request": "true", "HX-Target": "history-more"}),
    ):
        assert (evidence_href(world) in response.content.decode()) == (role in MAY_OPEN_EVIDENCE)


@pytest.mark.parametrize(("first", "second"), list(itertools.permutations(ROLES, 2)))
def test_a_kept_project_page_shows_each_reader_what_they_may_open(client, world, first, second):
    """Whoever viewed the page first (and had it kept), the next reader sees the links
    they may open and no others."""
    cache.clear()
    project_page(client, world, world["users"][first])
    response = project_page(client, world, world["users"][second])
    assert shows(response, world) == expected(second)


def test_the_key_of_a_kept_page_has_every_permission_its_body_depends_on(world):
    """The kept body's key must change with each rule the body applies to its reader
    (views._reader_key): readers whose keys agree get the same body."""
    from projects import views

    project = world["project"]
    by_key = {}
    for user in world["users"].values():
        seen = (
            permissions.can_open_evidence(user, project),
            permissions.can_view_project_changes(user, project),
        )
        by_key.setdefault(views._reader_key(user, project), set()).add(seen)
    assert all(len(views) == 1 for views in by_key.values()), by_key


@pytest.mark.parametrize("role", ROLES)
def test_the_change_history_names_evidence_files_only_for_those_who_may_open_them(
    client, world, role
):
    client.force_login(world["users"][role])
    response = client.get(reverse("projects:changes", args=[world["project"].code]))
    if role not in AGENCY_INTERNAL:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    text = page_of(response).text()
    assert (FILE_NAME in text) == (role in MAY_OPEN_EVIDENCE)
    assert "ไฟล์หลักฐาน" in text  # that a file was added is shown to every reader of it


# --- an agency's pages: my agency, the plan workbook ---------------------------------------


@pytest.mark.parametrize(("first", "second"), list(itertools.permutations(ROLES, 2)))
def test_the_kept_project_list_links_to_the_plan_export_only_for_those_who_may(
    client, world, first, second
):
    """The list filtered by an agency and a year links to that agency's plan workbook: a
    list kept for one reader must not show it to another who may not download it, nor hide
    it from one who may."""
    cache.clear()
    project = world["project"]
    query = {"agency": project.agency.code, "year": project.fiscal_year.year_be}
    export = reverse("imports:plan_export")
    for role in (first, second):
        client.force_login(world["users"][role])
        response = client.get(reverse("projects:list"), query)
        assert (export in response.content.decode()) == (role in AGENCY_INTERNAL), role


@pytest.mark.parametrize("role", ROLES)
def test_the_plan_export_form_offers_only_the_agencies_one_may_export(client, world, role):
    user = world["users"][role]
    client.force_login(user)
    for url in (reverse("imports:plan_export"), reverse("imports:index")):
        page = page_of(client.get(url))
        options = [o.get("value") for o in page.all("select[name=agency] option") if o.get("value")]
        if role in ("own staff", "other staff"):
            assert options == [user.agency.code], (url, role)
        else:
            assert world["project"].agency.code in options
