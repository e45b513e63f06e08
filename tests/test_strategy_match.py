"""Matching free-text strategy links to nodes of the strategy tree (issue 18): the rule
(projects/strategy.py), its frozen copy in migration 0020 kept equal to it, the migration's
matching of old links (matched, unmatched), and the importers and the new-project service
linking new lines the same way."""

import importlib

import pytest
from django.apps import apps
from hypothesis import given
from hypothesis import strategies as st

from projects import strategy, strategy_services
from projects.models import StrategyLink, StrategyNode
from tests.factories import ProjectFactory, StrategyLinkFactory, strategy_top_levels

MIGRATION = importlib.import_module("projects.migrations.0020_strategy_links_match")

SAMPLES = [
    "ด้านที่ 5 มหานครประชาธิปไตย / มิติที่ 5.5 / เป้าหมายที่ 5.5.1",
    "ด้านที่ 5 มหานครประชาธิปไตย / มิติที่ 5.5",
    "ด้านที่ ๕ มหานครประชาธิปไตย / มิติที่ ๕.๕ / เป้าหมายที่ ๕.๕.๑",
    "ด้านที่5 / มิติที่ 5. 5 / เป้าหมายที่ 5.5 .1",
    "ด้านที่ 5 / มิติที่ 3.1 / เป้าหมายที่ 3.1.1",  # does not nest
    "ด้านที่ 5 / มิติที่ 5.5.1",  # wrong depth
    "ด้านที่ / มิติที่ 5.5",
    "มิติที่ 2.3 การเดินทางที่สะดวก / เป้าหมายที่ 2.3.9",
    "ภารกิจงานประจำของหน่วยงาน",
    "  ภารกิจงานประจำของหน่วยงาน  ",
    "ภารกิจงานประจำของหน่วยงาน (เพิ่มเติม)",
    "**** ภารกิจงานประจำของหน่วยงาน ****",
    "ยุทธศาสตร์ที่ 3",
    "",
]
EXISTING = {"1", "2", "2.3", "5", "5.5", "5.5.1", "R"}


def test_codes_in_reads_the_levels_from_the_top():
    assert strategy.codes_in(SAMPLES[0]) == ["5", "5.5", "5.5.1"]
    assert strategy.codes_in(SAMPLES[2]) == ["5", "5.5", "5.5.1"]
    assert strategy.codes_in(SAMPLES[3]) == ["5", "5.5", "5.5.1"]
    assert strategy.codes_in(SAMPLES[8]) == ["R"]
    assert strategy.codes_in(SAMPLES[9]) == ["R"]
    for unmatched in (SAMPLES[4], SAMPLES[5], SAMPLES[6], SAMPLES[10], SAMPLES[11], SAMPLES[12]):
        assert strategy.codes_in(unmatched) is None, unmatched


def test_match_code_is_the_deepest_code_that_exists():
    assert strategy.match_code(SAMPLES[0], EXISTING) == "5.5.1"
    assert strategy.match_code(SAMPLES[0], {"5", "5.5"}) == "5.5"
    assert strategy.match_code(SAMPLES[0], {"5"}) == "5"
    assert strategy.match_code(SAMPLES[0], {"6"}) is None
    assert strategy.match_code(SAMPLES[7], EXISTING) == "2.3"
    assert strategy.match_code(SAMPLES[8], EXISTING) == "R"
    assert strategy.match_code(SAMPLES[11], EXISTING) is None


@pytest.mark.parametrize("text", SAMPLES)
def test_the_migrations_frozen_copy_matches_as_the_rule_does(text):
    assert MIGRATION.codes_in(text) == strategy.codes_in(text)
    assert MIGRATION.match_code(text, EXISTING) == strategy.match_code(text, EXISTING)


@given(
    st.lists(
        st.sampled_from(["ด้านที่", "มิติที่", "เป้าหมายที่", " ", "/", "5", ".", "๕", "1", "x"]),
        max_size=12,
    ).map("".join)
)
def test_the_frozen_copy_agrees_on_any_text(text):
    assert MIGRATION.codes_in(text) == strategy.codes_in(text)


def _node(code, level, name, parent=None):
    node, _created = StrategyNode.objects.get_or_create(
        code=code, defaults={"level": level, "name": name, "parent": parent}
    )
    return node


@pytest.fixture
def tree(db):
    pillar = strategy_top_levels()["5"]
    dimension = _node("5.5", strategy.DIMENSION, "มิติทดสอบ", pillar)
    goal = _node("5.5.1", strategy.GOAL, "เป้าหมายทดสอบ", dimension)
    return {"5": pillar, "5.5": dimension, "5.5.1": goal, "R": StrategyNode.objects.get(code="R")}


def test_the_migration_matches_old_links_and_keeps_the_unmatched_ones(tree):
    project = ProjectFactory()
    texts = [SAMPLES[0], SAMPLES[1], "ภารกิจงานประจำของหน่วยงาน", "ด้านที่ 4 มหานครกระชับ", "อื่น ๆ"]
    links = [StrategyLinkFactory(project=project, order=i, text=t) for i, t in enumerate(texts, 1)]
    MIGRATION.forwards(apps, None)
    nodes = {link.order: link.node for link in StrategyLink.objects.filter(project=project)}
    assert nodes[1] == tree["5.5.1"]
    assert nodes[2] == tree["5.5"]
    assert nodes[3] == tree["R"]
    assert nodes[4] == StrategyNode.objects.get(code="4")
    assert nodes[5] is None  # listed for an administrator; its text is kept
    assert StrategyLink.objects.get(pk=links[4].pk).text == "อื่น ๆ"
    MIGRATION.forwards(apps, None)  # running it again changes nothing
    assert StrategyLink.objects.filter(project=project, node__isnull=True).count() == 1


def test_links_match_moves_a_link_down_once_the_deeper_node_exists(db):
    strategy_top_levels()
    project = ProjectFactory()
    link = StrategyLinkFactory(project=project, order=1, text=SAMPLES[0])
    picked = StrategyLinkFactory(project=project, order=2, text="ข้อความอิสระ")
    picked.node = StrategyNode.objects.get(code="1")  # an administrator's pick
    picked.save()
    strategy_services.strategy_links_match()
    link.refresh_from_db()
    assert link.node.code == "5"
    dimension = _node("5.5", strategy.DIMENSION, "มิติ", StrategyNode.objects.get(code="5"))
    _node("5.5.1", strategy.GOAL, "เป้าหมาย", dimension)
    assert strategy_services.strategy_links_match() == 1
    link.refresh_from_db()
    picked.refresh_from_db()
    assert link.node.code == "5.5.1"
    assert picked.node.code == "1"


def test_a_new_projects_links_are_matched(tree):
    from projects import services
    from tests.factories import AgencyFactory, FiscalYearFactory, UserFactory

    agency = AgencyFactory(code="01000000")
    user = UserFactory(role="staff", agency=agency)
    project = services.project_create(
        user=user,
        agency=agency,
        fiscal_year=FiscalYearFactory(),
        code="01000000-9001",
        name="โครงการทดสอบ",
        strategy_links=[SAMPLES[0], "ภารกิจงานประจำของหน่วยงาน", "อื่น ๆ"],
    )
    links = list(project.strategy_links.order_by("order"))
    assert [link.node for link in links] == [tree["5.5.1"], tree["R"], None]


@pytest.mark.django_db(transaction=True)
def test_migration_0020_on_the_schema_before_it():
    """The real migration: back to 0019, old free-text links written with the models of
    then, forward again."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("projects", "0019_strategy_tree")]
    after = [("projects", "0020_strategy_links_match")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    agency = old.get_model("projects", "Agency").objects.create(code="01000000", name="ก")
    year = old.get_model("projects", "FiscalYear").objects.create(year_be=2564)
    project = old.get_model("projects", "Project").objects.create(
        code="01000000-1", name="ข", agency=agency, fiscal_year=year
    )
    Link = old.get_model("projects", "StrategyLink")
    for order, text in enumerate(
        ["ภารกิจงานประจำของหน่วยงาน", "ด้านที่ 2 มหานครสีเขียว / มิติที่ 2.9", "อื่น ๆ"], start=1
    ):
        Link.objects.create(project=project, order=order, text=text)
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    new = executor.loader.project_state(after).apps
    links = new.get_model("projects", "StrategyLink").objects.order_by("order")
    assert [link.node.code if link.node else None for link in links] == ["R", "2", None]
    pillars = new.get_model("projects", "StrategyNode").objects.filter(level="pillar")
    assert sorted(pillars.values_list("code", "name")) == MIGRATION.PILLARS
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
