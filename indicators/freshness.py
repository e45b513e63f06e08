"""A KPI linked to or unlinked from a project changes the project's published record (its
``kpi_codes`` in the API): projects.freshness.touch, for the links of either side."""

from django.db.models.signals import m2m_changed

from projects import freshness


def _linked(sender, instance, action, reverse, pk_set=None, **kwargs):
    if reverse:  # from the project's side: instance is the project
        if action in ("post_add", "post_remove", "post_clear"):
            freshness.touch([instance.pk])
    elif action == "pre_clear":  # the projects are gone after it: read them now
        freshness.touch(instance.projects.values_list("pk", flat=True))
    elif action in ("post_add", "post_remove"):
        freshness.touch(pk_set or ())


def connect() -> None:
    from indicators.models import Indicator

    m2m_changed.connect(_linked, sender=Indicator.projects.through, dispatch_uid="kpi-links")
