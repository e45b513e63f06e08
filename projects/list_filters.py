"""Where the lists of projects and of KPIs start: on the current fiscal year and, for an
agency's staff, on their agency.

A list asked for without any filter (the menu's link, the address typed) is redirected to
the address of its starting filters, so that the address says what the page shows: the
project list is kept under its query string (projects/pagecache.py), the same for every
reader, and the starting filters depend on the reader and the date. A filter in the
address is taken as it is: ``year=`` (ทุกปี) is every year, ``agency=`` every agency, and a
filter left out is every year or agency too.
"""

from django.http import HttpResponseRedirect
from django.utils import timezone
from django.utils.http import urlencode

from projects import thaidates
from projects.models import FiscalYear, User


def starting_filters(user) -> dict[str, str]:
    """The current fiscal year (the newest one the system has when it has not this one
    yet, none when it has none) and, for staff and heads, their agency (none for an
    anonymous visitor of the public list)."""
    current = thaidates.fiscal_year_of(timezone.localdate())
    years = list(FiscalYear.objects.values_list("year_be", flat=True))  # newest first
    year_be = current if current in years else next(iter(years), None)
    filters = {"year": "" if year_be is None else str(year_be)}
    role = getattr(user, "role", None)  # AnonymousUser has none
    if role in (User.Role.STAFF, User.Role.HEAD) and user.agency_id is not None:
        filters["agency"] = user.agency.code
    return filters


def redirect_to_start(request, path: str | None = None) -> HttpResponseRedirect | None:
    """The redirect to the starting filters when the list is asked for without any (to
    ``path``, else the address asked for)."""
    if request.GET:
        return None
    return HttpResponseRedirect(
        f"{path or request.path}?{urlencode(starting_filters(request.user))}"
    )
