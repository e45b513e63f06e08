"""Revision tokens: what a rendered project page is kept under (projects/pagecache.py).

Every write that can change a project page changes a token, in the same transaction:

- ``Project.revision`` for the project itself and what belongs to it (objectives, strategy
  links, steps, reports and their evidence files, reopened months, quarter evaluations);
- the "site" RevisionToken for what many pages share (agencies, fiscal years, deadlines,
  KPIs and their levels and results, quarter locks, users' names);
- the "projects" RevisionToken with every project revision: the project list shows the
  progress of every project.

Saves and deletes are caught by signals. Writes that send no signal (``QuerySet.update``,
``bulk_create``) call ``touch_projects``/``touch_site`` themselves: the plan save, the
evaluation and KPI saves, the page and workbook imports and the scale data generator.

Lock order. A token row is locked from its update to the end of the writer's transaction,
so every writer takes the locks in one order: the "projects" token, then the "site" token,
then project rows. A writer that updates project rows itself (``QuerySet.update``,
``select_for_update``) touches first; a ``Project.save()`` touches in ``pre_save``. Two
writers can then wait for each other's commit but never deadlock.
"""

import uuid

from django.apps import apps
from django.db import connection
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

# Models whose rows belong to one project, with the path from a row to its project's id.
PROJECT_SCOPED = {
    "projects.ProjectObjective": "project_id",
    "projects.StrategyLink": "project_id",
    "projects.PlanStep": "project_id",
    "projects.ProgressEntry": "project_id",
    "projects.MonthReopening": "project_id",
    "projects.EvidenceFile": "entry.project_id",
    "indicators.QuarterEvaluation": "project_id",
}
SHARED = (
    "projects.Agency",
    "projects.User",
    "projects.FiscalYear",
    "projects.ReportingDeadline",
    "indicators.Indicator",
    "indicators.IndicatorLevel",
    "indicators.IndicatorQuarterResult",
    "indicators.QuarterLock",
)

# A user's fields that no page shows: a save of only these leaves kept pages alone.
USER_FIELDS_NO_PAGE_SHOWS = frozenset({"last_login", "password", "session_stamp"})


def touch_projects(pks) -> None:
    """Give the projects ``pks`` a new revision (and the project list with them)."""
    from projects.models import Project, RevisionToken

    pks = [pk for pk in pks if pk is not None]
    if pks:
        _touch(RevisionToken.PROJECTS)  # first: see "Lock order" above
        Project.objects.filter(pk__in=pks).update(revision=uuid.uuid4())


def touch_site() -> None:
    """Give what all pages share a new revision."""
    from projects.models import RevisionToken

    _touch(RevisionToken.PROJECTS)
    _touch(RevisionToken.SITE)


def _touch(scope: str) -> None:
    from projects.models import RevisionToken

    if not RevisionToken.objects.filter(scope=scope).update(token=uuid.uuid4()):
        RevisionToken.objects.get_or_create(scope=scope)


def touch_for(instance) -> None:
    """A row of any watched model was written without a signal (``QuerySet.update``)."""
    label = instance._meta.label
    if label in PROJECT_SCOPED:
        touch_projects([_project_id(instance, PROJECT_SCOPED[label])])
    else:
        touch_site()


def tokens() -> dict[str, object]:
    """The current tokens by scope, in one query (plain SQL: it is the first query of
    every view of the project list)."""
    from projects.models import RevisionToken

    table = connection.ops.quote_name(RevisionToken._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT scope, token FROM {table}")
        return dict(cursor.fetchall())


def _project_id(instance, path: str):
    value = instance
    for name in path.split("."):
        value = getattr(value, name, None)
        if value is None:
            return None
    return value


def _on_project_scoped(sender, instance, raw=False, **kwargs):
    touch_projects([_project_id(instance, PROJECT_SCOPED[sender._meta.label])])


def _on_shared(sender, instance=None, raw=False, update_fields=None, **kwargs):
    if (
        sender._meta.label == "projects.User"
        and update_fields
        and set(update_fields) <= USER_FIELDS_NO_PAGE_SHOWS
    ):
        return  # every login saves last_login (and now and then a rehashed password)
    touch_site()


def _new_project_revision(sender, instance, raw=False, **kwargs):
    """Before the project's row is written (and locked): the token first."""
    from projects.models import RevisionToken

    _touch(RevisionToken.PROJECTS)
    instance.revision = uuid.uuid4()


def _on_project_deleted(sender, instance, **kwargs):
    from projects.models import RevisionToken

    _touch(RevisionToken.PROJECTS)


def _on_project_indicators(sender, instance, pk_set=None, action="", **kwargs):
    if action.startswith("post_"):
        touch_site()


def connect() -> None:
    """Called once from ProjectsConfig.ready()."""
    for label in PROJECT_SCOPED:
        model = apps.get_model(label)
        post_save.connect(_on_project_scoped, sender=model, dispatch_uid=f"rev-save-{label}")
        post_delete.connect(_on_project_scoped, sender=model, dispatch_uid=f"rev-del-{label}")
    for label in SHARED:
        model = apps.get_model(label)
        post_save.connect(_on_shared, sender=model, dispatch_uid=f"rev-save-{label}")
        post_delete.connect(_on_shared, sender=model, dispatch_uid=f"rev-del-{label}")
    project = apps.get_model("projects.Project")
    pre_save.connect(_new_project_revision, sender=project, dispatch_uid="rev-project")
    post_delete.connect(_on_project_deleted, sender=project, dispatch_uid="rev-project-deleted")
    m2m_changed.connect(
        _on_project_indicators,
        sender=apps.get_model("indicators.Indicator").projects.through,
        dispatch_uid="rev-indicator-projects",
    )
