"""The annual-plan workbook (แผนปฏิบัติราชการประจำปี, issue 8): its sheets, its columns and
how each cell is read.

One workbook, three sheets:

- ``โครงการ``: one row per project (code, name, agency code, fiscal year, responsible,
  phone, rationale, budget and organisation codes, objectives one per line, targets,
  strategy lines one per line);
- ``ขั้นตอน``: one row per plan step (project code, order, title, weight, start, end;
  dates are real Excel dates shown in BE, or text dd/mm/BE or ISO);
- ``คำอธิบาย``: how to fill it in.

Columns are found by their header (row 1), so they may be moved. The modules around it:

    workbook_read.py    the file → rows (bounded), each row checked on its own
    workbook_rows.py    what reading gives: rows and problems, kept as JSON between
                        the upload and the confirmation
    workbook_import.py  the rows compared with the database, then written
    workbook_write.py   the template and the export (importing the export changes
                        nothing: the round trip is tested)
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl.utils.datetime import from_excel

from projects import money, thaidates
from projects.imports.page_top import split_objectives
from projects.models.budget import BudgetSource

PROJECT_SHEET = "โครงการ"
STEP_SHEET = "ขั้นตอน"
GUIDE_SHEET = "คำอธิบาย"
WORKBOOK_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool
    width: int
    help: str
    max_length: int | None = None


PROJECT_COLUMNS = (
    Column("code", "รหัสโครงการ", True, 18, "รหัสหน่วยงาน 8 หลัก ขีด และเลขลำดับ เช่น 01000000-2462", 30),
    Column("name", "ชื่อโครงการ", True, 48, "ชื่อเต็มของโครงการ", 500),
    Column("agency_code", "รหัสหน่วยงาน", True, 13, "8 หลัก ต้องตรงกับหน่วยงานที่เลือกตอนนำเข้า", 8),
    Column("fiscal_year", "ปีงบประมาณ (พ.ศ.)", True, 12, "ปี พ.ศ. 4 หลัก ต้องตรงกับปีที่เลือกตอนนำเข้า"),
    Column("responsible", "ผู้รับผิดชอบ", False, 24, "ชื่อผู้รับผิดชอบโครงการ", 255),
    Column("responsible_phone", "โทรศัพท์", False, 12, "หมายเลขโทรศัพท์หรือเลขภายใน", 50),
    Column("rationale", "หลักการและเหตุผล", False, 60, "ข้อความ (ขึ้นบรรทัดใหม่ในช่องได้)"),
    Column("budget_code", "รหัสงบประมาณ", False, 14, "เช่น 01000800", 30),
    Column("organisation_code", "รหัสหน่วยงานเจ้าของงบ", False, 14, "เช่น 01000800", 30),
    Column(
        "objectives",
        "วัตถุประสงค์",
        False,
        48,
        "ข้อละหนึ่งบรรทัดในช่องเดียวกัน (Alt+Enter) จะมีเลขข้อ 1. 2. นำหน้าหรือไม่ก็ได้",
    ),
    Column("targets", "เป้าหมายของโครงการ", False, 36, "ข้อความ ใส่ - ถ้าไม่มี"),
    Column(
        "strategy",
        "สนับสนุนยุทธศาสตร์",
        False,
        48,
        "รายการละหนึ่งบรรทัด เช่น ด้านที่ 5 … / มิติที่ 5.5 / เป้าหมายที่ 5.5.1 หรือ ภารกิจงานประจำของหน่วยงาน",
    ),
    # The budget (issue 16): blank allocated is a project without a budget.
    Column(
        "budget_allocated",
        "งบประมาณที่ได้รับจัดสรร (บาท)",
        False,
        18,
        "ตัวเลข ทศนิยมไม่เกิน 2 ตำแหน่ง เช่น 1234567.89 เว้นว่างถ้าโครงการไม่มีงบประมาณ (งานประจำ)",
    ),
    Column(
        "budget_type",
        "ประเภทงบประมาณ",
        False,
        18,
        "ชื่อประเภทตามรายการของระบบ เช่น งบดำเนินงาน งบลงทุน งบเงินอุดหนุน งบรายจ่ายอื่น งบกลาง",
        100,
    ),
    Column(
        "budget_source",
        "แหล่งงบประมาณ",
        False,
        22,
        "งบประมาณประจำปี หรือ เงินกันไว้เบิกเหลื่อมปี (ว่าง: งบประมาณประจำปี)",
    ),
)
STEP_COLUMNS = (
    Column("project_code", "รหัสโครงการ", True, 18, "รหัสโครงการที่มีในแผ่นงาน «โครงการ»", 30),
    Column("order", "ขั้นตอนที่", True, 10, "เลขลำดับ 1, 2, 3 … ไม่ซ้ำกันในโครงการเดียวกัน"),
    Column("title", "ขั้นตอน", True, 60, "ชื่อขั้นตอนการดำเนินงาน"),
    Column(
        "weight",
        "น้ำหนัก (ร้อยละ)",
        True,
        12,
        "ตัวเลข 0–100 ทศนิยมไม่เกิน 2 ตำแหน่ง น้ำหนักทุกขั้นตอนของโครงการรวมกันต้องได้ 100",
    ),
    Column(
        "starts_on", "วันเริ่มต้น", False, 14, "วันที่ใน Excel หรือข้อความ วว/ดด/ปปปป (พ.ศ.) เช่น 01/10/2563"
    ),
    Column("ends_on", "วันสิ้นสุด", False, 14, "เช่นเดียวกับวันเริ่มต้น และต้องไม่ก่อนวันเริ่มต้น"),
)
SHEET_COLUMNS = {PROJECT_SHEET: PROJECT_COLUMNS, STEP_SHEET: STEP_COLUMNS}


class InvalidCell(ValueError):
    """A cell that cannot be read: the message, in Thai."""


# --- reading one cell -----------------------------------------------------------------------

_SPACES = re.compile(r"\s+")
_AGENCY_CODE = re.compile(r"\d{8}")
_YEAR = re.compile(r"\d{4}")
_ORDER = re.compile(r"\d{1,3}")


def normal_header(value) -> str:
    """A header cell as the columns name it: spaces collapsed, the required mark dropped."""
    text = _SPACES.sub(" ", str(value or "")).strip()
    return text.rstrip("*").strip()


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ใช่" if value else "ไม่ใช่"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time() else value
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value).replace("\r\n", "\n").replace("\r", "\n")


def read_text(value) -> str:
    """A text cell: kept as written (no Unicode normalisation), ends trimmed."""
    return _as_text(value).strip()


def read_code(value) -> str:
    """A code: no spaces inside; a number (Excel dropped the leading zeros) is written back
    with eight digits, as BMA's agency and budget codes have."""
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if number and float(value).is_integer() and 0 <= value < 10**8:
        return f"{int(value):08d}"
    text = thaidates.arabic_digits(read_text(value))
    if _SPACES.search(text):
        raise InvalidCell(_("รหัส «%(code)s» มีช่องว่างอยู่ภายใน") % {"code": text})
    return text


def read_agency_code(value) -> str:
    code = read_code(value)
    if code and not _AGENCY_CODE.fullmatch(code):
        raise InvalidCell(
            _("รหัสหน่วยงาน «%(code)s» ต้องเป็นตัวเลข 8 หลัก เช่น 01000000") % {"code": code}
        )
    return code


def read_year(value) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = thaidates.arabic_digits(_as_text(value).strip())
    if not _YEAR.fullmatch(text):
        raise InvalidCell(_("ปีงบประมาณต้องเป็นปี พ.ศ. 4 หลัก เช่น 2564 ได้ «%(text)s»") % {"text": text})
    year = int(text)
    if not 2500 <= year <= 2700:
        raise InvalidCell(_("ปีงบประมาณ %(year)s ไม่ใช่ปี พ.ศ. (เช่น 2564 ไม่ใช่ 2021)") % {"year": year})
    return year


def read_order(value) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = thaidates.arabic_digits(_as_text(value).strip())
    if not _ORDER.fullmatch(text) or int(text) < 1:
        raise InvalidCell(_("ขั้นตอนที่ต้องเป็นเลขจำนวนเต็ม 1 ถึง 999 ได้ «%(text)s»") % {"text": text})
    return int(text)


def read_weight(value) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool | dt.date | dt.datetime):
        raise InvalidCell(
            _("น้ำหนักต้องเป็นตัวเลขร้อยละ 0 ถึง 100 ได้ «%(text)s»") % {"text": _as_text(value)}
        )
    if isinstance(value, float):
        # 33.33 typed in Excel is the float 33.33000000000000184…: its shortest repr.
        text = repr(value)
    else:
        text = thaidates.arabic_digits(str(value)).strip().removesuffix("%").strip()
        text = text.replace(",", "")
    try:
        weight = Decimal(text)
    except InvalidOperation:
        raise InvalidCell(
            _("น้ำหนักต้องเป็นตัวเลขร้อยละ 0 ถึง 100 ได้ «%(text)s»") % {"text": _as_text(value).strip()}
        ) from None
    if not weight.is_finite() or not Decimal(0) <= weight <= Decimal(100):
        raise InvalidCell(_("น้ำหนักต้องอยู่ระหว่าง 0 ถึง 100 ได้ %(text)s") % {"text": text})
    if weight != weight.quantize(Decimal("0.01")):
        raise InvalidCell(_("น้ำหนักมีทศนิยมได้ไม่เกิน 2 ตำแหน่ง ได้ %(text)s") % {"text": text})
    return weight.quantize(Decimal("0.01"))


def read_date(value) -> dt.date | None:
    """A real Excel date, or text dd/mm/BE (Thai or Arabic digits) or ISO."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        # A date whose cell lost its date format: Excel's serial day number (only for
        # 1990–2100; a small number is a mistake, not 5 January 1900).
        if _SERIAL_1990 <= value <= _SERIAL_2100:
            return from_excel(value).date()
        raise InvalidCell(
            _("«%(text)s» ไม่ใช่วันที่ ใช้วันที่ของ Excel หรือพิมพ์ วว/ดด/ปปปป (พ.ศ.) เช่น 01/10/2563")
            % {"text": _as_text(value)}
        )
    try:
        return thaidates.parse_date(str(value))
    except ValueError as exc:
        raise InvalidCell(str(exc)) from None


_SERIAL_1990 = 32874  # Excel's day number of 1 January 1990
_SERIAL_2100 = 73415  # … and of 31 December 2100
_NUMBERED_LINE = re.compile(r"^(\d{1,3})\s*[.)]?\s+(.*)$")
_FIRST_ITEM = re.compile(r"^1\s")


def read_lines(value) -> tuple[str, ...]:
    """A list in one cell: one item per line; "-" or nothing is none. Numbers 1., 2., …
    before the lines are dropped when every line has its own number in order."""
    lines = [line.strip() for line in read_text(value).split("\n")]
    lines = [line for line in lines if line]
    if lines in ([], ["-"]):
        return ()
    numbered = [_NUMBERED_LINE.match(line) for line in lines]
    if all(m and int(m.group(1)) == i for i, m in enumerate(numbered, start=1)):
        return tuple(m.group(2).strip() for m in numbered)
    return tuple(lines)


def read_objectives(value) -> tuple[str, ...]:
    """Objectives: like ``read_lines``; one line "1 เพื่อ… 2 เพื่อ…" as the old system's
    page writes them is split the way the page importer splits it."""
    lines = [line.strip() for line in read_text(value).split("\n") if line.strip()]
    if len(lines) == 1 and _FIRST_ITEM.match(lines[0]):
        return tuple(split_objectives(lines[0]))
    return read_lines(value)


def read_amount(value) -> Decimal | None:
    """Baht: a number cell (checked by money.check_amount) or text as a person types it
    (money.parse_baht); blank is none."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        if isinstance(value, bool | dt.date | dt.datetime):
            raise ValidationError(_("«%(text)s» ไม่ใช่จำนวนเงิน") % {"text": _as_text(value)})
        if isinstance(value, int | float):
            # 1234567.89 typed in Excel is a float: its shortest repr is what was typed.
            amount = Decimal(repr(value) if isinstance(value, float) else value)
            return money.check_amount(amount)
        return money.parse_baht(str(value))
    except (ValidationError, InvalidOperation) as error:
        messages = getattr(error, "messages", None) or [_("กรุณากรอกจำนวนเงินเป็นตัวเลข")]
        raise InvalidCell(" ".join(str(m) for m in messages)) from None


def read_budget_source(value) -> str:
    """The source by its name (Thai, as the workbook writes it, or in any language of the
    site) or its code; blank is this year's budget."""
    text = _SPACES.sub(" ", read_text(value))
    if not text:
        return BudgetSource.CURRENT
    for source in BudgetSource:
        if text == source.value or text in _names_of(source.label):
            return source.value
    with translation.override(settings.LANGUAGE_CODE):
        names = " / ".join(f"«{source.label}»" for source in BudgetSource)
    raise InvalidCell(
        _("แหล่งงบประมาณ «%(text)s» ไม่มีในรายการ ใช้ %(names)s") % {"text": text, "names": names}
    )


def _names_of(label) -> set[str]:
    """A choice's label in every language of the site."""
    names = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            names.add(str(label))
    return names


PROJECT_READERS = {
    "code": read_code,
    "agency_code": read_agency_code,
    "fiscal_year": read_year,
    "budget_code": read_code,
    "organisation_code": read_code,
    "objectives": read_objectives,
    "strategy": read_lines,
    "budget_allocated": read_amount,
    "budget_source": read_budget_source,
}
STEP_READERS = {
    "project_code": read_code,
    "order": read_order,
    "weight": read_weight,
    "starts_on": read_date,
    "ends_on": read_date,
}
