from django.conf import settings


def navigation(request):
    """The role of the logged-in user, for the top navigation."""
    user = getattr(request, "user", None)
    role = user.role if user is not None and user.is_authenticated else None
    from indicators.permissions import can_view_evaluation_summary
    from projects import public
    from projects.permissions import (
        can_create_projects,
        can_evaluate,
        can_use_imports,
        can_use_reports,
        can_view_dashboards,
    )

    return {
        "nav_role": role,
        # «รออนุมัติ (N)» beside the menu (not in its kept fragment): None, no link.
        "nav_waiting_count": lambda: _waiting_count(user),
        "nav_can_view_dashboards": can_view_dashboards(user),
        "nav_can_use_reports": can_use_reports(user),
        "nav_can_evaluate": can_evaluate(user),
        "nav_can_view_evaluation_summary": can_view_evaluation_summary(user),
        "nav_can_import": can_use_imports(user),
        # The project list's "โครงการใหม่" button: outside its kept body (projects/pagecache.py).
        "nav_can_create_project": can_create_projects(user),
        # The public pages are on (issue 17): anonymous visitors get their menu.
        "public_site": public.enabled(),
        # How long base.html keeps the menu and the form texts ({% cache %}): as kept pages.
        "page_cache_seconds": settings.BMA_PAGE_CACHE_SECONDS,
    }


def _waiting_count(user) -> int:
    from projects import approval_nav, view_helpers

    return approval_nav.waiting_count(user, today=view_helpers.today())


def notification_bell(request):
    """The bell's unread count when one is kept (no query: projects/notifications/bell.py);
    None lets the bell ask for it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from projects.notifications import bell

    return {"nav_unread": bell.kept_count(user.pk)}
