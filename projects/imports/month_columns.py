"""The month's workbook (issue 18 item 3): one row per project of an agency due that month,
its sheets, columns and version token; how each cell is read. Written by
month_write.py, read by month_read.py, compared and saved by month_import.py.

Why the steps are columns ("ขั้นตอนที่ 1", "ขั้นตอนที่ 2", …) rather than a list sheet:
ticking a cell in the project's own row is the report form's gesture (tick the steps
done), the narrative stays beside its steps, and one row is one report, so an error
names one row. A project's steps differ from the next one's, so the step's title is
the cell's comment (shown on hover) and the sheet «ขั้นตอนของโครงการ» lists every
step for printing. A cell beyond a project's last step is grey and locked.

A step cell holds ✓ (or / x เสร็จ: done), a number 1–99 (the percent done of the one step
under way; 100 is done), or nothing (not done).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext, gettext_noop

DATA_SHEET = "รายงานประจำเดือน"
HELP_SHEET = "คำแนะนำ"
STEPS_SHEET = "ขั้นตอนของโครงการ"
META_SHEET = "ข้อมูลไฟล์"

TITLE_ROW = 1
HEADER_ROW = 3
FIRST_ROW = 4

DONE = "✓"
DONE_MARKS = {"✓", "✔", "/", "x", "X", "เสร็จ", "แล้วเสร็จ"}
STEP_HEADER = re.compile(r"^ขั้นตอนที่\s*+(\d{1,3})$")
TOKEN = re.compile(r"(\d{4}-\d{2}-01)/(-|\d{1,12})/(\d{1,9})/(-|\d{1,9})/(\d{1,9})")
# More steps than this in one project is no plan a person ticks by hand.
MAX_STEPS = 60


@dataclass(frozen=True)
class Column:
    """``header`` is the Thai text; the workbook shows it in the reader's language
    (``label``) and the upload reads either."""

    key: str
    header: str
    width: int
    # Filled by staff (unlocked, yellow); else written by the system and locked.
    input: bool = False
    max_length: int = 0

    @property
    def label(self) -> str:
        return gettext(self.header)


_ = gettext_noop


# The columns before and after the step columns, in order.
LEAD = (
    Column("code", _("รหัสโครงการ"), 16),
    Column("name", _("ชื่อโครงการ"), 40),
    Column("state", _("สถานะรายงานเดือนนี้"), 16),
    Column("reported_on", _("วันที่รายงาน (วว/ดด/ปปปป)"), 14, input=True),
)
TAIL = (
    Column("computed", _("ร้อยละความคืบหน้า (คำนวณ ใช้อ้างอิง)"), 14),
    Column("percent", _("ร้อยละความคืบหน้า (เฉพาะโครงการที่ไม่มีขั้นตอน)"), 14, input=True),
    Column("narrative", _("ผลการดำเนินงาน"), 50, input=True, max_length=20000),
    Column("problems", _("ปัญหาของโครงการ"), 30, input=True, max_length=5000),
    Column("obstacles", _("อุปสรรคของโครงการ"), 30, input=True, max_length=5000),
    Column("lower_reason", _("เหตุผลที่ความคืบหน้าลดลง"), 30, input=True, max_length=5000),
    Column("committed", _("ก่อหนี้ผูกพันสะสม (บาท)"), 18, input=True),
    Column("disbursed", _("เบิกจ่ายสะสม (บาท)"), 18, input=True),
    Column("budget_lower_reason", _("เหตุผลที่ยอดสะสมลดลง"), 30, input=True, max_length=5000),
    Column("token", _("รหัสตรวจสอบ (ห้ามแก้ไข)"), 24),
)
BY_KEY = {column.key: column for column in (*LEAD, *TAIL)}
TEXTS = ("narrative", "problems", "obstacles", "lower_reason", "budget_lower_reason")
MONEY = ("committed", "disbursed")
# The only cell where a formula is expected (ours); anywhere else it is refused.
FORMULA_ALLOWED = {"computed"}


STEP_TITLE = _("ขั้นตอนที่ %(number)s")


def step_header(number: int) -> str:
    return gettext(STEP_TITLE) % {"number": number}


def headers_to_keys(headers: list) -> dict[str, int]:
    """Header texts of the header row, in Thai or in the reader's language → {key or
    "step:N": column index (0-based)}."""
    known = {}
    for column in (*LEAD, *TAIL):
        known[column.header] = known[column.label] = column.key
    found: dict[str, int] = {}
    for index, header in enumerate(headers):
        text = " ".join(str(header or "").split())
        if text in known:
            found.setdefault(known[text], index)
            continue
        if (number := step_number(text)) is not None:
            found.setdefault(f"step:{number}", index)
    return found


def step_number(text: str) -> int | None:
    """N of a step column's header «ขั้นตอนที่ N», in Thai or in the reader's language
    ("Step N"): without a pattern made at run time from the translation."""
    if match := STEP_HEADER.match(text):
        return int(match.group(1))
    before, _marker, after = gettext(STEP_TITLE).partition("%(number)s")
    before, after = before.strip().casefold(), after.strip().casefold()
    folded = text.casefold()
    if not (folded.startswith(before) and folded.endswith(after)):
        return None
    middle = folded[len(before) : len(folded) - len(after)].strip()
    return int(middle) if middle.isascii() and middle.isdigit() and len(middle) <= 3 else None


# --- The version token: what the row was downloaded from -----------------------------------


@dataclass(frozen=True)
class Token:
    """The month, the month's entry (id, version), its open submission's version and the
    plan's version as the workbook was downloaded: the report form's hidden fields."""

    period: dt.date
    entry_id: int | None
    entry_version: int
    submission_version: int | None
    plan_version: int

    def __str__(self) -> str:
        def part(value):
            return "-" if value is None else str(value)

        return "/".join(
            (
                self.period.isoformat(),
                part(self.entry_id),
                str(self.entry_version),
                part(self.submission_version),
                str(self.plan_version),
            )
        )

    @classmethod
    def parse(cls, text: str) -> Token | None:
        match = TOKEN.fullmatch(text)
        if not match:
            return None
        period, entry, version, submission, plan = match.groups()
        try:
            day = dt.date.fromisoformat(period)
        except ValueError:
            return None
        return cls(
            period=day,
            entry_id=None if entry == "-" else int(entry),
            entry_version=int(version),
            submission_version=None if submission == "-" else int(submission),
            plan_version=int(plan),
        )


def token_of(state, plan_version: int, *, approval: bool) -> Token:
    """The token of a project's month as stored now (``state``: months.MonthState)."""
    entry, submission = state.entry, state.submission if approval else None
    return Token(
        period=state.period,
        entry_id=entry.pk if entry else None,
        entry_version=entry.version if entry else 0,
        submission_version=submission.version if submission else None,
        plan_version=plan_version,
    )
