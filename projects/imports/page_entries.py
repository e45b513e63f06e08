"""The page's progress entries (ผลการดำเนินงาน): one block per month, newest first, each
a heading "(N) ความคืบหน้าโครงการฯ ร้อยละ P (ISO date)", the percent again, the narrative
after its "dd/mm/BE :" date, the problems and the obstacles."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.utils.translation import gettext as _

from projects import thaidates
from projects.imports.page_data import PageEntry
from projects.imports.page_lines import PageLines, join_lines

# Patterns run in linear time: see the note in projects/imports/page_parser.py.
_NUMBER = re.compile(r"^\d{1,3}(?:\.\d{1,2})?$")
_ENTRY_HEAD = re.compile(
    r"^\((?P<number>[^()]*+)\)\s*+ความคืบหน้าโครงการฯ\s*+ร้อยละ\s*+"
    r"(?P<percent>(?:[^\s(]++|\s++|\()*?)\s*+\((?P<date>[^()]*+)\)$"
)
_NARRATIVE = re.compile(r"^(?P<date>[0-9๐-๙]{1,2}/[0-9๐-๙]{1,2}/[0-9๐-๙]{2,4})\s*:\s?(?P<text>.*)$")
_PROBLEMS = re.compile(r"^\*\*\s*ปัญหาของโครงการ\s*:(?P<text>.*)$")
_OBSTACLES = re.compile(r"^\*\*\s*อุปสรรคของโครงการ\s*:(?P<text>.*)$")
_SEPARATOR = re.compile(r"^-+&&&-+$")


def parse_entries(page: PageLines, start: int, stop: int) -> list[PageEntry]:
    heads = [i for i in range(start + 1, stop) if _ENTRY_HEAD.match(page.text(i))]
    for index in page.nonblank(start + 1, heads[0] if heads else stop):
        page.unknown_line(index, "ผลการดำเนินงาน")
    entries = []
    for position, head in enumerate(heads, start=1):
        block_end = heads[position] if position < len(heads) else stop
        entry = parse_entry(page, head, block_end)
        if entry is not None:
            entries.append((position, entry))
    check_entries(page, entries)
    return [entry for _position, entry in entries]


def parse_entry(page: PageLines, head: int, stop: int) -> PageEntry | None:
    """One entry: heading, the percent again, "dd/mm/BE : narrative", problems,
    obstacles. None (with the problems recorded) when any part is wrong."""
    known = len(page.problems)
    match = _ENTRY_HEAD.match(page.text(head))
    number_text = match.group("number").strip()
    label = f"ผลการดำเนินงาน ({number_text})"
    number = int(number_text) if number_text.isdigit() else None
    if number is None:
        page.problem(head, label, _("ลำดับ «%(number)s» ไม่ใช่ตัวเลข") % {"number": number_text})
    percent = page.percent(head, match.group("percent"), f"{label} ร้อยละ")
    reported_on = page.iso_date(head, match.group("date"), f"{label} วันที่รายงาน")

    body = [i for i in range(head + 1, stop) if not _SEPARATOR.match(page.text(i))]
    filled = [i for i in body if page.text(i)]
    narrative_at = next((i for i in filled if _NARRATIVE.match(page.text(i))), None)
    problems_at = next((i for i in filled if _PROBLEMS.match(page.text(i))), None)
    obstacles_at = next((i for i in filled if _OBSTACLES.match(page.text(i))), None)
    first_text = min(
        (i for i in (narrative_at, problems_at, obstacles_at) if i is not None), default=stop
    )
    _check_lines_before_text(page, filled, first_text, label, percent, match.group("percent"))

    narrative_date = None
    narrative_date_text = narrative = ""
    if narrative_at is None or narrative_at != first_text:
        page.problem(
            first_text if first_text < stop else head,
            f"{label} ผลการดำเนินงาน",
            _("ไม่พบข้อความผลการดำเนินงานที่ขึ้นต้นด้วยวันที่ วว/ดด/ปปปป (พ.ศ.) เช่น «22/09/2564 : …»"),
        )
    else:
        narrative_match = _NARRATIVE.match(page.text(narrative_at))
        narrative_date_text = narrative_match.group("date")
        narrative_date = page.be_date(narrative_at, narrative_date_text, f"{label} วันที่")
        if narrative_date and reported_on and narrative_date != reported_on:
            page.problem(
                narrative_at,
                f"{label} วันที่",
                _("วันที่ %(date)s หน้าข้อความไม่ตรงกับวันที่รายงาน %(iso)s (%(be)s) ในหัวรายการ")
                % {
                    "date": narrative_date_text,
                    "iso": reported_on.isoformat(),
                    "be": thaidates.format_be(reported_on),
                },
            )
        narrative_stop = problems_at if problems_at is not None else stop
        narrative = _field_text(page, narrative_match, narrative_at, narrative_stop, body)
    problems, obstacles = _problems_and_obstacles(
        page, label, head, stop, body, problems_at, obstacles_at
    )
    if len(page.problems) > known:
        return None
    return PageEntry(
        number=number,
        percent=percent,
        reported_on=reported_on,
        narrative_date=narrative_date,
        narrative_date_text=narrative_date_text,
        narrative=narrative,
        problems=problems,
        obstacles=obstacles,
        line=head + 1,
    )


def _check_lines_before_text(
    page: PageLines,
    filled: list[int],
    first_text: int,
    label: str,
    percent: Decimal | None,
    heading_percent: str,
) -> None:
    """The lines between the heading and the first text: only the percent, again."""
    for index in (i for i in filled if i < first_text):
        # The percent is printed twice: in the heading and alone on the next line.
        if index == filled[0] and _NUMBER.match(page.text(index)):
            if percent is not None and Decimal(page.text(index)) != percent:
                page.problem(
                    index,
                    f"{label} ร้อยละ",
                    _("ร้อยละ %(line)s ไม่ตรงกับร้อยละ %(heading)s ในหัวรายการ")
                    % {"line": page.text(index), "heading": heading_percent},
                )
        else:
            page.unknown_line(index, label)


def _problems_and_obstacles(
    page: PageLines,
    label: str,
    head: int,
    stop: int,
    body: list[int],
    problems_at: int | None,
    obstacles_at: int | None,
) -> tuple[str, str]:
    """The texts after "** ปัญหาของโครงการ :" and "** อุปสรรคของโครงการ :", in that order."""
    problems = obstacles = ""
    if problems_at is None:
        page.problem(head, f"{label} ปัญหาของโครงการ", _("ไม่พบบรรทัด «** ปัญหาของโครงการ :»"))
    if obstacles_at is None:
        page.problem(head, f"{label} อุปสรรคของโครงการ", _("ไม่พบบรรทัด «** อุปสรรคของโครงการ :»"))
    elif problems_at is not None and obstacles_at < problems_at:
        page.problem(
            obstacles_at,
            f"{label} อุปสรรคของโครงการ",
            _("บรรทัดอุปสรรคของโครงการต้องอยู่หลังบรรทัดปัญหาของโครงการ"),
        )
    elif problems_at is not None:
        problems = _field_text(
            page, _PROBLEMS.match(page.text(problems_at)), problems_at, obstacles_at, body
        )
        obstacles = _field_text(
            page, _OBSTACLES.match(page.text(obstacles_at)), obstacles_at, stop, body
        )
    return problems, obstacles


def _field_text(page: PageLines, match: re.Match, at: int, stop: int, body: list[int]) -> str:
    """The text after the field's label, with the lines that follow it up to ``stop``."""
    return join_lines([match.group("text")] + [page.lines[i] for i in body if at < i < stop])


def check_entries(page: PageLines, entries: list[tuple[int, PageEntry]]) -> None:
    """Numbered (1) = newest, 1..n without gaps, newest first; one entry per month.
    ``position`` is the entry's place on the page, counting unreadable entries too."""
    seen: dict[int, int] = {}
    months: dict[dt.date, PageEntry] = {}
    previous: PageEntry | None = None
    for position, entry in entries:
        label = f"ผลการดำเนินงาน ({entry.number})"
        if entry.number in seen:
            page.problem(
                entry.line - 1,
                f"{label} ลำดับ",
                _("ลำดับ (%(number)s) ซ้ำกับรายการในบรรทัด %(line)s")
                % {"number": entry.number, "line": seen[entry.number]},
            )
        elif entry.number != position:
            page.problem(
                entry.line - 1,
                f"{label} ลำดับ",
                _(
                    "ลำดับไม่ต่อเนื่อง: รายการที่ %(position)s ของหน้ามีลำดับ (%(number)s) "
                    "ที่ควรเป็น (%(position)s)"
                )
                % {"position": position, "number": entry.number},
            )
        seen.setdefault(entry.number, entry.line)
        if previous is not None and entry.reported_on > previous.reported_on:
            page.problem(
                entry.line - 1,
                f"{label} วันที่รายงาน",
                _(
                    "รายการเรียงไม่ถูกต้อง: (%(number)s) รายงานวันที่ %(date)s "
                    "ใหม่กว่ารายการก่อนหน้า (ลำดับ (1) ต้องเป็นรายการล่าสุด)"
                )
                % {"number": entry.number, "date": thaidates.format_be(entry.reported_on)},
            )
        previous = entry
        month = entry.reported_on.replace(day=1)
        if month in months:
            other = months[month]
            page.problem(
                entry.line - 1,
                f"{label} วันที่รายงาน",
                _(
                    "มีผลการดำเนินงานของเดือน %(month)s สองรายการ "
                    "((%(first)s) และ (%(second)s)) ระบบเก็บได้เดือนละหนึ่งรายการ"
                )
                % {
                    "month": thaidates.month_label(month),
                    "first": other.number,
                    "second": entry.number,
                },
            )
        months.setdefault(month, entry)
