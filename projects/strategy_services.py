"""Writes of the strategy tree: nodes upserted by code (the admin's workbook import and the
demo's fixture), links matched to nodes by their text (projects.strategy.match_code: the
importers, the new-project form, the demo loaders, after every tree import), and the
links of a new project."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from projects import strategy
from projects.models import StrategyLink, StrategyNode
from projects.models.strategy import StrategyLevel, node_errors
from projects.signals import rows_written

# The levels as a workbook or a fixture writes them (column ระดับ).
LEVEL_BY_THAI = {str(label): value for value, label in StrategyLevel.choices}
NAME_MAX = StrategyNode._meta.get_field("name").max_length
CODE_MAX = StrategyNode._meta.get_field("code").max_length


@dataclass(frozen=True)
class NodeRow:
    """A row of the tree's workbook (or fixture): ระดับ, รหัส, ชื่อ, รหัสแม่."""

    row: int
    level: str  # as written: ด้าน, มิติ, เป้าหมาย, ภารกิจงานประจำของหน่วยงาน
    code: str
    name: str
    parent: str = ""


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


@dataclass(frozen=True)
class NodeChange:
    row: int
    code: str
    label: str
    action: str  # "create", "update", "same"


def strategy_rows_check(rows: Sequence[NodeRow]) -> tuple[list[NodeChange], list[RowError]]:
    """What importing ``rows`` would do, and every error by row and column (in Thai). The
    tree is the stored one with the rows applied: a parent may be a stored node or a row
    of the same file. One query."""
    stored = {node.code: node for node in StrategyNode.objects.all()}
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    planned: dict[str, StrategyNode] = {}
    for row in rows:
        level = LEVEL_BY_THAI.get(row.level.strip())
        code, name, parent_code = row.code.strip(), row.name.strip(), row.parent.strip()
        before = len(errors)
        if level is None:
            errors.append(
                RowError(
                    row.row,
                    "ระดับ",
                    _("ไม่รู้จักระดับ “%(level)s” ต้องเป็น ด้าน มิติ เป้าหมาย หรือ ภารกิจงานประจำของหน่วยงาน")
                    % {"level": row.level},
                )
            )
        if not code:
            errors.append(RowError(row.row, "รหัส", _("กรุณากรอกรหัส")))
        elif len(code) > CODE_MAX:
            errors.append(RowError(row.row, "รหัส", _("รหัสยาวเกิน %(n)s ตัวอักษร") % {"n": CODE_MAX}))
        elif code in seen:
            errors.append(
                RowError(
                    row.row,
                    "รหัส",
                    _("รหัส %(code)s ซ้ำกับแถวที่ %(other)s") % {"code": code, "other": seen[code]},
                )
            )
        if not name:
            errors.append(RowError(row.row, "ชื่อ", _("กรุณากรอกชื่อ")))
        elif len(name) > NAME_MAX:
            errors.append(RowError(row.row, "ชื่อ", _("ชื่อยาวเกิน %(n)s ตัวอักษร") % {"n": NAME_MAX}))
        if code:
            seen.setdefault(code, row.row)
        if len(errors) > before:
            continue
        parent = planned.get(parent_code) or stored.get(parent_code) if parent_code else None
        if parent_code and parent is None:
            errors.append(
                RowError(
                    row.row,
                    "รหัสแม่",
                    _("ไม่พบรหัสแม่ %(code)s ในระบบหรือในแถวก่อนหน้า") % {"code": parent_code},
                )
            )
            continue
        if code in stored and stored[code].level != level:
            errors.append(
                RowError(
                    row.row,
                    "ระดับ",
                    _("รหัส %(code)s เป็น%(level)sอยู่แล้ว เปลี่ยนระดับไม่ได้")
                    % {"code": code, "level": stored[code].get_level_display()},
                )
            )
            continue
        found = node_errors(level, code, parent)
        columns = {"parent": "รหัสแม่", "code": "รหัส"}
        for field, messages in found.items():
            errors.extend(RowError(row.row, columns[field], str(m)) for m in messages)
        if not found:
            planned[code] = StrategyNode(level=level, code=code, name=name, parent=parent)
    codes = {node.pk: code for code, node in stored.items()}
    by_code = {row.code.strip(): row.row for row in rows}
    changes = [
        _change(by_code[code], node, stored.get(code), codes) for code, node in planned.items()
    ]
    return changes, errors


def _change(row: int, node: StrategyNode, old: StrategyNode | None, codes) -> NodeChange:
    if old is None:
        action = "create"
    elif old.name == node.name and codes.get(old.parent_id) == (
        node.parent.code if node.parent else None
    ):
        action = "same"
    else:
        action = "update"
    return NodeChange(row=row, code=node.code, label=node.label, action=action)


@transaction.atomic
def strategy_nodes_upsert(*, rows: Sequence[NodeRow]) -> list[NodeChange]:
    """Create or update the nodes of ``rows`` by code (the same rows twice change nothing
    the second time), in the rows' order (its position among its siblings), then match
    the links still unmatched, or matched above a node now present. All or nothing: a
    ValidationError lists every error by row and column."""
    changes, errors = strategy_rows_check(rows)
    if errors:
        raise ValidationError(
            [
                _("แถวที่ %(row)s คอลัมน์ %(column)s: %(message)s")
                % {"row": e.row, "column": e.column, "message": e.message}
                for e in errors
            ]
        )
    nodes = {node.code: node for node in StrategyNode.objects.select_for_update()}
    for order, row in enumerate(rows, start=1):
        code, parent_code = row.code.strip(), row.parent.strip()
        values = {
            "level": LEVEL_BY_THAI[row.level.strip()],
            "name": row.name.strip(),
            "parent": nodes[parent_code] if parent_code else None,
        }
        node = nodes.get(code)
        if node is None:
            nodes[code] = StrategyNode.objects.create(code=code, order=order, **values)
        elif any(getattr(node, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(node, key, value)
            node.save(update_fields=[*values])
    strategy_links_match()
    return changes


def node_ids_by_code() -> dict[str, int]:
    return dict(StrategyNode.objects.values_list("code", "pk"))


def node_for_text(text: str, nodes: dict[str, int]) -> int | None:
    """The id of the node ``text`` names (the deepest that exists), else None."""
    code = strategy.match_code(text, nodes)
    return nodes[code] if code is not None else None


def strategy_links_match(*, links: Iterable[StrategyLink] | None = None) -> int:
    """Link the unmatched links (of ``links``, else all) to the node their text names,
    and move a link matched to a node's ancestor down to the node, once it exists (the
    tree imported after the links). A node an administrator picked for a text that names
    nothing is kept. Returns how many links changed."""
    nodes = node_ids_by_code()
    codes_by_id = {pk: code for code, pk in nodes.items()}
    rows = (
        [(link.pk, link.text, link.node_id) for link in links]
        if links is not None
        else StrategyLink.objects.values_list("pk", "text", "node_id")
    )
    moves: dict[int, list[int]] = {}
    for pk, text, node_id in rows:
        code = strategy.match_code(text, nodes)
        if code is None or nodes[code] == node_id:
            continue
        current = codes_by_id.get(node_id)
        if current is None or code.startswith(current + "."):
            moves.setdefault(nodes[code], []).append(pk)
    for node_id, ids in moves.items():
        for start in range(0, len(ids), 500):
            StrategyLink.objects.filter(pk__in=ids[start : start + 500]).update(node_id=node_id)
    if moves:
        rows_written.send(sender=StrategyLink, project_ids=None)
    return sum(len(ids) for ids in moves.values())


def strategy_links_create(*, project, texts: Sequence[str]) -> list[StrategyLink]:
    """The strategy links of a new project, numbered 1..n, each linked to the node its
    text names (two queries)."""
    nodes = node_ids_by_code() if texts else {}
    return StrategyLink.objects.bulk_create(
        StrategyLink(project=project, order=order, text=text, node_id=node_for_text(text, nodes))
        for order, text in enumerate(texts, start=1)
    )
