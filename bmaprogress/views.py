from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.shortcuts import render
from django.views import defaults

from bmaprogress.middleware import database_unavailable_response


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
