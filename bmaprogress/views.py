from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import InterfaceError, OperationalError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import defaults

from bmaprogress.middleware import database_unavailable_response
from indicators import selectors as evaluation_selectors
from projects import list_filters, public
from projects.models import FiscalYear, User
from projects.permissions import is_admin


def login_locked_out(request, original_response=None, credentials=None):
    """django-axes' lockout answer (AXES_LOCKOUT_CALLABLE): a Thai page, status 429."""
    cool_off = get_cool_off(request)
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "username": get_client_username(request, credentials) or "",
        "cooloff_minutes": int(cool_off.total_seconds() // 60) if cool_off else 0,
    }
    response = render(
        request, "registration/locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE
    )
    response["Retry-After"] = str(int(cool_off.total_seconds())) if cool_off else "900"
    return response


def _database_may_be_down(handler):
    """Django's 404/403 pages extend base.html, which reads the user from the session:
    with the database down, rendering them fails and Django answers a bare 500. Answer
    the Thai 503 page instead."""

    def view(request, exception=None):
        try:
            return handler(request, exception)
        except (OperationalError, InterfaceError):
            return database_unavailable_response(request)

    view.__name__ = handler.__name__
    return view


page_not_found = _database_may_be_down(defaults.page_not_found)
permission_denied = _database_may_be_down(defaults.permission_denied)


def home(request):
    """The site's root: for an anonymous visitor the public project list while the public
    site is on (issue 17), else the login page; for people logged in, _landing."""
    if not request.user.is_authenticated and public.enabled():
        # The public list on its starting filters (the current year: list_filters).
        public_list = reverse("public:projects")
        return list_filters.redirect_to_start(request, public_list) or redirect(public_list)
    return _landing(request)


@login_required
def _landing(request):
    """Where people land after logging in (LOGIN_REDIRECT_URL) and at the site's root:
    administrators and executives on the dashboard, สยป. on the current quarter's
    evaluation, an agency's staff and heads on its monthly reporting status (หน่วยงานของฉัน);
    anybody else on the project list."""
    user = request.user
    if is_admin(user) or user.role == User.Role.MANAGER:
        return redirect("dashboard:index")
    if user.role == User.Role.EVALUATOR:
        fiscal_year = evaluation_selectors.default_fiscal_year(list(FiscalYear.objects.all()))
        if fiscal_year is None:
            return redirect("indicators:evaluation-home")
        quarter = evaluation_selectors.default_quarter(fiscal_year)
        return redirect("indicators:evaluation", year=fiscal_year.year_be, quarter=quarter)
    if user.role in (User.Role.STAFF, User.Role.HEAD) and user.agency_id is not None:
        return redirect("projects:my_agency")
    return redirect("projects:list")
