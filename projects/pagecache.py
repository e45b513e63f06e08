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
  depend on it), the behind-schedule threshold, the language, and each rule of
  projects/permissions.py the body applies to its reader (``reader``): whether they are an
  evaluator, may open the evidence files, may read the change history. For the list, the
  whole query string (filters, search, page) and, when it names an agency, which agencies'
  plans the reader may export (the link to the plan workbook).

So a kept page is never out of date, on any number of app servers, each with its own
cache ("pages" in settings.CACHES, in memory by default). The agency's staff, สยป. and
administrators get forms in the project page and are rendered each time, as are other
pages of a project's history and htmx requests for it.
"""

import functools
import hashlib
import zlib

from django.conf import settings
from django.contrib import messages
from django.core.cache import caches
from django.db import connection
from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import escape
from django.utils.text import Truncator

from projects import permissions, revisions
from projects.models import Project, RevisionToken

CACHE_ALIAS = "pages"


# The columns of a project's stamp (project_stamp), in this order wherever they are read.
STAMP_COLUMNS = ("id", "code", "name", "agency_id", "revision")


def asks_for_project(view):
    """Outermost decorator of a view of one project (``code``): the project's stamp is read
    with the session (projects/sessions.py), in the page's one query."""

    @functools.wraps(view)
    def wrapper(request, code, *args, **kwargs):
        ask = getattr(getattr(request, "session", None), "ask_for_project", None)
        if ask is not None:
            ask(code)
        return view(request, code, *args, **kwargs)

    return wrapper


def _riders(request) -> dict:
    """What was read with the session of ``request`` (projects/sessions.py)."""
    return getattr(getattr(request, "session", None), "riders", None) or {}


def page_tokens(request) -> dict:
    """The revision tokens by scope: those read with the session (the first query of the
    page), or read now."""
    return _riders(request).get("tokens") or revisions.tokens()


def project_stamp(code: str, request=None) -> Project:
    """What decides whether and under which key the page of project ``code`` is kept: its
    id, code, name, agency and revision, with the site token as ``site_token``. Read with
    the session when the view asked for it (``asks_for_project``), else in one query of
    plain SQL, the first of the page (the ORM would take longer to write it than
    PostgreSQL to answer it). 404 when there is no such project."""
    riders = _riders(request)
    if riders.get("project", (None,))[0] == code:
        row = riders["project"][1]
        site_token = riders["tokens"][RevisionToken.SITE]
    else:
        quote = connection.ops.quote_name
        columns = ", ".join(f"p.{quote(column)}" for column in STAMP_COLUMNS)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {columns}, "
                f"(SELECT t.token FROM {quote(RevisionToken._meta.db_table)} t WHERE t.scope = %s) "
                f"FROM {quote(Project._meta.db_table)} p WHERE p.{quote('code')} = %s",
                [RevisionToken.SITE, code],
            )
            row = cursor.fetchone()
        site_token = row and row[len(STAMP_COLUMNS)]
    if row is None:
        raise Http404
    project = Project(**dict(zip(STAMP_COLUMNS, row, strict=False)))
    project.site_token = site_token
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
            reader(user, project),
        )
    )


def reader(user, project: Project) -> str:
    """What the body of ``project``'s page shows by who reads it, one digit per rule: a
    body is shared only by readers for whom every rule says the same. A rule added to the
    page's templates (views._reader_context) is added here."""
    return "".join(
        str(int(rule))
        for rule in (
            permissions.can_evaluate(user),
            permissions.can_open_evidence(user, project),
            permissions.can_view_project_changes(user, project),
        )
    )


def list_key(request, part: str, *, tokens: dict | None = None, day=None) -> str:
    """The key of a list of projects (the project list, the dashboard's drill-down) for
    this query string: ``tokens`` as read before anything else the list shows (read now
    when not given: one query), and ``day`` when what it shows depends on the date."""
    if tokens is None:
        tokens = page_tokens(request)
    query = hashlib.sha256(request.META.get("QUERY_STRING", "").encode()).hexdigest()
    # A list of one agency links to its plan workbook for those who may export it.
    scope = permissions.internal_scope(request.user) if request.GET.get("agency") else "-"
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
            scope,
        )
    )


# Where the title and the body go in a kept shell: private-use characters, which no
# template writes and escaping leaves alone.
TITLE_SLOT = "\ue000kept-title\ue000"
BODY_SLOT = "\ue000kept-body\ue000"
NONCE_SLOT = "\ue000kept-nonce\ue000"


def project_title(project) -> str:
    """The project page's title (the page's <title>)."""
    name = project.name
    if len(name) > 60:  # (Truncator counts no combining marks: shorter is never cut)
        name = Truncator(name).chars(60)
    return f"{project.code} {name}"


def render_page(request, template_name: str, *, body: bytes, title=None):
    """The page ``template_name`` around a kept ``body`` (UTF-8, as ``get_bytes`` gives it;
    and ``title``, for templates whose title is ``page_title``).

    What surrounds the body (the top bar with the reader's name and menu, the logout form
    with its CSRF token) is kept too, per reader: under the reader, their CSRF cookie's
    secret (the kept token is valid only with that cookie), the site token (names, roles,
    agencies) and the language. Not kept when the request has no CSRF cookie yet (the
    render sets it) or has messages to show. The script nonce of the Content Security
    Policy is new in every response: the kept shell has a slot for it.

    All in UTF-8 bytes: a kept page is never decoded nor encoded again."""
    shell_key = _shell_key(request, template_name)
    shell = None if shell_key is None else caches[CACHE_ALIAS].get(shell_key)
    nonce = str(getattr(request, "csp_nonce", "")).encode()
    if shell is None:
        slots = {"kept_body": BODY_SLOT, "page_title": TITLE_SLOT}
        html = render_to_string(template_name, slots, request).encode()
        if nonce:
            html = html.replace(nonce, NONCE_SLOT.encode())
        head, found, rest = html.partition(TITLE_SLOT.encode())
        if not found:  # a title of its own
            head, rest = b"", html
        middle, _slot, tail = rest.partition(BODY_SLOT.encode())
        shell = (head, middle, tail)
        if shell_key is not None:
            caches[CACHE_ALIAS].set(shell_key, shell)
    head, middle, tail = (part.replace(NONCE_SLOT.encode(), nonce) for part in shell)
    title = b"" if title is None else escape(title).encode()
    return HttpResponse(b"".join((head, title, middle, body, tail)))


def _shell_key(request, template_name: str) -> str | None:
    secret = request.META.get("CSRF_COOKIE")
    if not secret or len(messages.get_messages(request)):
        return None
    return ":".join(
        str(part)
        for part in (
            "shell",
            template_name,
            request.user.pk,
            hashlib.sha256(secret.encode()).hexdigest()[:32],
            page_tokens(request).get(RevisionToken.SITE),
            translation.get_language(),
        )
    )


def get_bytes(key: str) -> bytes | None:
    """The kept page part ``key``, in UTF-8."""
    packed = caches[CACHE_ALIAS].get(key)
    return None if packed is None else zlib.decompress(packed)


def get(key: str) -> str | None:
    body = get_bytes(key)
    return None if body is None else body.decode()


def put(key: str, body: str) -> bytes:
    """Keep ``body`` under ``key``; gives it back in UTF-8."""
    # Kept compressed: Thai HTML shrinks to a sixth, so a worker keeps six times the pages
    # in the same memory, for a fifth of a millisecond of zlib per view.
    encoded = body.encode()
    caches[CACHE_ALIAS].set(key, zlib.compress(encoded, 1))
    return encoded
