"""Rendered pages kept between requests: the project page for its readers, the project list.

Rendering a project page costs some twenty milliseconds of Python (the S-curve, the gauge,
the quarters, a page of reports), and a page of the project list a count and a sort over a
year's projects, while most views are by people who only read: managers, executives,
other agencies. What they see inside ``<main>`` (but the messages) is the same for all of
them, so it is rendered once and kept.

It is kept under a key made of what it shows:

- revision tokens (projects/revisions.py changes them on every write, in the writer's
  transaction): the project's ``revision`` and the "site" token for a project page, the
  "site" and "projects" tokens for the list. They are read in the first query of the
  page, before anything else: a body rendered from newer data may be kept under an older
  key, never the reverse;
- for a project page, today's date (planned progress, "behind schedule" and the quarters
  depend on it), the behind-schedule threshold, the language and whether the reader is an
  evaluator; for the list, the whole query string (filters, search, page).

So a kept page is never out of date, on any number of app servers, each with its own
cache ("pages" in settings.CACHES, in memory by default). The agency's staff, สยป. and
administrators get forms in the project page and are rendered each time, as are other
pages of a project's history and htmx requests for it.
"""

import hashlib
import zlib

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.http import Http404
from django.utils import translation

from projects import permissions, revisions
from projects.models import Project, RevisionToken

CACHE_ALIAS = "pages"


def project_stamp(code: str) -> Project:
    """What decides whether and under which key the page of project ``code`` is kept: its
    id, code, name, agency and revision, with the site token as ``site_token``. One query in
    plain SQL, the first of the page (the ORM would take longer to write it than PostgreSQL
    to answer it). 404 when there is no such project."""
    project_table = connection.ops.quote_name(Project._meta.db_table)
    token_table = connection.ops.quote_name(RevisionToken._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT p.id, p.code, p.name, p.agency_id, p.revision, "
            f"(SELECT t.token FROM {token_table} t WHERE t.scope = %s) "
            f"FROM {project_table} p WHERE p.code = %s",
            [RevisionToken.SITE, code],
        )
        row = cursor.fetchone()
    if row is None:
        raise Http404
    project = Project(id=row[0], code=row[1], name=row[2], agency_id=row[3], revision=row[4])
    project.site_token = row[5]
    return project


def applies(request, project: Project) -> bool:
    """Whether this request is answered from the kept body: the first page of a read-only
    view (nothing in the query string), not an htmx request."""
    user = request.user
    return (
        not request.GET
        and not getattr(request, "htmx", False)
        and not permissions.can_report_progress(user, project)
        and not permissions.can_reopen_month(user, project)
    )


def key(project: Project, *, today, user) -> str:
    """The key of the body of ``project``'s page (from project_stamp)."""
    return ":".join(
        str(part)
        for part in (
            "project-body",
            project.pk,
            project.revision,
            project.site_token,
            today.isoformat(),
            settings.BMA_BEHIND_THRESHOLD,
            translation.get_language(),
            int(permissions.can_evaluate(user)),
        )
    )


def list_key(request, part: str, *, tokens: dict | None = None, day=None) -> str:
    """The key of a list of projects (the project list, the dashboard's drill-down) for
    this query string: ``tokens`` as read before anything else the list shows (read now
    when not given: one query), and ``day`` when what it shows depends on the date."""
    if tokens is None:
        tokens = revisions.tokens()
    query = hashlib.sha256(request.META.get("QUERY_STRING", "").encode()).hexdigest()
    return ":".join(
        str(part)
        for part in (
            "project-list",
            part,
            tokens.get(RevisionToken.SITE),
            tokens.get(RevisionToken.PROJECTS),
            query,
            day.isoformat() if day else "-",
            translation.get_language(),
        )
    )


def get(key: str) -> str | None:
    packed = caches[CACHE_ALIAS].get(key)
    return None if packed is None else zlib.decompress(packed).decode()


def put(key: str, body: str) -> None:
    # Kept compressed: Thai HTML shrinks to a sixth, so a worker keeps six times the pages
    # in the same memory, for a fifth of a millisecond of zlib per view.
    caches[CACHE_ALIAS].set(key, zlib.compress(body.encode(), 1))
