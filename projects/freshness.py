"""When a project's published record last changed: ``Project.updated_at``, which the API's
``updated_since`` filter and the open data's "last updated" read.

The record is the project's row and the rows published with it: its steps, objectives,
strategy links and budget transfers (and its KPI links, kept by ``indicators``, which
calls ``touch``). ``auto_now`` sees only saves of the project's own row, so a change to a
step alone left ``updated_at`` as it was and a client polling with ``updated_since``
never saw it. Here a save or delete of those rows, and ``rows_written`` naming their
projects, set ``updated_at`` of their projects too, in the same transaction. Writers that
change such rows in bulk without naming the projects (the importers) call ``touch``
themselves.
"""

from collections.abc import Iterable

from django.apps import apps
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from projects.signals import rows_written

PUBLISHED_WITH_PROJECT = (
    "projects.PlanStep",
    "projects.ProjectObjective",
    "projects.StrategyLink",
    "projects.BudgetTransfer",
)


def touch(project_ids: Iterable[int]) -> None:
    """These projects' published records changed now."""
    ids = {pk for pk in project_ids if pk is not None}
    if ids:
        apps.get_model("projects", "Project").objects.filter(pk__in=ids).update(
            updated_at=timezone.now()
        )


def _written(sender, instance, raw=False, **kwargs):
    if not raw:  # (a fixture's rows carry their own times)
        touch([instance.project_id])


def _rows_written(sender, project_ids=None, **kwargs):
    if project_ids and sender._meta.label in PUBLISHED_WITH_PROJECT:
        touch(project_ids)


def connect() -> None:
    """Called once from ProjectsConfig.ready()."""
    for label in PUBLISHED_WITH_PROJECT:
        model = apps.get_model(label)
        post_save.connect(_written, sender=model, dispatch_uid=f"freshness-s-{label}")
        post_delete.connect(_written, sender=model, dispatch_uid=f"freshness-d-{label}")
    rows_written.connect(_rows_written, dispatch_uid="freshness-rows-written")
