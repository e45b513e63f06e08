"""Who may do what: one function per rule, used by every view and tested as a role × URL matrix.

Roles (domain.md): agency staff change only their own agency's projects; evaluators (สยป.)
score quarters and KPIs and lock quarters; managers read everything and print reports;
administrators do everything.

Reading (issue 12, item 11), as a Thai government agency keeps its records:

- a project as published (its page, its print, the lists, KPIs): everybody logged in;
- what an agency keeps for itself and for those who oversee it (its annual-plan workbook,
  which may still be a draft; its monthly reporting status, หน่วยงานของฉัน; the change
  history of its projects, with earlier drafts and who typed them): its own staff, and
  สยป., executives and administrators, who follow every agency. Not other agencies' staff;
- evidence files (letters, contracts, photos, minutes sent as proof of progress): the
  agency's staff, สยป. who evaluate on them, administrators. Not executives, whose
  dashboards and reports need the results, not the papers; not other agencies.

Heads of agencies (หัวหน้าหน่วยงาน, issue 15) read everything their agency's staff read
(the agency's internals, its evidence, its reports on their way to approval) and approve
or return its reports (can_approve); they do not write reports themselves.

Whatever a kept page (projects/pagecache.py) shows by these rules is part of its key.
"""

import datetime as dt
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db.models import F, QuerySet

from projects import public
from projects.models import ApprovalDelegation, User


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def is_admin(user) -> bool:
    return _active(user) and (user.is_superuser or user.role == User.Role.ADMIN)


def _staff_of(user, agency_id) -> bool:
    return (
        _active(user)
        and user.role == User.Role.STAFF
        and agency_id is not None
        and user.agency_id is not None
        and user.agency_id == agency_id
    )


def is_head_of(user, agency_id) -> bool:
    """A head (หัวหน้าหน่วยงาน) of the agency ``agency_id``."""
    return (
        _active(user)
        and user.role == User.Role.HEAD
        and agency_id is not None
        and user.agency_id == agency_id
    )


def _member_of(user, agency_id) -> bool:
    """Staff or a head of the agency: those who read what it keeps for itself."""
    return _staff_of(user, agency_id) or is_head_of(user, agency_id)


def can_read(user) -> bool:
    return _active(user)


def can_edit_project(user, project) -> bool:
    """Report progress, edit the plan: staff of the project's own agency, or an administrator."""
    return is_admin(user) or _staff_of(user, project.agency_id)


def can_evaluate(user) -> bool:
    """Score quarters and KPIs, lock and reopen quarters and reporting months: สยป."""
    return _active(user) and (user.role == User.Role.EVALUATOR or is_admin(user))


def can_view_dashboards(user) -> bool:
    """Cross-agency dashboards and batch reports: managers, evaluators, administrators."""
    return _active(user) and (
        user.role in (User.Role.MANAGER, User.Role.EVALUATOR) or is_admin(user)
    )


def can_report_progress(user, project) -> bool:
    """Open the report form of a project: the same people who may edit it."""
    return can_edit_project(user, project)


def can_report_month(user, project, month_state) -> bool:
    """Save a report for one month: staff only before the month's deadline or while สยป.
    has reopened it; administrators at any time."""
    if is_admin(user):
        return True
    return can_edit_project(user, project) and not month_state.locked


def can_edit_plan(user, project) -> bool:
    """Add, change, reorder and remove plan steps."""
    return can_edit_project(user, project)


def can_create_project(user, agency) -> bool:
    """Create a project of ``agency`` from the screen (and then its plan): the agency's
    staff, administrators for every agency."""
    return agency is not None and (is_admin(user) or _staff_of(user, agency.pk))


def can_create_projects(user) -> bool:
    """Open the new-project form (and see its button): whoever may create a project of
    some agency. Staff choose no agency: theirs is the one."""
    return is_admin(user) or (
        _active(user) and user.role == User.Role.STAFF and user.agency_id is not None
    )


def can_reopen_month(user, project) -> bool:
    """Reopen a locked reporting month for one project: สยป. (and administrators)."""
    return can_evaluate(user)


def oversees_every_agency(user) -> bool:
    """สยป., executives and administrators follow every agency's plans and reporting."""
    return can_view_dashboards(user)


def can_read_agency_internal(user, agency_id) -> bool:
    """What an agency keeps for itself and those who oversee it: its own staff, สยป.,
    executives, administrators (see the module's docstring)."""
    return oversees_every_agency(user) or _member_of(user, agency_id)


def internal_scope(user) -> str:
    """Which agencies' internals ``user`` may read, as a part of a cache key: "all", one
    agency ("agency-<id>") or "none". Readers with the same scope pass
    ``can_read_agency_internal`` for the same agencies."""
    if oversees_every_agency(user):
        return "all"
    if _member_of(user, getattr(user, "agency_id", None)):
        return f"agency-{user.agency_id}"
    return "none"


def can_open_evidence(user, project) -> bool:
    """Evidence files of ``project``: staff and heads of its agency, สยป. and administrators."""
    return can_evaluate(user) or _member_of(user, project.agency_id)


def can_download_evidence(user, evidence) -> bool:
    owner = evidence.entry if evidence.entry_id is not None else evidence.submission
    return can_open_evidence(user, owner.project)


def can_see_submissions(user, project) -> bool:
    """The reports of ``project`` on their way to approval (drafts, submitted, returned)
    and their history: its agency's own staff and heads, and administrators. Nobody else
    sees a report before it is approved."""
    return can_see_agency_submissions(user, project.agency_id)


def can_see_agency_submissions(user, agency_id) -> bool:
    """The same for every project of the agency ``agency_id`` (my agency's table)."""
    return is_admin(user) or _member_of(user, agency_id)


def can_view_project_changes(user, project) -> bool:
    """The change history of a project (ประวัติการแก้ไข): an agency's internal record."""
    return can_read_agency_internal(user, project.agency_id)


def can_view_agency_status(user, agency) -> bool:
    """The monthly status page of an agency (หน่วยงานของฉัน): which projects have not
    reported, which are late. Its own staff, and those who follow up every agency."""
    return can_read_agency_internal(user, agency.pk)


def require(rule):
    """Decorate a view with a rule that takes only the user; 403 when it says no.

    Login is checked first by ``login_required`` (anonymous → login page).
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not rule(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


# --- Printed reports (reports/) -------------------------------------------------------------


def can_request_agency_report(user, agency) -> bool:
    """Order an agency's report (PDF/XLSX): managers, evaluators and administrators for
    every agency; agency staff for their own agency only."""
    return agency is not None and can_read_agency_internal(user, agency.pk)


def can_request_bma_report(user) -> bool:
    """Order the whole-BMA report: managers, evaluators and administrators."""
    return can_view_dashboards(user)


def can_use_reports(user) -> bool:
    """Open the reports page: whoever may order at least one report (staff and heads of
    an agency, their own agency's)."""
    return can_view_dashboards(user) or (
        _active(user)
        and user.role in (User.Role.STAFF, User.Role.HEAD)
        and user.agency_id is not None
    )


def can_download_report(user, job) -> bool:
    """See and download an ordered report: whoever may order it now. The report belongs
    to its agency, not to who ordered it: staff moved to another agency lose it."""
    if job.agency_id is None:
        return can_request_bma_report(user)
    return can_read_agency_internal(user, job.agency_id)


# --- Imports and the annual-plan spreadsheet (issue 8, projects/imports/views.py) ----------


def can_import_pages(user) -> bool:
    """Upload pages of today's system (the old monitoring system): administrators."""
    return is_admin(user)


def can_import_strategy(user) -> bool:
    """Keep the strategy tree (admin, workbook import, unmatched links): administrators."""
    return is_admin(user)


def can_import_plan(user, agency) -> bool:
    """Import an annual-plan spreadsheet for ``agency``: administrators for every agency,
    agency staff for their own agency only."""
    return is_admin(user) or (agency is not None and _staff_of(user, agency.pk))


def can_download_month_workbook(user, agency) -> bool:
    """The month's reports of ``agency`` as one workbook (issue 18): its staff and heads
    (heads read what their staff will send), administrators."""
    return is_admin(user) or (agency is not None and _member_of(user, agency.pk))


def can_upload_month_workbook(user, agency) -> bool:
    """Save the month's reports of ``agency`` from the workbook: who reports progress
    (its staff, administrators), as the report form (can_report_progress)."""
    return is_admin(user) or (agency is not None and _staff_of(user, agency.pk))


def can_use_imports(user) -> bool:
    """Open the import pages (and see the nav link): whoever may import something."""
    return is_admin(user) or (
        _active(user) and user.role == User.Role.STAFF and user.agency_id is not None
    )


def can_export_plan(user, agency) -> bool:
    """Download an agency's annual plan as the spreadsheet: the plan may be a draft still,
    internal to the agency and those who oversee it."""
    return can_read_agency_internal(user, agency.pk)


def can_download_plan_template(user) -> bool:
    """Download the empty annual-plan template: everybody logged in."""
    return can_read(user)


# --- Open data (issue 17, reports/opendata) ------------------------------------------------


def can_view_open_data(user) -> bool:
    """The open-data page and files: everybody logged in, and the public while the public
    site is on (projects.public.enabled). They hold only public data."""
    return can_read(user) or public.enabled()


def can_request_open_data(user) -> bool:
    """Ask for a fresh open-data export: managers and administrators."""
    return _active(user) and (user.role == User.Role.MANAGER or is_admin(user))


# --- Approval of monthly reports (issue 15, projects/approvals.py) --------------------------


def delegations_in_force(*, today: dt.date) -> QuerySet:
    """The one home of "a delegation in force on ``today``": both days included, given by
    somebody who is still an active head of that agency (a head who moved or left takes
    their delegations with them)."""
    return ApprovalDelegation.objects.filter(
        starts_on__lte=today,
        ends_on__gte=today,
        head__role=User.Role.HEAD,
        head__agency_id=F("agency_id"),
        head__is_active=True,
    )


def agencies_to_approve(user, *, today: dt.date) -> list[int]:
    """The agencies whose submitted reports ``user`` may approve or return on ``today``:
    their own as a head, and those whose head delegated to them for that day."""
    if not _active(user):
        return []
    ids = [user.agency_id] if is_head_of(user, user.agency_id) else []
    delegated = delegations_in_force(today=today).filter(deputy=user)
    ids += [pk for pk in delegated.values_list("agency_id", flat=True) if pk not in ids]
    return sorted(ids)


def can_approve(user, agency_id, *, today: dt.date) -> bool:
    """Approve or return the agency's submitted reports: its heads, or a deputy with a
    delegation in force that day. (Nobody decides on a report they submitted themselves:
    ``can_decide``.)"""
    if is_head_of(user, agency_id):
        return True
    return (
        _active(user)
        and agency_id is not None
        and delegations_in_force(today=today).filter(deputy=user, agency_id=agency_id).exists()
    )


def can_decide(user, submission, *, today: dt.date) -> bool:
    """Approve or return this submission: ``can_approve`` for its project's agency, and not
    the one who submitted it."""
    return submission.submitted_by_id != user.pk and can_approve(
        user, submission.project.agency_id, today=today
    )


def can_delegate(user, agency_id) -> bool:
    """Hand the approval of the agency's reports to a deputy for a period (and end it):
    its heads. Administrators do it in the admin."""
    return is_head_of(user, agency_id)


# --- Approval of plans: the baseline (issue 18, projects/plan_versions.py) ------------------


def can_approve_plan(user, project, *, today: dt.date) -> bool:
    """Approve or return a version of the project's plan, making it the baseline: whoever
    approves the agency's reports (its heads, a deputy in force: ``can_approve``), and สยป.
    (evaluators and administrators), who follow every agency's plans."""
    return can_evaluate(user) or can_approve(user, project.agency_id, today=today)


def can_decide_plan(user, version, *, today: dt.date) -> bool:
    """Approve or return this plan version: ``can_approve_plan``, and not the one who sent it."""
    return version.submitted_by_id != user.pk and can_approve_plan(
        user, version.project, today=today
    )


def can_submit_plan(user, project) -> bool:
    """Send the plan for approval: those who edit it."""
    return can_edit_plan(user, project)
