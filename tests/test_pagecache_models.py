"""Every model of the project is known to the kept pages (projects/pagecache.py): derived
as project-scoped from its foreign keys, listed as site-wide, or listed as shown on no kept
page. A new model that is none of these fails here until someone decides which it is."""

from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_save

from projects import pagecache

KINDS = pagecache.classify()


def label(model) -> str:
    return model._meta.label


def test_every_model_is_project_scoped_site_wide_or_ignored():
    unknown = [label(m) for m in apps.get_models(include_auto_created=True) if m not in KINDS]
    assert not unknown, (
        f"{unknown}: does a kept page show these rows? Add them to pagecache.SITE_WIDE, or to "
        "pagecache.IGNORED if no kept page does (a foreign key to a project's rows makes a "
        "model project-scoped by itself)"
    )


def test_the_rows_of_a_project_are_derived_with_their_path_to_it():
    paths = {label(m): kind for m, kind in KINDS.items() if isinstance(kind, tuple)}
    assert paths == {
        "projects.Project": ("pk",),
        "projects.ProjectObjective": ("project_id",),
        "projects.StrategyLink": ("project_id",),
        "projects.PlanStep": ("project_id",),
        "projects.ProgressEntry": ("project_id",),  # not through in_progress_step
        "projects.MonthReopening": ("project_id",),
        "projects.EvidenceFile": ("entry", "project_id"),
        "indicators.QuarterEvaluation": ("project_id",),
        "projects.ReportSubmission": ("project_id",),
        "projects.ReportTransition": ("submission", "project_id"),
        "projects.BudgetTransfer": ("project_id",),
        # The admin's list of unmatched strategy links: the same rows as StrategyLink.
        "projects.UnmatchedStrategyLink": ("project_id",),
        "projects.PlanVersion": ("project_id",),
        "projects.PlanVersionStep": ("version", "project_id"),
    }


def test_the_lists_name_models_that_exist_and_are_not_derived():
    names = {label(m) for m in apps.get_models(include_auto_created=True)}
    apps_ = {config.label for config in apps.get_app_configs()}
    assert names >= pagecache.SITE_WIDE
    assert {item for item in pagecache.IGNORED if "." in item} <= names
    assert {item for item in pagecache.IGNORED if "." not in item} <= apps_
    for model, kind in KINDS.items():
        if label(model) in pagecache.SITE_WIDE:
            assert kind == pagecache.SITE, label(model)


def test_history_and_many_to_many_tables_are_classified_by_rule():
    from simple_history.models import HistoricalChanges

    for model, kind in KINDS.items():
        if issubclass(model, HistoricalChanges):
            assert kind is None, label(model)  # written with the row they record
    links = apps.get_model("indicators", "Indicator").projects.through
    assert KINDS[links] == pagecache.SITE


def test_each_watched_model_has_its_receivers():
    for model, kind in KINDS.items():
        if kind is None:
            continue
        if model._meta.auto_created:
            assert m2m_changed.has_listeners(model), label(model)
        else:
            assert post_save.has_listeners(model) and post_delete.has_listeners(model), label(model)
