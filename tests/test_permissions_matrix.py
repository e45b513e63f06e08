"""Who may open what: every URL pattern of the site × every role.

The patterns are read from the URL resolver, so a view added later fails
``test_every_url_pattern_is_in_the_matrix`` until its row is written here. Django's admin
(its own is_staff checks) is the only part left out.

A row's kwargs may hold query-string parameters too (names starting with "?"): the
rules about one agency are tried on the project's own agency.

Outcomes: ALLOWED (200 or 302, or 422 for a POST whose empty form is refused by
validation, i.e. after the permission check), FORBIDDEN (403), LOGIN (302 to the login
page, for anonymous visitors).
"""

from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.http import urlencode

from projects.models import Notification, PlanVersion, ProgressEntry
from reports.models import ReportJob
from tests.factories import (
    AgencyFactory,
    EvidenceFileFactory,
    IndicatorFactory,
    PlanStepFactory,
    ProgressEntryFactory,
    ProjectFactory,
    UserFactory,
    current_fiscal_year_be,
)
from tests.html import page_of

# "own head": a head of the project's agency (หัวหน้าหน่วยงาน, issue 15): reads what its
# staff read, writes no report.
ROLES = ("anonymous", "own staff", "own head", "other staff", "evaluator", "manager", "admin")
LOGGED_IN = ROLES[1:]

ALLOWED, FORBIDDEN, LOGIN = "allowed", "forbidden", "login"


def only(*roles):
    """Logged-in roles in ``roles`` are allowed, the others forbidden; anonymous → login."""
    unknown = set(roles) - set(ROLES)
    assert not unknown, unknown
    return {
        role: LOGIN if role == "anonymous" else (ALLOWED if role in roles else FORBIDDEN)
        for role in ROLES
    }


EVERYBODY = only(*LOGGED_IN)  # read-only pages (domain.md: everybody logged in may read)
# What an agency keeps for itself and those who oversee it (its plan workbook, its monthly
# reporting status, its projects' change history): its own staff, สยป., executives, admins.
AGENCY_INTERNAL = only("own staff", "own head", "evaluator", "manager", "admin")
# Evidence files: the agency's, สยป.'s (who evaluate on them) and administrators'.
EVIDENCE = only("own staff", "own head", "evaluator", "admin")
PUBLIC = dict.fromkeys(ROLES, ALLOWED)
EDITORS = only("own staff", "admin")  # the project's agency staff, administrators
EVALUATORS = only("evaluator", "admin")  # สยป.
SUMMARY = only("evaluator", "manager", "admin")
DASHBOARDS = only("evaluator", "manager", "admin")
REPORT_JOB = only("own staff", "own head", "evaluator", "manager", "admin")  # may order it
REPORTS_PAGE = only("own staff", "own head", "other staff", "evaluator", "manager", "admin")
IMPORTERS = only("own staff", "other staff", "admin")  # staff for their own agency's plan
# The head's queue and delegations (issue 15): the heads of the agency (a deputy with a
# delegation in force too: tests/test_approval_queue.py), nobody else, administrators
# neither (they manage delegations in the admin).
HEADS = only("own head")
# รออนุมัติ: the head's queue, and the plans waiting (issue 18) for สยป. and administrators,
# who approve every agency's plans.
APPROVALS = only("own head", "evaluator", "admin")
# A notice of the own staff's (notification_read): anybody else's answer is "not found".
OWN_NOTICE = {**only("own staff"), **dict.fromkeys(LOGGED_IN[1:], "status 404")}
GONE_IS_ALLOWED = {"imports:pages_preview", "imports:plan_preview", "imports:month_preview"}
# The month's reports in one workbook (issue 18): its staff and heads download it, its
# staff (and administrators) upload it; the preview is tried as the plan's.
MONTH_WORKBOOK = only("own staff", "own head", "admin")


# url name (or route when unnamed): (method, kwargs from the world, expected per role)
MATRIX = {
    # where each role lands (bmaprogress.views.home)
    # An anonymous visitor gets the public list while the public site is on (issue 17).
    "home": ("get", {}, {**EVERYBODY, "anonymous": ALLOWED}),
    "login": ("get", {}, PUBLIC),
    # The language menu (issue 17): a link for everybody, logged in or not (a redirect).
    "language": ("get", {"code": "th"}, PUBLIC),
    # Logging out ends on the login page, whoever you were.
    "logout": ("post", {}, dict.fromkeys(ROLES, LOGIN)),
    # projects: reading
    "projects:list": ("get", {}, EVERYBODY),
    "projects:my_agency": ("get", {"?agency": "agency"}, AGENCY_INTERNAL),
    "projects:detail": ("get", {"code": "project"}, EVERYBODY),
    "projects:procedure": ("get", {"code": "project"}, EVERYBODY),
    "projects:timeline": ("get", {"code": "project"}, EVERYBODY),
    "projects:changes": ("get", {"code": "project"}, AGENCY_INTERNAL),
    "projects:evidence": ("get", {"code": "project", "pk": "evidence"}, EVIDENCE),
    "print:project": ("get", {"code": "project"}, EVERYBODY),
    "print:project_pdf": ("get", {"code": "project"}, EVERYBODY),
    # projects: reporting and plan, by the agency's staff
    "projects:report": ("get", {"code": "project"}, EDITORS),
    "projects:report_preview": ("get", {"code": "project"}, EDITORS),
    "projects:plan_edit": ("get", {"code": "project"}, EDITORS),
    # plan versions and the baseline (issue 18): read by all, sent by editors, decided by
    # the agency's heads (a deputy in force: tests/test_baseline_views.py) and สยป.
    "projects:plan_versions": ("get", {"code": "project"}, EVERYBODY),
    "projects:plan_submit": ("post", {"code": "project"}, EDITORS),
    "projects:plan_decide": (
        "post",
        {"code": "project", "number": 1},
        only("own head", "evaluator", "admin"),
    ),
    # a new project of the agency (staff choose no other agency: theirs)
    "projects:create": ("get", {"?agency": "agency"}, EDITORS),
    # a transfer of the project's budget from its page (issue 16)
    "projects:budget_transfer": ("post", {"code": "project"}, EDITORS),
    "projects:evidence_delete": ("post", {"code": "project", "pk": "evidence"}, EDITORS),
    "projects:reopen": ("get", {"code": "project"}, EVALUATORS),
    # approval of monthly reports by the head of the agency (issue 15)
    "projects:approvals": ("get", {}, APPROVALS),
    "projects:delegations": ("get", {}, HEADS),
    # reports and dashboards
    "reports:index": ("get", {}, REPORTS_PAGE),
    "reports:job": ("get", {"pk": "job"}, REPORT_JOB),
    "reports:download": ("get", {"pk": "job"}, REPORT_JOB),
    "dashboard:index": ("get", {}, DASHBOARDS),
    "dashboard:export": ("get", {"fmt": "csv"}, DASHBOARDS),
    "dashboard:rates-missing": ("get", {}, DASHBOARDS),
    "dashboard:rates-export": ("get", {"fmt": "csv"}, DASHBOARDS),
    # evaluation by สยป.
    "indicators:evaluation-home": ("get", {}, EVALUATORS),
    "indicators:evaluation": ("get", {"year": "year", "quarter": 1}, EVALUATORS),
    "indicators:evaluation-save": (
        "post",
        {"year": "year", "quarter": 1, "code": "project"},
        EVALUATORS,
    ),
    "indicators:lock": ("post", {"year": "year", "quarter": 1}, EVALUATORS),
    "indicators:reopen": ("get", {"year": "year", "quarter": 1}, EVALUATORS),
    "indicators:quarter-history": ("get", {"year": "year", "quarter": 1}, EVALUATORS),
    "indicators:criteria": ("get", {"code": "indicator"}, EVALUATORS),
    "indicators:quarter-save": (
        "post",
        {"code": "indicator", "year": "year", "quarter": 1},
        EVALUATORS,
    ),
    "indicators:summary-home": ("get", {}, SUMMARY),
    "indicators:summary": ("get", {"year": "year"}, SUMMARY),
    "indicators:summary-projects": ("get", {"year": "year", "quarter": 1}, SUMMARY),
    # imports (issue 8): pages of today's system by administrators, annual-plan
    # spreadsheets by agency staff; the previews are tried with a token that names no
    # upload, so passing the permission check ends in 410 (see GONE_IS_ALLOWED)
    "imports:index": ("get", {}, EVERYBODY),
    "imports:pages": ("get", {}, only("admin")),
    "imports:pages_preview": ("get", {"token": "no-such-upload"}, only("admin")),
    "imports:plan": ("get", {}, IMPORTERS),
    "imports:plan_preview": ("get", {"token": "no-such-upload"}, IMPORTERS),
    "imports:plan_template": ("get", {}, EVERYBODY),
    # the strategy tree's workbook (issue 18): administrators; a confirmation without its
    # signed rows goes back to the upload (302)
    "imports:strategy": ("get", {}, only("admin")),
    "imports:strategy_confirm": ("post", {}, only("admin")),
    "imports:plan_export": (
        "get",
        {"?agency": "agency", "?fiscal_year": "year"},
        AGENCY_INTERNAL,
    ),
    "imports:month": ("get", {"?agency": "agency"}, MONTH_WORKBOOK),
    "imports:month_download": ("get", {"?agency": "agency", "?month": "2000-01"}, MONTH_WORKBOOK),
    "imports:month_preview": ("get", {"token": "no-such-upload"}, IMPORTERS),
    # notifications (issue 15): everybody logged in has their own
    "projects:notifications": ("get", {}, EVERYBODY),
    "projects:notifications_bell": ("get", {}, EVERYBODY),
    "projects:notifications_read_all": ("post", {}, EVERYBODY),
    "projects:notification_read": ("post", {"pk": "notification"}, OWN_NOTICE),
    "projects:notification_settings": ("get", {}, EVERYBODY),
    # open data (issue 17): public while BMA_PUBLIC_SITE is on (as in tests); a fresh export
    # is asked for by managers and administrators. The world has no export built: its
    # files are not found for anybody (tests/test_open_data.py downloads them).
    "opendata:index": ("get", {}, PUBLIC),
    "opendata:file": ("get", {"name": "projects.csv"}, dict.fromkeys(ROLES, "status 404")),
    "opendata:request": ("post", {}, only("manager", "admin")),
    # KPIs and evaluation history: read-only
    "indicators:list": ("get", {}, EVERYBODY),
    "indicators:detail": ("get", {"code": "indicator"}, EVERYBODY),
    "indicators:project-history": ("get", {"code": "project"}, EVERYBODY),
    # Issue 17: the public pages, for everybody while BMA_PUBLIC_SITE is on (the default
    # outside production; tests/test_public.py: 404 while it is off).
    "public:projects": ("get", {"?year": "year"}, PUBLIC),
    "public:project": ("get", {"code": "project"}, PUBLIC),
    "public:project_pdf": ("get", {"code": "project"}, PUBLIC),
    "public:agency": ("get", {"code": "agency"}, PUBLIC),
    "public:indicator": ("get", {"code": "indicator"}, PUBLIC),
    "robots": ("get", {}, PUBLIC),
    "sitemap": ("get", {}, PUBLIC),
    # personal API tokens (issue 17): each person's own; another's token is not found
    "api_tokens": ("get", {}, EVERYBODY),
    "api_token_revoke": ("post", {"token_id": 999999}, EVERYBODY),
    # the JSON API (api/): the public data without a token, while BMA_PUBLIC_SITE is on
    # (as in the tests); a page's session does not open it (tokens only: tests/test_api.py)
    "api:schema": ("get", {}, PUBLIC),
    "api:docs": ("get", {}, PUBLIC),
    "api:agency-list": ("get", {}, PUBLIC),
    "api:agency-detail": ("get", {"code": "agency"}, PUBLIC),
    "api:fiscal-year-list": ("get", {}, PUBLIC),
    "api:fiscal-year-detail": ("get", {"year_be": "year"}, PUBLIC),
    "api:project-list": ("get", {}, PUBLIC),
    "api:project-detail": ("get", {"code": "project"}, PUBLIC),
    "api:monthly-report-list": ("get", {}, PUBLIC),
    "api:quarter-evaluation-list": ("get", {}, PUBLIC),
    "api:kpi-list": ("get", {}, PUBLIC),
    "api:kpi-detail": ("get", {"code": "indicator"}, PUBLIC),
    "api:kpi-result-list": ("get", {}, PUBLIC),
}


def site_patterns():
    """(key, route) of every URL pattern outside the admin."""

    def walk(patterns, prefix, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue
                inner = ":".join(n for n in (namespace, pattern.namespace) if n)
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                if pattern.name is None:
                    yield "/" + route, route
                else:
                    yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), route

    return list(walk(get_resolver().url_patterns, "", ""))


def test_every_url_pattern_is_in_the_matrix():
    keys = [key for key, _ in site_patterns()]
    missing = sorted(set(keys) - set(MATRIX))
    assert not missing, (
        f"URL patterns without a row in tests/test_permissions_matrix.py MATRIX: {missing}"
    )
    stale = sorted(set(MATRIX) - set(keys))
    assert not stale, f"rows for URL patterns that no longer exist: {stale}"
    assert len(keys) == len(set(keys))


@pytest.fixture
def world(db, settings, tmp_path):
    """Two agencies, a project of the first (current fiscal year, a step, this month's
    report with evidence), a KPI, a finished report job ordered by the first agency's
    staff, and a user per role."""
    settings.MEDIA_ROOT = tmp_path
    own, other = AgencyFactory(), AgencyFactory()
    project = ProjectFactory(agency=own, fiscal_year__year_be=current_fiscal_year_be())
    PlanStepFactory(project=project, order=1, weight=Decimal(100))
    today = timezone.localdate()
    entry = ProgressEntryFactory(
        project=project, reported_on=today, period=ProgressEntry.period_of(today)
    )
    users = {
        "own staff": UserFactory(agency=own),
        "own head": UserFactory(head=True, agency=own),
        "other staff": UserFactory(agency=other),
        "evaluator": UserFactory(evaluator=True),
        "manager": UserFactory(manager=True),
        "admin": UserFactory(admin=True),
    }
    PlanVersion.objects.create(
        project=project, number=1, state="submitted", submitted_by=users["own staff"]
    )
    job = ReportJob.objects.create(
        kind=ReportJob.Kind.AGENCY,
        format=ReportJob.Format.XLSX,
        fiscal_year=project.fiscal_year,
        agency=own,
        status=ReportJob.Status.DONE,
        requested_by=users["own staff"],
        finished_at=timezone.now(),
    )
    job.file.save("report.xlsx", ContentFile(b"PK\x03\x04 test"), save=True)
    return {
        "project": project,
        "entry": entry,
        "indicator": IndicatorFactory(projects=[project]),
        "job": job,
        "year": project.fiscal_year.year_be,
        "users": users,
    }


def resolve_kwargs(spec: dict, world: dict) -> dict:
    values = {}
    for name, value in spec.items():
        if value == "agency":
            values[name] = world["project"].agency.code
        elif value == "project":
            values[name] = world["project"].code
        elif value == "indicator":
            values[name] = world["indicator"].code
        elif value == "evidence":
            values[name] = EvidenceFileFactory(entry=world["entry"]).pk  # fresh each time
        elif value == "notification":  # of the own staff
            values[name] = Notification.objects.get_or_create(
                user=world["users"]["own staff"], kind="late", key="matrix", title="-"
            )[0].pk
        elif value == "job":
            values[name] = world["job"].pk
        elif value == "year":
            values[name] = world["year"]
        else:
            values[name] = value
    return values


def path_of(key: str, spec: dict, world: dict) -> str:
    """The URL of a row: its pattern with the kwargs, then its query string."""
    if key.startswith("/"):
        return key
    values = resolve_kwargs(spec, world)
    query = {name[1:]: value for name, value in values.items() if name.startswith("?")}
    kwargs = {name: value for name, value in values.items() if not name.startswith("?")}
    path = reverse(key, kwargs=kwargs)
    return f"{path}?{urlencode(query)}" if query else path


def outcome(response, *, gone_is_allowed=False) -> str:
    location = response.get("Location", "")
    if response.status_code == 302 and location.startswith(reverse("login")):
        return LOGIN
    if response.status_code == 403:
        return FORBIDDEN
    if response.status_code in (200, 302, 422) or (gone_is_allowed and response.status_code == 410):
        return ALLOWED
    return f"status {response.status_code}"


@pytest.mark.parametrize("key", sorted(MATRIX))
def test_role_by_url(client, world, key):
    method, spec, expected = MATRIX[key]
    seen = {}
    for role in ROLES:
        client.logout()
        if role != "anonymous":
            client.force_login(world["users"][role])
        path = path_of(key, spec, world)
        response = getattr(client, method)(path)
        seen[role] = outcome(response, gone_is_allowed=key in GONE_IS_ALLOWED)
    assert seen == expected


def test_a_staff_page_of_another_agency_is_a_thai_403(client, world):
    client.force_login(world["users"]["other staff"])
    response = client.get(reverse("projects:report", args=[world["project"].code]))
    assert response.status_code == 403
    assert "ไม่มีสิทธิ์เข้าถึงหน้านี้" in response.content.decode()


def test_reports_of_a_past_month_stay_locked_even_for_own_staff(client, world):
    """The matrix's own-staff row is for an open month; past the deadline staff may read
    but not change."""
    project = ProjectFactory(
        agency=world["project"].agency, fiscal_year__year_be=current_fiscal_year_be() - 2
    )
    evidence = EvidenceFileFactory(entry=ProgressEntryFactory(project=project))
    client.force_login(world["users"]["own staff"])
    path = reverse("projects:evidence_delete", args=[project.code, evidence.pk])
    assert client.post(path).status_code == 403
    assert client.get(reverse("projects:detail", args=[project.code])).status_code == 200


def test_everybody_opens_my_agency_without_choosing_and_chooses_among_their_own(client, world):
    """Without ?agency= staff see their own agency and the others a chooser; the chooser
    lists only the agencies one may open."""
    own = world["project"].agency
    for role in LOGGED_IN:
        client.force_login(world["users"][role])
        response = client.get(reverse("projects:my_agency"))
        assert response.status_code == 200, role
        options = [
            o.get("value")
            for o in page_of(response).all("select[name=agency] option")
            if o.get("value")
        ]
        user = world["users"][role]
        if role in ("own staff", "own head", "other staff"):
            assert options == [user.agency.code], role
        else:
            assert own.code in options and world["users"]["other staff"].agency.code in options


def test_a_report_stays_with_the_agency_not_with_who_ordered_it(client, world):
    """Staff who ordered their agency's report and then moved to another agency no longer
    see it or download it (as an import they started: projects/imports/views.py)."""
    job, staff = world["job"], world["users"]["own staff"]
    staff.agency = world["users"]["other staff"].agency
    staff.save()
    client.force_login(staff)
    assert client.get(reverse("reports:download", args=[job.pk])).status_code == 403
    assert client.get(reverse("reports:job", args=[job.pk])).status_code == 403
    listed = page_of(client.get(reverse("reports:index"))).all(f"#job-{job.pk}")
    assert not listed


def test_a_head_reads_the_agencys_reports_awaiting_approval_and_writes_none(client, world):
    """The evidence of a submitted report (not yet an entry's) is the agency's: its head
    downloads it, staff of another agency do not; the head posts no report."""
    from projects.models import ReportSubmission
    from tests.factories import ReportSubmissionFactory

    project = world["project"]
    project.agency.reports_need_approval = True
    project.agency.save()
    submission = ReportSubmissionFactory(
        project=project,
        period=project.fiscal_year.starts_on,
        state=ReportSubmission.State.SUBMITTED,
    )
    evidence = EvidenceFileFactory(entry=None, submission=submission)
    path = reverse("projects:evidence", args=[project.code, evidence.pk])
    client.force_login(world["users"]["own head"])
    assert client.get(path).status_code == 200
    page = page_of(client.get(reverse("projects:detail", args=[project.code])))
    assert page.one("#submissions") is not None
    report = reverse("projects:report", args=[project.code])
    assert client.post(report, {"action": "submit"}).status_code == 403
    client.force_login(world["users"]["other staff"])
    assert client.get(path).status_code == 403
