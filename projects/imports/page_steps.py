"""The page's plan (แผนการดำเนินงานฯ): one block per step, "ขั้นตอน N", the title after
a colon, the weight ":5%", "เริ่มต้น :" and "สิ้นสุด :" dates; "(คลิก) … : code" links
between them name the project."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.utils.translation import gettext as _

from projects import thaidates
from projects.imports.page_data import PageStep
from projects.imports.page_lines import PROJECT_CODE, PageLines, join_lines, plain

# Patterns run in linear time: see the note in projects/imports/page_parser.py.
_STEP_HEAD = re.compile(r"^ขั้นตอน\s*(?P<order>\S*)$")
_STEP_WEIGHT = re.compile(r"^:\s*+(?P<weight>(?:[^\s%]++|\s++)*?)\s*+%$")
_STEP_START = re.compile(r"^เริ่มต้น\s*:(?P<value>.*)$")
_STEP_END = re.compile(r"^สิ้นสุด\s*:(?P<value>.*)$")
_STEP_DATETIME = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
# "(คลิก) title : code": the code is the last word, after the first colon that only
# spaces and that word follow: the colon before the last spaces, or else the first colon
# of the last word. (The title is not kept: the step's title is its own line.)
_STEP_LINK = re.compile(r"^\((?:ทดสอบ|คลิก)\)\s*+(?:.*:\s++|(?:.*\s)?[^\s:]*:)(?P<code>\S*+)$")


def parse_steps(page: PageLines, start: int, stop: int, *, code: str) -> list[PageStep]:
    """The steps, numbered 1..n, weights summing to 100. ``code``: the header's project
    code, which every link must name."""
    heads = [i for i in range(start + 1, stop) if _STEP_HEAD.match(page.text(i))]
    links = {i for i in range(start + 1, stop) if _STEP_LINK.match(page.text(i))}
    for index in sorted(links):
        link_code = _STEP_LINK.match(page.text(index)).group("code")
        if PROJECT_CODE.match(code) and link_code != code:
            page.problem(
                index,
                "รหัสโครงการ",
                _("รหัสโครงการ «%(link)s» ในลิงก์ขั้นตอนไม่ตรงกับรหัส «%(code)s» ในหัวหน้า")
                % {"link": link_code, "code": code},
            )
    for index in page.nonblank(start + 1, heads[0] if heads else stop):
        if index not in links:
            page.unknown_line(index, "แผนการดำเนินงาน")
    steps = []
    seen: dict[int, int] = {}
    for position, head in enumerate(heads, start=1):
        block_end = heads[position] if position < len(heads) else stop
        step = parse_step(page, head, block_end, links)
        if step is None:
            continue
        steps.append(step)
        if step.order in seen:
            page.problem(
                head,
                f"ขั้นตอน {step.order}",
                _("ขั้นตอน %(order)s ซ้ำกับขั้นตอนในบรรทัด %(line)s")
                % {"order": step.order, "line": seen[step.order]},
            )
        elif step.order != position:
            page.problem(
                head,
                f"ขั้นตอน {step.order}",
                _("ลำดับขั้นตอนไม่ต่อเนื่อง: ขั้นตอนที่ %(position)s ของหน้ามีเลข %(order)s")
                % {"position": position, "order": step.order},
            )
        seen.setdefault(step.order, step.line)
    if steps and len(steps) == len(heads):
        total = sum((step.weight for step in steps), Decimal(0))
        if total != 100:
            page.problem(
                start,
                "น้ำหนักขั้นตอน",
                _("น้ำหนักของขั้นตอนทั้ง %(count)s ขั้นตอนรวมกันได้ร้อยละ %(total)s ต้องรวมกันได้ร้อยละ 100")
                % {"count": len(steps), "total": plain(total)},
            )
    return steps


def parse_step(page: PageLines, head: int, stop: int, links: set[int]) -> PageStep | None:
    """ขั้นตอน N / :title / :weight% / เริ่มต้น :date / สิ้นสุด :date."""
    known = len(page.problems)
    order_text = _STEP_HEAD.match(page.text(head)).group("order")
    label = f"ขั้นตอน {order_text}"
    order = int(order_text) if order_text.isdigit() else None
    if order is None:
        page.problem(head, label, _("เลขขั้นตอน «%(text)s» ไม่ใช่ตัวเลข") % {"text": order_text})
    body = [i for i in page.nonblank(head + 1, stop) if i not in links]
    start_at = next((i for i in body if _STEP_START.match(page.text(i))), None)
    end_at = next((i for i in body if _STEP_END.match(page.text(i))), None)
    weight_at = next(
        (
            i
            for i in reversed(body)
            if (start_at is None or i < start_at) and _STEP_WEIGHT.match(page.text(i))
        ),
        None,
    )
    if weight_at is None:
        page.problem(head, f"{label} น้ำหนัก", _("ไม่พบน้ำหนักของขั้นตอน (เช่น «:5%»)"))
        return None
    title = join_lines([page.lines[i] for i in range(head + 1, weight_at) if i not in links])
    title = title.removeprefix(":").strip()
    if not title:
        page.problem(head, f"{label} ชื่อขั้นตอน", _("ไม่พบชื่อขั้นตอน"))
    weight_text = _STEP_WEIGHT.match(page.text(weight_at)).group("weight")
    weight = page.percent(weight_at, weight_text, f"{label} น้ำหนัก")
    starts_on = ends_on = None
    if start_at is None:
        page.problem(head, f"{label} เริ่มต้น", _("ไม่พบบรรทัด «เริ่มต้น :»"))
    else:
        starts_on = step_date(page, start_at, _STEP_START, f"{label} เริ่มต้น")
    if end_at is None:
        page.problem(head, f"{label} สิ้นสุด", _("ไม่พบบรรทัด «สิ้นสุด :»"))
    else:
        ends_on = step_date(page, end_at, _STEP_END, f"{label} สิ้นสุด")
    for index in body:
        if index > weight_at and index not in {start_at, end_at}:
            page.unknown_line(index, label)
    if starts_on and ends_on and ends_on < starts_on:
        page.problem(
            end_at,
            f"{label} สิ้นสุด",
            _("วันสิ้นสุด %(ends)s อยู่ก่อนวันเริ่มต้น %(starts)s")
            % {"ends": thaidates.format_be(ends_on), "starts": thaidates.format_be(starts_on)},
        )
    if len(page.problems) > known:
        return None
    return PageStep(
        order=order,
        title=title,
        weight=weight,
        starts_on=starts_on,
        ends_on=ends_on,
        line=head + 1,
    )


def step_date(page: PageLines, index: int, pattern: re.Pattern, field: str) -> dt.date | None:
    """ "2020-10-01 00:00:00" is the date 2020-10-01; nothing after the colon is no date."""
    value = pattern.match(page.text(index)).group("value").strip()
    if not value:
        return None
    if stamp := _STEP_DATETIME.match(value):
        value = stamp.group("date")
    try:
        return thaidates.parse_date(value)
    except ValueError as exc:
        page.problem(index, field, str(exc))
        return None
