"""The dashboard by the strategy tree (issue 18): ``?node=5`` keeps only the projects
linked to a node or under it (every part of the dashboard: DashboardFilters.node), and
the table "ตามยุทธศาสตร์" groups the projects by a level (``?group=pillar|dimension|goal``;
by default the level under the node, ด้าน without one): per group the number of
projects, average progress against plan, how many are behind, and the disbursed percent
where budgets exist. A group row drills to its node (its children and its projects), a
project row to the project.

One GROUP BY over the dashboard's per-project values (dashboard.projects_with_status and
dashboard_budget.with_disbursement) joined to each project's groups: a project linked to
two nodes of a group counts once in it, and once in each group it supports. Kept with
the dashboard's numbers (dashboard.cache_key, reports/kept_numbers.py).
"""

import re
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import Case, F, IntegerField, When

from projects import money, strategy
from projects.models import StrategyLevel, StrategyLink, StrategyNode
from projects.money import percent_of
from reports import dashboard, dashboard_budget, kept_numbers

GROUP_LEVELS = (strategy.PILLAR, strategy.DIMENSION, strategy.GOAL)
# What a node's code may be ("5", "5.5.1", "R"): anything else is looked up nowhere.
_CODE = re.compile(r"[0-9A-Za-z.]{1,30}")


def node_filters(params) -> dict:
    """The filters' ``node``, ``node_ids`` and ``group`` from the URL (an unknown node or
    level is no filter): one query for a node (with its ancestors), one for its subtree."""
    values: dict = {"group": params.get("group") if params.get("group") in GROUP_LEVELS else ""}
    code = params.get("node") or ""
    if _CODE.fullmatch(code):
        node = StrategyNode.objects.select_related("parent__parent").filter(code=code).first()
        if node is not None:
            values.update(node=node, node_ids=tuple(node.subtree_ids()))
    return values


def node_options(filters) -> list[tuple[str, str, bool]]:
    """(code, label indented by level, selected) of every node, in the tree's order: the
    filter's choices (one query)."""
    nodes = StrategyNode.objects.order_by("code").values_list("code", "level", "name")
    chosen = filters.node.code if filters.node else None
    indent = {strategy.DIMENSION: "\u00a0\u00a0", strategy.GOAL: "\u00a0\u00a0\u00a0\u00a0"}
    return [
        (
            code,
            indent.get(level, "") + StrategyNode(level=level, code=code, name=name).label,
            code == chosen,
        )
        for code, level, name in nodes
    ]


def group_level(filters) -> str | None:
    """The level the table groups by: ?group= if it is under the node, else the level under
    the node (None under a เป้าหมาย or routine work: only its projects are left)."""
    node = filters.node
    if node is None:
        return filters.group or strategy.PILLAR
    below = GROUP_LEVELS[GROUP_LEVELS.index(node.level) + 1 :] if node.level in GROUP_LEVELS else ()
    if filters.group in below:
        return filters.group
    return below[0] if below else None


@dataclass(frozen=True)
class StrategyRow:
    node: StrategyNode
    projects: int
    actual_total: Decimal
    scheduled: int
    scheduled_actual_total: Decimal
    planned_total: Decimal
    behind: int
    budgeted: int
    budget_after: Decimal
    disbursed: Decimal

    @property
    def average_actual(self) -> Decimal | None:
        return dashboard._percent(self.actual_total, self.projects)

    @property
    def vs_plan(self) -> Decimal | None:
        """Average progress against the average plan of the projects with a schedule."""
        if not self.scheduled:
            return None
        gap = dashboard._percent(self.scheduled_actual_total - self.planned_total, self.scheduled)
        return gap.quantize(Decimal("0.1")) + 0

    @property
    def disbursed_percent(self) -> Decimal | None:
        return percent_of(self.disbursed, self.budget_after) if self.budgeted else None

    @property
    def has_children(self) -> bool:
        return self.node.level in (strategy.PILLAR, strategy.DIMENSION)


def _group_of(level: str):
    """The id of a link's node's ancestor at ``level`` (the node itself at that level);
    grouping by ด้าน, routine work is a group of its own."""
    whens = [
        When(node__level=level, then=F("node_id")),
        When(node__parent__level=level, then=F("node__parent_id")),
        When(node__parent__parent__level=level, then=F("node__parent__parent_id")),
    ]
    if level == strategy.PILLAR:
        whens.append(When(node__level=strategy.ROUTINE, then=F("node_id")))
    return Case(*whens, default=None, output_field=IntegerField())


def _groups(filters, level: str) -> list[StrategyNode]:
    nodes = StrategyNode.objects.filter(level=level)
    if level == strategy.PILLAR:
        nodes = StrategyNode.objects.filter(level__in=[strategy.PILLAR, strategy.ROUTINE])
    if filters.node is not None:
        nodes = nodes.filter(pk__in=filters.node_ids)
    return list(nodes.order_by("order", "code"))


def strategy_rows(
    filters, target_of=None, *, refresh=None, background=None
) -> tuple[str | None, list[StrategyRow]]:
    """(the level grouped by, a row per node of that level, in the tree's order): two
    queries (the groups, the aggregate; a third for the quarter's disbursement targets
    unless ``target_of()`` gives the summary's), kept as the dashboard's numbers
    (``refresh`` and ``background``: reports/kept_numbers.py's). ``target_of`` is called
    only when the rows are computed."""
    level = group_level(filters)
    if level is None:
        return None, []
    key = f"{dashboard.cache_key(filters)}:strategy:{level}"

    def compute():
        groups = _groups(filters, level)
        sums = _sums(filters, level, [node.pk for node in groups], target_of and target_of())
        zero = (0, 0, 0, 0, 0, 0, 0, 0, 0)
        return [_row(node, sums.get(node.pk, zero)) for node in groups]

    if not (seconds := dashboard.cache_seconds()):
        return level, compute()
    return level, kept_numbers.kept(key, compute, seconds, refresh, background=background)[0]


def _row(node, values) -> StrategyRow:
    projects, actual, scheduled, scheduled_actual, planned, behind, budgeted, budget, paid = values
    return StrategyRow(
        node=node,
        projects=int(projects or 0),
        actual_total=money.sql_cents(actual),
        scheduled=int(scheduled or 0),
        scheduled_actual_total=money.sql_cents(scheduled_actual),
        planned_total=money.sql_cents(planned),
        behind=int(behind or 0),
        budgeted=int(budgeted or 0),
        budget_after=money.sql_cents(budget),
        disbursed=money.sql_cents(paid),
    )


def _sums(filters, level: str, group_ids: list[int], target) -> dict[int, tuple]:
    if not group_ids:
        return {}
    target = target or dashboard_budget.quarter_target(filters)
    per_project = (
        dashboard_budget.with_disbursement(dashboard.projects_with_status(filters), target)
        .order_by()
        .values("id", "actual", "planned", "budget_after", "disbursed_latest")
    )
    links = (
        StrategyLink.objects.filter(project__fiscal_year=filters.fiscal_year)
        .annotate(group_id=_group_of(level))
        .filter(group_id__in=group_ids)
        .order_by()
        .values("project_id", "group_id")
        .distinct()
    )
    inner_sql, inner_params = per_project.query.sql_with_params()
    links_sql, links_params = links.query.sql_with_params()
    sql = f"""
        SELECT g.group_id, COUNT(*), SUM(p.actual), COUNT(p.planned),
               SUM(CASE WHEN p.planned IS NOT NULL THEN p.actual END), SUM(p.planned),
               SUM(CASE WHEN p.planned - p.actual > %s THEN 1 ELSE 0 END),
               COUNT(p.budget_after), SUM(p.budget_after),
               SUM(CASE WHEN p.budget_after IS NOT NULL THEN p.disbursed_latest END)
        FROM ({inner_sql}) p
        JOIN ({links_sql}) g ON g.project_id = p.id
        GROUP BY g.group_id
    """
    params = (float(dashboard.behind_margin()), *inner_params, *links_params)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0]: row[1:] for row in cursor.fetchall()}


def level_label(level: str | None) -> str:
    return str(StrategyLevel(level).label) if level else ""
