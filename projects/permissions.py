"""Who may do what: one function per rule, used by every view and tested as a role × URL matrix.

Roles (domain.md): agency staff change only their own agency's projects; evaluators (สยป.)
score quarters and KPIs and lock quarters; managers read everything and print reports;
administrators do everything. Everybody logged in may read.
"""

from functools import wraps

from django.core.exceptions import PermissionDenied

from projects.models import User


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def is_admin(user) -> bool:
    return _active(user) and (user.is_superuser or user.role == User.Role.ADMIN)


def can_read(user) -> bool:
    return _active(user)


def can_edit_project(user, project) -> bool:
    """Report progress, edit the plan: staff of the project's own agency, or an administrator."""
    if is_admin(user):
        return True
    return (
        _active(user)
        and user.role == User.Role.STAFF
        and user.agency_id is not None
        and user.agency_id == project.agency_id
    )


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


def can_reopen_month(user, project) -> bool:
    """Reopen a locked reporting month for one project: สยป. (and administrators)."""
    return can_evaluate(user)


def can_download_evidence(user, evidence) -> bool:
    """Evidence files are read like the rest of a project: by everybody logged in."""
    return can_read(user)


def can_view_agency_status(user, agency) -> bool:
    """The monthly status page of an agency (หน่วยงานของฉัน): a read-only page."""
    return can_read(user)


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
    if can_view_dashboards(user):
        return True
    return (
        _active(user)
        and user.role == User.Role.STAFF
        and agency is not None
        and user.agency_id is not None
        and user.agency_id == agency.pk
    )


def can_request_bma_report(user) -> bool:
    """Order the whole-BMA report: managers, evaluators and administrators."""
    return can_view_dashboards(user)


def can_use_reports(user) -> bool:
    """Open the reports page: whoever may order at least one report."""
    return can_view_dashboards(user) or (
        _active(user) and user.role == User.Role.STAFF and user.agency_id is not None
    )


def can_download_report(user, job) -> bool:
    """See and download an ordered report: its requester, or anyone who may order it."""
    if not _active(user):
        return False
    if job.requested_by_id == user.pk:
        return True
    if job.agency_id is None:
        return can_request_bma_report(user)
    return can_request_agency_report(user, job.agency)


# --- Imports and the annual-plan spreadsheet (issue 8, projects/imports_views.py) ----------


def can_import_pages(user) -> bool:
    """Upload pages of today's system (the old monitoring system): administrators."""
    return is_admin(user)


def can_import_plan(user, agency) -> bool:
    """Import an annual-plan spreadsheet for ``agency``: administrators for every agency,
    agency staff for their own agency only."""
    if is_admin(user):
        return True
    return (
        _active(user)
        and user.role == User.Role.STAFF
        and agency is not None
        and user.agency_id is not None
        and user.agency_id == agency.pk
    )


def can_use_imports(user) -> bool:
    """Open the import pages (and see the nav link): whoever may import something."""
    return is_admin(user) or (
        _active(user) and user.role == User.Role.STAFF and user.agency_id is not None
    )


def can_export_plan(user, agency) -> bool:
    """Download an agency's annual plan as the spreadsheet: everybody who may read."""
    return can_read(user)


def can_download_plan_template(user) -> bool:
    """Download the empty annual-plan template: everybody logged in."""
    return can_read(user)
