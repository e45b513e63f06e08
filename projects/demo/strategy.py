"""The strategy tree of the demo and of the scale data: fixtures/strategy.toml (the plan's
seven ด้าน and the routine node, then the DEMO มิติ and เป้าหมาย that the demo themes name),
upserted by code as the admin's workbook import does (projects/strategy_services.py)."""

import tomllib

from django.conf import settings

from projects import strategy_services


def fixture_rows() -> list[strategy_services.NodeRow]:
    with (settings.BASE_DIR / "fixtures" / "strategy.toml").open("rb") as file:
        nodes = tomllib.load(file)["node"]
    return [
        strategy_services.NodeRow(
            row=number,
            level=node["level"],
            code=node["code"],
            name=node["name"],
            parent=node.get("parent", ""),
        )
        for number, node in enumerate(nodes, start=1)
    ]


def ensure_tree() -> tuple[int, int]:
    """Upsert the fixture's nodes and match the links (the seed's included): (created,
    found)."""
    changes = strategy_services.strategy_nodes_upsert(rows=fixture_rows())
    created = sum(1 for change in changes if change.action == "create")
    return created, len(changes) - created
