"""The page's KPI block (สนับสนุนตัวชี้วัดตามแผนฯ): one block per KPI (code, result level,
name with its label, target and achieved levels, kind) and the quarter table (quarter,
result, the evaluation's criteria 2.1 / 2.2)."""

from __future__ import annotations

import re
from decimal import Decimal

from django.utils.translation import gettext as _

from projects import thaidates
from projects.imports.page_data import PageIndicator, PageQuarter
from projects.imports.page_lines import PageLines
from projects.imports.page_top import split_kpi_label

# Patterns run in linear time: see the note in projects/imports/page_parser.py.
_LEVEL = re.compile(r"[1-5]")
_KPI_HEAD = re.compile(r"^รายละเอียดเกี่ยวกับตัวชี้วัด\s*:\s*(?P<code>.*)$")
_KPI_RESULT_LEVEL = re.compile(r"^ตัวชี้วัดระดับ(?P<value>.*)$")
_KPI_NAME = re.compile(r"^ตัวชี้วัด\s*:\s*(?P<value>.*)$")
_KPI_TARGET = re.compile(r"^ค่าเป้าหมาย(?>\s*+(?P<unit>\S*)\s*+:)\s*+(?P<value>.*+)$")
_KPI_ACHIEVED = re.compile(r"^ผลงานที่ทำได้(?>\s*+(?P<unit>\S*)\s*+:)\s*+(?P<value>.*+)$")
_KPI_KIND = re.compile(r"^ประเภทตัวชี้วัด\s*:\s*(?P<value>.*)$")
_QUARTER_TABLE_HEAD = (
    "ไตรมาสที่",
    "(1 - 4)",
    "*ผลงาน*",
    "(ระดับ)",
    "*ผลประเมินตัวชี้วัด*",
    "(* 2.1 / 2.2 *)",
)
_CRITERIA = re.compile(r"^(?P<c21>[^/\s]*)\s*/\s*(?P<c22>[^/\s]*)$")

KPI_UNITS = {"ระดับ": "level", "ร้อยละ": "percent", "ค่าเฉลี่ย": "average"}
KPI_KINDS = {"ตัวชี้วัดเชิงยุทธศาสตร์": "strategic", "ตัวชี้วัดงานประจำ": "routine"}
KPI_RESULT_LEVELS = (
    ("output", ("ผลผลิต", "output")),
    ("outcome", ("ผลลัพธ์", "outcome")),
    ("impact", ("ผลกระทบ", "impact")),
)


def kpi_name_lines(page: PageLines, start: int, stop: int) -> list[str]:
    """The KPI names as written, label included (the header's label is cut with them)."""
    return [
        _KPI_NAME.match(page.text(i)).group("value")
        for i in range(start, stop)
        if _KPI_NAME.match(page.text(i)) and not _KPI_RESULT_LEVEL.match(page.text(i))
    ]


def parse_indicators(
    page: PageLines, start: int, stop: int, *, header_label: str
) -> tuple[list[PageIndicator], list[PageQuarter]]:
    table_at = next(
        (i for i in range(start + 1, stop) if page.text(i) == _QUARTER_TABLE_HEAD[0]), stop
    )
    heads = [i for i in range(start + 1, table_at) if _KPI_HEAD.match(page.text(i))]
    for index in page.nonblank(start + 1, heads[0] if heads else table_at):
        page.problem(
            index,
            "ตัวชี้วัด",
            _("บรรทัดนี้ไม่ใช่ส่วนของตัวชี้วัดใด: «%(line)s»") % {"line": page.text(index)[:60]},
        )
    indicators = []
    for position, head in enumerate(heads):
        block_end = heads[position + 1] if position + 1 < len(heads) else table_at
        indicator = parse_indicator(page, head, block_end, header_label)
        if indicator is not None:
            indicators.append(indicator)
    codes: dict[str, int] = {}
    for indicator in indicators:
        if indicator.code in codes:
            page.problem(
                indicator.line - 1,
                "รหัสตัวชี้วัด",
                _("ตัวชี้วัด %(code)s ซ้ำกับตัวชี้วัดในบรรทัด %(line)s")
                % {"code": indicator.code, "line": codes[indicator.code]},
            )
        codes.setdefault(indicator.code, indicator.line)
    quarters = parse_quarters(page, table_at, stop) if table_at < stop else []
    return indicators, quarters


def parse_indicator(
    page: PageLines, head: int, stop: int, header_label: str
) -> PageIndicator | None:
    known = len(page.problems)
    code = _KPI_HEAD.match(page.text(head)).group("code").strip()
    label = f"ตัวชี้วัด {code}".strip()
    if not code:
        page.problem(
            head,
            "รหัสตัวชี้วัด",
            _("ไม่พบรหัสตัวชี้วัด (เช่น «รายละเอียดเกี่ยวกับตัวชี้วัด : 0100-814»)"),
        )
    found = _find_kpi_lines(page, head, stop, label)
    if len(page.problems) > known:
        return None

    name_at, name_match = found["name"]
    kpi_label, name = split_kpi_label(name_match.group("value"), header_label)
    if not name:
        page.problem(name_at, f"{label} ชื่อตัวชี้วัด", _("ไม่พบชื่อตัวชี้วัด"))
    target_at, target_match = found["target"]
    unit = kpi_unit(page, target_at, target_match.group("unit"), label)
    target = level(page, target_at, target_match.group("value"), f"{label} ค่าเป้าหมาย", unit)
    achieved_at, achieved_match = found["achieved"]
    if kpi_unit(page, achieved_at, achieved_match.group("unit"), label) != unit:
        page.problem(achieved_at, f"{label} หน่วยนับ", _("หน่วยนับของผลงานไม่ตรงกับของค่าเป้าหมาย"))
    achieved_text = achieved_match.group("value").strip()
    achieved = None
    if achieved_text not in {"", "-"}:
        achieved = level(page, achieved_at, achieved_text, f"{label} ผลงานที่ทำได้", unit)
    kind_at, kind_match = found["kind"]
    kind = KPI_KINDS.get(kind_match.group("value").strip())
    if kind is None:
        page.problem(
            kind_at,
            f"{label} ประเภทตัวชี้วัด",
            _("ประเภทตัวชี้วัด «%(kind)s» ไม่รู้จัก ต้องเป็น %(choices)s")
            % {
                "kind": kind_match.group("value"),
                "choices": _(" หรือ ").join(f"«{k}»" for k in KPI_KINDS),
            },
        )
    result_level = _result_level(page, *found["result_level"], label)
    if len(page.problems) > known:
        return None
    return PageIndicator(
        code=code,
        label=kpi_label,
        name=name,
        unit=unit,
        target_level=target,
        achieved_level=achieved,
        kind=kind,
        result_level=result_level,
        line=head + 1,
    )


def _find_kpi_lines(page: PageLines, head: int, stop: int, label: str) -> dict:
    """{part: (index, match)} of the KPI block's lines; a problem for a line found twice,
    an unknown line or a part missing."""
    patterns = {
        # "ตัวชี้วัดระดับ…" before "ตัวชี้วัด : …": both start with ตัวชี้วัด.
        "result_level": (_KPI_RESULT_LEVEL, "«ตัวชี้วัดระดับผลผลิต (output)» หรือระดับอื่น"),
        "name": (_KPI_NAME, "«ตัวชี้วัด : …»"),
        "target": (_KPI_TARGET, "«ค่าเป้าหมาย ระดับ : …»"),
        "achieved": (_KPI_ACHIEVED, "«ผลงานที่ทำได้ ระดับ : …»"),
        "kind": (_KPI_KIND, "«ประเภทตัวชี้วัด : …»"),
    }
    found: dict[str, tuple[int, re.Match]] = {}
    for index in page.nonblank(head + 1, stop):
        for key, (pattern, _shown) in patterns.items():
            if match := pattern.match(page.text(index)):
                if key in found:
                    page.problem(
                        index,
                        label,
                        _("บรรทัดนี้ซ้ำในตัวชี้วัดเดียวกัน: «%(line)s»") % {"line": page.text(index)[:60]},
                    )
                found[key] = (index, match)
                break
        else:
            page.unknown_line(index, label)
    for key, (_pattern, shown) in patterns.items():
        if key not in found:
            page.problem(head, label, _("ไม่พบบรรทัด %(line)s") % {"line": shown})
    return found


def _result_level(page: PageLines, level_at: int, level_match: re.Match, label: str):
    level_text = level_match.group("value")
    result_level = next(
        (key for key, words in KPI_RESULT_LEVELS if any(w in level_text for w in words)), None
    )
    if result_level is None:
        page.problem(
            level_at,
            f"{label} ระดับผลของตัวชี้วัด",
            _("ระดับผล «%(level)s» ไม่รู้จัก ต้องเป็นผลผลิต (output) ผลลัพธ์ (outcome) หรือผลกระทบ (impact)")
            % {"level": page.text(level_at)},
        )
    return result_level


def kpi_unit(page: PageLines, index: int, unit_text: str, label: str) -> str | None:
    unit = KPI_UNITS.get(unit_text)
    if unit is None:
        page.problem(
            index,
            f"{label} หน่วยนับ",
            _("หน่วยนับ «%(unit)s» ไม่รู้จัก ต้องเป็น %(choices)s")
            % {"unit": unit_text, "choices": " ".join(f"«{u}»" for u in KPI_UNITS)},
        )
    return unit


def level(page: PageLines, index: int, text: str, field: str, unit: str | None) -> int | None:
    text = thaidates.arabic_digits(text.strip())
    if unit is not None and unit != "level":
        # Indicator keeps target and achieved as levels 1–5 only (see the report).
        shown = next(k for k, v in KPI_UNITS.items() if v == unit)
        page.problem(
            index,
            field,
            _("ตัวชี้วัดหน่วย%(unit)sยังนำเข้าไม่ได้ ระบบเก็บค่าเป้าหมายและผลงานได้เฉพาะหน่วยระดับ 1–5")
            % {"unit": shown},
        )
        return None
    if not _LEVEL.fullmatch(text):
        page.problem(
            index, field, _("ระดับ «%(text)s» ไม่ถูกต้อง ต้องเป็นจำนวนเต็ม 1 ถึง 5") % {"text": text}
        )
        return None
    return int(text)


def parse_quarters(page: PageLines, start: int, stop: int) -> list[PageQuarter]:
    """ไตรมาสที่ / ผลงาน / ผลประเมิน 2.1 / 2.2, one row per quarter."""
    head = list(_QUARTER_TABLE_HEAD)
    rows_start = start
    for index in page.nonblank(start, stop):
        if not head or page.text(index) != head[0]:
            break
        head.pop(0)
        rows_start = index + 1
    if head:
        page.problem(
            start,
            "ตารางรายไตรมาส",
            _("หัวตารางรายไตรมาสไม่ครบ: ไม่พบ %(missing)s")
            % {"missing": " ".join(f"«{h}»" for h in head)},
        )
    tokens = page.nonblank(rows_start, stop)
    quarters: list[PageQuarter] = []
    seen: dict[int, int] = {}
    position = 0
    while position < len(tokens):
        index = tokens[position]
        position += 1
        if not page.text(index).isdigit():
            page.unknown_line(index, "ตารางรายไตรมาส")
            continue
        known = len(page.problems)
        field = f"ตารางรายไตรมาส ไตรมาสที่ {page.text(index)}"
        quarter = page.quarter(index, page.text(index), field)
        value_at = None
        if position < len(tokens) and not _CRITERIA.match(page.text(tokens[position])):
            value_at = tokens[position]
            position += 1
        if position >= len(tokens) or not _CRITERIA.match(page.text(tokens[position])):
            page.problem(index, field, _("ไม่พบผลประเมิน 2.1 / 2.2 (เช่น «100 / 100»)"))
            continue
        criteria_at = tokens[position]
        position += 1
        result_value = None
        if value_at is not None and page.text(value_at) != "-":
            result_value = page.decimal(
                value_at, page.text(value_at), f"{field} ผลงาน", limit=Decimal("99999.99")
            )
        criteria = _CRITERIA.match(page.text(criteria_at))
        c21 = page.score(criteria_at, criteria.group("c21"), f"{field} ผลประเมิน 2.1", blank=True)
        c22 = page.score(criteria_at, criteria.group("c22"), f"{field} ผลประเมิน 2.2", blank=True)
        if quarter in seen:
            page.problem(
                index,
                field,
                _("ไตรมาสที่ %(quarter)s ซ้ำกับแถวในบรรทัด %(line)s")
                % {"quarter": quarter, "line": seen[quarter]},
            )
        if len(page.problems) > known:
            continue
        if c21 == 0 and c22 == 0:
            c21 = c22 = None  # "0 / 0": not scored
        seen[quarter] = index + 1
        quarters.append(
            PageQuarter(
                quarter=quarter,
                result_value=result_value,
                criterion_21=c21,
                criterion_22=c22,
                line=index + 1,
            )
        )
    return quarters
