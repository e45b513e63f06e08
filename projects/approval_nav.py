"""The top bar's «รออนุมัติ (N)» (templates/base.html): shown to whoever may approve today,
without a query for the many who approve nothing.

Heads of agencies and สยป. (who approve plans) see it always. A deputy may approve while a head's delegation is in force
(permissions.agencies_to_approve decides); which people were ever made deputies lately is
kept in the default cache (shared by every process where REDIS_URL is set), so that for the
others, most of the agencies' staff, the top bar asks the database nothing. The list is
forgotten once a delegation is written (after its commit) and made again by the next page
or login that needs it."""

import datetime as dt

from django.contrib.auth.signals import user_logged_in
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from projects import approval_selectors, permissions, plan_version_selectors
from projects.models import ApprovalDelegation, User

KEY = "approval:deputies"


def deputies() -> frozenset[int]:
    """The people named deputy in a delegation that ended within a year or has not ended:
    more than those in force today (the rule itself is asked after), never fewer."""
    ids = cache.get(KEY)
    if ids is None:
        since = timezone.localdate() - dt.timedelta(days=366)
        ids = frozenset(
            ApprovalDelegation.objects.filter(ends_on__gte=since).values_list(
                "deputy_id", flat=True
            )
        )
        cache.set(KEY, ids, timeout=None)
    return ids


def waiting_count(user, *, today: dt.date) -> int | None:
    """How many reports wait for ``user``; None: show no link (approves nothing today)."""
    if not getattr(user, "is_authenticated", False):
        return None
    if permissions.can_evaluate(user):  # สยป. approve every agency's plans (issue 18)
        return plan_version_selectors.waiting_plans(None).count()
    if user.role == User.Role.HEAD:
        return approval_selectors.waiting_count(user, today=today)
    if user.role != User.Role.STAFF or user.pk not in deputies():
        return None
    if not permissions.agencies_to_approve(user, today=today):
        return None
    return approval_selectors.waiting_count(user, today=today)


def _forget(**kwargs) -> None:
    transaction.on_commit(lambda: cache.delete(KEY), robust=True)


def _warm(sender, user=None, **kwargs) -> None:
    # At login, so that the pages after it find the list made.
    deputies()


def connect() -> None:
    """Called once from ProjectsConfig.ready()."""
    post_save.connect(_forget, sender=ApprovalDelegation, dispatch_uid="approval-nav-save")
    post_delete.connect(_forget, sender=ApprovalDelegation, dispatch_uid="approval-nav-delete")
    user_logged_in.connect(_warm, dispatch_uid="approval-nav-login")
