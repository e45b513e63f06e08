"""Rendered page bodies kept in the shared cache: the project page for its readers, the
project list, the dashboard's drill-down.

Rendering a project page costs some twenty milliseconds of Python (the S-curve, the gauge,
the quarters, a page of reports), a page of the project list a count and a sort over a
year's projects, and most views are by people who only read. What they see inside
``<main>`` is the same for all of them, so it is rendered once and kept in the default
cache: Redis when ``REDIS_URL`` is set, one copy for every worker of every app server; in
the process's memory otherwise (``make run``). The page around it (the top bar with the
reader's name, the CSRF token, the script nonce) is rendered for every request.

Versions, as pretix's namespaced cache versions: each scope has one, a random token kept
in the same cache:

- ``project(id)``: a project and the rows that belong to it (its steps, reports, evidence,
  objectives, reopened months, quarter evaluations...);
- ``PROJECTS``: the lists, which show every project;
- ``SITE``: what many pages share (agencies, fiscal years, deadlines, KPIs, users' names).

A body is kept with the versions of the scopes it shows, as read before the data it was
rendered from, and served only while they are still the current ones (``kept()``: the
body and the versions in one round trip to the cache). A write gives its scopes new
versions (``bump()``) once its transaction has committed: a reader never meets a new
version before the new data, and a body rendered from newer data may be kept with older
versions, never the reverse. Nothing is locked and nothing is shared between writers but
the cache's keys: two report saves on different projects never wait for each other.

Which write bumps which scope is derived from the models, not listed (``classify()``):
a model with a foreign-key path to ``Project`` (``ProgressEntry.project``,
``EvidenceFile.entry`` → ``ProgressEntry``) is project-scoped; the models of ``SITE_WIDE``
bump ``SITE``; those of ``IGNORED`` show on no kept page. tests/test_pagecache_models.py
fails for a model that is none of these. Saves and deletes are caught by ``post_save`` and
``post_delete``, many-to-many links by ``m2m_changed``; the core's writes that send
neither (``QuerySet.update()``, ``bulk_create()``) send ``projects.signals.rows_written``.

How stale a page can be: a process that dies between its commit and the new versions
(or a cache that cannot be reached at that moment) leaves the old bodies in use until
they expire, ``BMA_PAGE_CACHE_SECONDS`` (300) after they were kept. The same holds for SQL
written by hand; ``manage.py shell -c "from projects import pagecache;
pagecache.bump(pagecache.SITE)"`` makes every kept page unreachable at once.
``BMA_PAGE_CACHE_SECONDS=0`` keeps nothing (every view is rendered: for measuring).
"""

import hashlib
import uuid
from collections.abc import Callable

from django.apps import apps
from django.conf import settings
from django.core import checks
from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import translation

from projects.signals import rows_written

SITE = "site"
PROJECTS = "projects"


def project(pk) -> str:
    """The scope of project ``pk`` and of the rows that belong to it."""
    return f"project:{pk}"


# --- reading -------------------------------------------------------------------------------


def versions(*scopes: str) -> list[str]:
    """The current version of each scope, in one round trip to the cache (a scope that has
    none yet gets one). For ``kept(..., versions=)`` when the body shows data read earlier."""
    return _current(scopes, cache.get_many([_version_key(scope) for scope in scopes]))


def kept(parts: tuple, scopes: tuple[str, ...], render: Callable[[], str], *, versions=None):
    """The body kept for ``parts`` (what it shows besides its scopes) if it was rendered
    under the current versions of ``scopes``; else ``render()``, kept with those versions
    for ``BMA_PAGE_CACHE_SECONDS``. The versions and the body come in one round trip, and
    ``render`` reads its data after them; ``versions`` (from ``versions()``) are for a
    body that shows data read before this call."""
    seconds = settings.BMA_PAGE_CACHE_SECONDS
    if seconds <= 0:
        return render()
    key = ":".join(str(part) for part in ("page", *parts, translation.get_language()))
    version_keys = [] if versions is not None else [_version_key(scope) for scope in scopes]
    found = cache.get_many([key, *version_keys])
    if versions is None:
        versions = _current(scopes, found)
    stored = found.get(key)
    if stored is not None and stored[0] == versions:
        return stored[1]
    body = render()
    cache.set(key, (versions, body), seconds)
    return body


def query(request) -> str:
    """The request's query string as a part of a key (whatever its length and characters)."""
    return digest(request.META.get("QUERY_STRING", ""))


def digest(text: str) -> str:
    """``text`` from a request (a query string, a code in the address) as a part of a key,
    whatever its length and characters."""
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _current(scopes, found: dict) -> list[str]:
    return [
        found.get(key) or cache.get_or_set(key, _new_version, timeout=None)
        for key in map(_version_key, scopes)
    ]


# --- writing ---------------------------------------------------------------------------------


def bump(*scopes: str) -> None:
    """New versions for ``scopes`` once the current transaction commits (at once outside
    one). A cache that cannot be reached is logged, not raised: the data are committed,
    and the old bodies expire by themselves (see the module's docstring)."""
    transaction.on_commit(lambda: _set_new_versions(scopes), robust=True)


def _set_new_versions(scopes) -> None:
    cache.set_many({_version_key(scope): _new_version() for scope in scopes}, timeout=None)


def _version_key(scope: str) -> str:
    return f"version:{scope}"


def _new_version() -> str:
    # Random rather than counted: a version lost from the cache (evicted, flushed) is never
    # met again, so no body kept under it can come back.
    return uuid.uuid4().hex


# --- which write bumps which scope ---------------------------------------------------------

# Rows that many pages show: a write bumps SITE (every kept page).
SITE_WIDE = frozenset(
    {
        "projects.Agency",
        "projects.User",
        "projects.FiscalYear",
        "projects.ReportingDeadline",
        "projects.BudgetType",
        "projects.DisbursementTarget",
        "projects.StrategyNode",
        "indicators.Indicator",
        "indicators.IndicatorLevel",
        "indicators.IndicatorQuarterResult",
        "indicators.QuarterLock",
        "indicators.QuarterLockEvent",
    }
)
# Rows that no kept page shows: apps (by label) and models. Historical records
# (django-simple-history) are ignored too: they are written with the row they record.
IGNORED = frozenset(
    {
        "admin",
        "auth",
        "contenttypes",
        "sessions",
        "axes",
        "django_tasks_database",
        "reports.ReportJob",
        "reports.OpenDataExport",  # the open-data files: their own page, no kept one
        # Personal API tokens (api/): shown only on their owner's tokens page, never kept.
        "api",
        # Who may approve for whom: decides what a head sees, on pages never kept.
        "projects.ApprovalDelegation",
        # A person's own notices and choices: the bell is outside every kept body.
        "projects.Notification",
        "projects.NotificationPreference",
    }
)
# A user's fields that no page shows: saving only these keeps every page (every login
# saves last_login).
USER_FIELDS_NO_PAGE_SHOWS = frozenset({"last_login", "password", "session_stamp"})


def classify() -> dict[type, tuple[str, ...] | str | None]:
    """Each model of the project: the path from a row to its project's id for a
    project-scoped model (``("pk",)`` for Project, ``("project_id",)``, ``("entry",
    "project_id")``: the shortest, non-null keys first), SITE for a site-wide one or a
    many-to-many link, None for an ignored one. A model that is none of these is left out
    (tests/test_pagecache_models.py fails; ``connect`` treats it as site-wide)."""
    from simple_history.models import HistoricalChanges

    models = apps.get_models(include_auto_created=True)
    kinds: dict[type, tuple[str, ...] | str | None] = {}
    for model in models:
        meta = model._meta
        if (
            meta.app_label in IGNORED
            or meta.label in IGNORED
            or issubclass(model, HistoricalChanges)
        ):
            kinds[model] = None
        elif meta.auto_created:  # a many-to-many table: its owner says whether it counts
            owner = meta.auto_created._meta
            kinds[model] = None if owner.app_label in IGNORED or owner.label in IGNORED else SITE
    root = apps.get_model("projects", "Project")
    paths: dict[type, tuple[str, ...]] = {root: ("pk",)}
    level = [root]
    while level:
        found = {}
        for model in models:
            if model in paths or model in kinds:
                continue
            keys = [
                field
                for field in model._meta.concrete_fields
                if field.many_to_one and field.related_model in level
            ]
            if keys:
                field = min(keys, key=lambda field: field.null)
                to = paths[field.related_model]
                found[model] = (field.attname,) if to == ("pk",) else (field.name, *to)
        paths.update(found)
        level = list(found)
    kinds.update(paths)
    for model in models:
        if model not in kinds and model._meta.label in SITE_WIDE:
            kinds[model] = SITE
    return kinds


# Each project-scoped model's paths to its project: the one classify() found first, then
# the others (an evidence file belongs to an entry or, until it is approved, to a
# submission: whichever it has).
_paths: dict[type, list[tuple[str, ...]]] = {}


def _all_paths(model, first: tuple[str, ...], kinds) -> list[tuple[str, ...]]:
    others = [
        (field.attname,)
        if kinds[field.related_model] == ("pk",)
        else (field.name, *kinds[field.related_model])
        for field in model._meta.concrete_fields
        if field.many_to_one
        and field.related_model is not model
        and first[0] not in (field.name, field.attname)
        and isinstance(kinds.get(field.related_model), tuple)
    ]
    return [first, *others]


def connect() -> None:
    """Called once from ProjectsConfig.ready()."""
    kinds = classify()
    _paths.update(
        {
            model: _all_paths(model, kind, kinds)
            for model, kind in kinds.items()
            if isinstance(kind, tuple)
        }
    )
    for model in apps.get_models(include_auto_created=True):
        kind = kinds.get(model, SITE)
        if kind is None:
            continue
        if model._meta.auto_created:
            m2m_changed.connect(_linked, sender=model, dispatch_uid=f"pagecache-{model._meta}")
        else:
            post_save.connect(_saved, sender=model, dispatch_uid=f"pagecache-s-{model._meta}")
            post_delete.connect(_deleted, sender=model, dispatch_uid=f"pagecache-d-{model._meta}")
    rows_written.connect(_rows_written, dispatch_uid="pagecache-rows-written")


def _saved(sender, instance, raw=False, update_fields=None, **kwargs):
    if (
        sender._meta.label == "projects.User"
        and update_fields
        and set(update_fields) <= USER_FIELDS_NO_PAGE_SHOWS
    ):
        return
    # A fixture's rows (raw) may point at rows not loaded yet: everything is new anyway.
    _changed(sender, None if raw else instance)


def _deleted(sender, instance, **kwargs):
    _changed(sender, instance)


def _changed(model, instance) -> None:
    project_id = None
    if instance is not None and model in _paths:
        project_id = next(
            (pk for path in _paths[model] if (pk := _project_id(instance, path)) is not None),
            None,
        )
    if project_id is None:
        bump(SITE)
    else:
        bump(project(project_id), PROJECTS)


def _project_id(instance, path: tuple[str, ...]):
    value = instance
    try:
        for name in path:
            value = getattr(value, name)
            if value is None:
                return None
    except ObjectDoesNotExist:
        return None
    return value


def _linked(sender, action="", **kwargs):
    if action.startswith("post_"):
        bump(SITE)


def _rows_written(sender, project_ids=None, **kwargs):
    if project_ids is not None and sender in _paths:
        bump(PROJECTS, *(project(pk) for pk in set(project_ids)))
    else:
        bump(SITE)


# --- deployment ----------------------------------------------------------------------------


@checks.register(checks.Tags.caches, deploy=True)
def check_shared_cache(app_configs=None, **kwargs):
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith(("LocMemCache", "DummyCache")):
        return [
            checks.Warning(
                "The cache is each process's own memory: every gunicorn worker renders and "
                "keeps its own copy of each page.",
                hint="Set REDIS_URL (redis://host:6379/0) to share one cache.",
                id="projects.W001",
            )
        ]
    return []
