"""The lines of a saved page and the problems found in them, shared by the readers of
each part of the page (page_top, page_entries, page_steps, page_indicators): a line's
text, the non-blank lines of a range, and the readers of values every part has
(percent, score, quarter, decimal, dates). A value that cannot be read is recorded as a
problem and read as None: nothing here raises for bad input."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.utils.translation import gettext as _

from projects import thaidates
from projects.imports.page_data import Problem

# Patterns run in linear time: see the note in projects/imports/page_parser.py.
# A project code: the agency's 8 digits, a dash, the project's number.
PROJECT_CODE = re.compile(r"^(\d{8})-(\d{1,6})$")
_DECIMAL = re.compile(r"\d+(?:\.\d+)?")
_TWO_PLACES = re.compile(r"\d+(?:\.\d{1,2})?")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class PageLines:
    """The page's lines (``index`` is 0-based) and the problems found so far (1-based
    line numbers)."""

    def __init__(self, text: str):
        self.lines = text.split("\n")
        self.problems: list[Problem] = []

    def problem(self, index: int | None, field: str, message: str) -> None:
        """``index`` is 0-based; problems carry 1-based line numbers."""
        self.problems.append(Problem(None if index is None else index + 1, field, message))

    def nonblank(self, start: int, stop: int) -> list[int]:
        return [i for i in range(start, stop) if self.lines[i].strip()]

    def text(self, index: int) -> str:
        return self.lines[index].strip()

    def unknown_line(self, index: int, field: str) -> None:
        self.problem(
            index,
            field,
            _("ไม่รู้จักบรรทัดนี้ในส่วนนี้ของหน้า: «%(line)s»") % {"line": self.text(index)[:60]},
        )

    # --- values ---------------------------------------------------------------------------

    def decimal(self, index: int, text: str, field: str, *, limit: Decimal) -> Decimal | None:
        text = thaidates.arabic_digits(text.strip())
        if not _TWO_PLACES.fullmatch(text):
            self.problem(
                index,
                field,
                _("«%(text)s» ไม่ใช่ตัวเลข (ทศนิยมไม่เกิน 2 ตำแหน่ง เช่น 15.00)") % {"text": text},
            )
            return None
        value = Decimal(text)
        if value > limit:
            self.problem(
                index,
                field,
                _("%(text)s มากเกินไป (ไม่เกิน %(limit)s)") % {"text": text, "limit": plain(limit)},
            )
            return None
        return value

    def percent(self, index: int, text: str, field: str) -> Decimal | None:
        text = thaidates.arabic_digits(text.strip())
        if not _DECIMAL.fullmatch(text):
            self.problem(index, field, _("ร้อยละ «%(text)s» ไม่ใช่ตัวเลข (เช่น 20.00)") % {"text": text})
            return None
        if not _TWO_PLACES.fullmatch(text):
            self.problem(index, field, _("ร้อยละ «%(text)s» มีทศนิยมเกิน 2 ตำแหน่ง") % {"text": text})
            return None
        value = Decimal(text)
        if value > 100:
            self.problem(
                index, field, _("ร้อยละ %(text)s เกิน 100 ต้องอยู่ระหว่าง 0 ถึง 100") % {"text": text}
            )
            return None
        return value

    def score(self, index: int, text: str, field: str, *, blank: bool = False) -> Decimal | None:
        text = thaidates.arabic_digits(text.strip())
        if blank and text in {"", "-"}:
            return None
        if not _TWO_PLACES.fullmatch(text) or Decimal(text) > 100:
            self.problem(
                index, field, _("คะแนน «%(text)s» ไม่ถูกต้อง ต้องเป็นตัวเลข 0 ถึง 100") % {"text": text}
            )
            return None
        return Decimal(text)

    def quarter(self, index: int, text: str, field: str) -> int | None:
        text = thaidates.arabic_digits(text.strip())
        if text not in {"1", "2", "3", "4"}:
            self.problem(
                index, field, _("ไตรมาส «%(text)s» ไม่ถูกต้อง ต้องเป็น 1 ถึง 4") % {"text": text}
            )
            return None
        return int(text)

    def iso_date(self, index: int, text: str, field: str) -> dt.date | None:
        text = text.strip()
        if not _ISO_DATE.match(text):
            self.problem(
                index,
                field,
                _("วันที่ «%(text)s» ไม่ใช่รูปแบบ ปปปป-ดด-วว (ค.ศ.) เช่น 2021-09-22") % {"text": text},
            )
            return None
        try:
            return thaidates.parse_date(text)
        except ValueError as exc:
            self.problem(index, field, str(exc))
            return None

    def be_date(self, index: int, text: str, field: str) -> dt.date | None:
        try:
            day = thaidates.parse_date(text)
        except ValueError as exc:
            self.problem(index, field, str(exc))
            return None
        year = int(thaidates.arabic_digits(text).rsplit("/", 1)[1])
        if year < 2400:
            self.problem(
                index,
                field,
                _("ปีในวันที่ %(text)s ต้องเป็นปี พ.ศ. 4 หลัก เช่น 22/09/2564") % {"text": text},
            )
            return None
        return day


def join_lines(lines: list[str]) -> str:
    """Lines of one field, blank lines at both ends dropped, the rest kept as written."""
    while lines and not lines[0].strip():
        lines = lines[1:]
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return "\n".join(line.rstrip() for line in lines).strip()


def plain(value: Decimal) -> str:
    """100.00 → 100, 12.50 → 12.5."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
