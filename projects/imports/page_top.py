"""The page before its progress entries: the header block (project name and code with
the KPI label glued before the name, agency and fiscal year, headline percent, the
person responsible and the phone, สยป.'s evaluation) and the text sections (rationale
with the budget and organisation codes, objectives, targets, strategy)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from projects import thaidates
from projects.imports.page_data import PageEvaluation, PageHeader
from projects.imports.page_lines import PROJECT_CODE, PageLines, join_lines

TITLE = "ความคืบหน้าโครงการ/กิจกรรม"
NOISE = {TITLE, "Back Home", "FusionCharts will render here", "ดูโครงการแผนปีฯ : พิมพ์ข้อมูล"}

THAI_LETTER = "\u0e01-\u0e2e"
# Patterns run in linear time: see the note in projects/imports/page_parser.py.
_LABEL = re.compile(rf"[{THAI_LETTER}]{{1,4}}\.\s?\d+(?:[./]\d+)*")
_YEAR = re.compile(r"\d{4}")
_AGENCY_LINE = re.compile(r"^(?P<name>(?:[^\s:]++|\s++|:)*?)\s*+:\s*+\((?P<year>[^()]*+)\)$")
_HEADLINE_PERCENT = re.compile(r"^ความคืบหน้าโครงการ\s*ร้อยละ\s*(?P<value>.*)$")
_PHONE = re.compile(
    r"^(?=.*+$)(?P<name>(?:\s++|\S)*?)\s*+(?:โทร(?:ศัพท์)?\.?|Tel\.?)\s*:?\s*"
    r"(?P<phone>[\d\s\-,#/].*+)$"
)
_EVALUATION = re.compile(r"^\*+\s*สยป\.\s*ประเมินโครงการ\s*:\s*(?P<value>.*)$")
_EVALUATION_VALUE = re.compile(r"^ไตรมาสที่\s*(?P<quarter>\S+)\s+(?P<score>\S+)$")
_CODES = re.compile(r"^(?P<budget>[0-9A-Za-z.\-]*)\s*/\s*(?P<organisation>[0-9A-Za-z.\-]*)$")
# "**** text ****%", or only stars ("**", text ""; the second branch gives no group).
_STRATEGY = re.compile(
    r"^(?:\*++\s*+(?P<text>(?:[^\s*]++|\s++|\*++)*?)\s*+\*++\s*+%?|\*\*++\s*+%?)$"
)


@dataclass(frozen=True)
class TopBlock:
    header: PageHeader
    progress_percent: Decimal | None
    responsible: str
    responsible_phone: str
    evaluation: PageEvaluation | None
    # The headline's line (0-based), None when the page has none.
    headline_at: int | None


# --- the header block ---------------------------------------------------------------------


def parse_top(page: PageLines, start: int, stop: int, kpi_texts: list[str]) -> TopBlock | None:
    """Header, agency and year, headline percent, responsible person, evaluation. None
    (with the problem recorded) when the project or its agency line cannot be found."""
    indexes = [i for i in page.nonblank(start, stop) if page.text(i) not in NOISE]
    agency_at = next((i for i in indexes if _AGENCY_LINE.match(page.text(i))), None)
    if agency_at is None:
        page.problem(
            None,
            "หน่วยงานและปีงบประมาณ",
            _(
                "ไม่พบบรรทัดหน่วยงานและปีงบประมาณ (เช่น «สำนักงาน… : (2564)») "
                "ไฟล์นี้อาจไม่ใช่หน้าโครงการจากระบบเดิม"
            ),
        )
        return None
    before = [i for i in indexes if i < agency_at]
    if not before:
        page.problem(agency_at, "ชื่อโครงการ", _("ไม่พบบรรทัดชื่อโครงการและรหัสโครงการก่อนชื่อหน่วยงาน"))
        return None
    header_at = before[-1]
    label, name, code, agency_code = _read_project_line(page, header_at, kpi_texts)
    agency_name, year_be = _read_agency_line(page, agency_at)
    after = [i for i in indexes if i > agency_at]
    headline_at, progress_percent, responsible, phone, evaluation = _read_headlines(page, after)
    if headline_at is None:
        page.problem(None, "ความคืบหน้าโครงการ", _("ไม่พบบรรทัด «ความคืบหน้าโครงการ ร้อยละ …»"))
    header = PageHeader(
        kpi_label=label,
        name=name,
        code=code,
        agency_code=agency_code,
        agency_name=agency_name,
        fiscal_year_be=year_be,
        line=header_at + 1,
    )
    return TopBlock(header, progress_percent, responsible, phone, evaluation, headline_at)


def _read_project_line(
    page: PageLines, header_at: int, kpi_texts: list[str]
) -> tuple[str, str, str, str]:
    """ "อ.2/2โครงการ… : 01000000-2462" → KPI label, name, code, agency code."""
    header_line = page.text(header_at)
    name_part, colon, code = header_line.rpartition(":")
    if not colon:
        name_part, code = header_line, ""
    code = code.strip()
    name_part = name_part.strip()
    agency_code = ""
    if not code:
        page.problem(
            header_at,
            "รหัสโครงการ",
            _("ไม่พบรหัสโครงการ: บรรทัดชื่อโครงการต้องลงท้ายด้วย « : รหัสโครงการ» เช่น « : 01000000-2462»"),
        )
    elif match := PROJECT_CODE.match(code):
        agency_code = match.group(1)
    else:
        page.problem(
            header_at,
            "รหัสโครงการ",
            _(
                "รหัสโครงการ «%(code)s» ไม่ถูกรูปแบบ ต้องเป็นรหัสหน่วยงาน 8 หลัก ขีด และเลขโครงการ "
                "เช่น 01000000-2462"
            )
            % {"code": code},
        )
    label, name = split_label(name_part, kpi_texts)
    if not name:
        page.problem(header_at, "ชื่อโครงการ", _("ไม่พบชื่อโครงการ"))
    return label, name, code, agency_code


def _read_agency_line(page: PageLines, agency_at: int) -> tuple[str, int]:
    """ "สำนักงาน… : (2564)" → the agency's name and the fiscal year (0 when unreadable)."""
    agency_match = _AGENCY_LINE.match(page.text(agency_at))
    agency_name = agency_match.group("name").strip()
    if not agency_name:
        page.problem(agency_at, "หน่วยงาน", _("ไม่พบชื่อหน่วยงาน"))
    year_text = thaidates.arabic_digits(agency_match.group("year").strip())
    year_be = 0
    if not _YEAR.fullmatch(year_text) or not 2500 <= int(year_text) <= 2700:
        page.problem(
            agency_at,
            "ปีงบประมาณ",
            _("ปีงบประมาณ «%(year)s» ไม่ถูกต้อง ต้องเป็นปี พ.ศ. 4 หลัก เช่น (2564)")
            % {"year": agency_match.group("year")},
        )
    else:
        year_be = int(year_text)
    return agency_name, year_be


def _read_headlines(page: PageLines, after: list[int]):
    """The lines after the agency's: the headline percent with the person responsible on
    the next line, and สยป.'s evaluation."""
    headline_at = None
    progress_percent = None
    responsible = ""
    phone = ""
    evaluation = None
    for position, index in enumerate(after):
        line = page.text(index)
        if match := _HEADLINE_PERCENT.match(line):
            headline_at = index
            progress_percent = page.percent(index, match.group("value"), "ความคืบหน้าโครงการ")
            following = after[position + 1] if position + 1 < len(after) else None
            if following is not None and not _EVALUATION.match(page.text(following)):
                responsible, phone = _split_phone(page.text(following))
        elif match := _EVALUATION.match(line):
            evaluation = parse_evaluation(page, index, match.group("value"))
    return headline_at, progress_percent, responsible, phone, evaluation


def parse_evaluation(page: PageLines, index: int, value: str) -> PageEvaluation | None:
    value = value.strip()
    if not value or value == "-":
        return None
    match = _EVALUATION_VALUE.match(value)
    if not match:
        page.problem(
            index,
            "สยป. ประเมินโครงการ",
            _("อ่าน «%(value)s» ไม่ได้ ต้องเป็น «ไตรมาสที่ N คะแนน» เช่น «ไตรมาสที่ 1 100»")
            % {"value": value},
        )
        return None
    quarter = page.quarter(index, match.group("quarter"), "สยป. ประเมินโครงการ")
    score = page.score(index, match.group("score"), "สยป. ประเมินโครงการ")
    if quarter is None or score is None:
        return None
    return PageEvaluation(quarter=quarter, score=score)


def _split_phone(text: str) -> tuple[str, str]:
    """ "นางสุดา โทร. 1234" → ("นางสุดา", "1234"); a name alone has no phone."""
    match = _PHONE.match(text)
    if match and match.group("name"):
        return match.group("name").strip(), match.group("phone").strip()
    return text.strip(), ""


# --- the text sections --------------------------------------------------------------------


def parse_rationale(page: PageLines, start: int, stop: int) -> tuple[str, str, str]:
    body = list(range(start + 1, stop))
    filled = [i for i in body if page.text(i)]
    budget_code = organisation_code = ""
    if filled and (match := _CODES.match(page.text(filled[-1]))):
        budget_code, organisation_code = match.group("budget"), match.group("organisation")
        body = [i for i in body if i < filled[-1]]
    elif filled:
        page.problem(
            filled[-1],
            "รหัสงบประมาณ/รหัสหน่วยงาน",
            _("ไม่พบบรรทัดรหัสงบประมาณ/รหัสหน่วยงาน (เช่น 01000800/01000800) ท้ายหลักการและเหตุผล"),
        )
    return join_lines([page.lines[i] for i in body]), budget_code, organisation_code


def parse_objectives(page: PageLines, start: int, stop: int) -> list[str]:
    lines = [page.text(i) for i in page.nonblank(start + 1, stop)]
    return split_objectives(" ".join(lines))


def parse_targets(page: PageLines, start: int, stop: int) -> str:
    return join_lines(page.lines[start:stop][1:])


def parse_strategy(page: PageLines, start: int, stop: int) -> list[str]:
    result = []
    for index in page.nonblank(start + 1, stop):
        line = page.text(index)
        match = _STRATEGY.match(line)
        text = (match.group("text") or "") if match else line
        if text and text != "-":
            result.append(text)
    return result


# --- helpers ----------------------------------------------------------------------------------


def split_objectives(text: str) -> list[str]:
    """ "1 เพื่อ… 2 เพื่อ… 3 เพื่อ…" → ["เพื่อ…", "เพื่อ…", "เพื่อ…"].

    Splits only on " N " where N is the next expected number. Text that does not start
    with "1 " is one objective; "-" or nothing is none.
    """
    text = text.strip()
    if text in {"", "-"}:
        return []
    if not text.startswith("1 "):
        return [text]
    items = []
    rest = text[2:]
    number = 2
    while True:
        cut = rest.find(f" {number} ")
        if cut < 0:
            items.append(rest.strip())
            return items
        items.append(rest[:cut].strip())
        rest = rest[cut + len(f" {number} ") :]
        number += 1


def split_label(header_text: str, kpi_texts: list[str]) -> tuple[str, str]:
    """Cut the KPI label glued before the project name: "อ.2/2โครงการ…" → ("อ.2/2", "โครงการ…").

    The label is the label-shaped start that the header shares with a KPI line
    ("ตัวชี้วัด : อ.2/2ระดับความสำเร็จ…"); without a KPI line, a label-shaped start alone.
    """
    for kpi_text in kpi_texts:
        shared = _common_prefix(header_text, kpi_text)
        if match := _LABEL.match(shared):
            label = match.group(0)
            return label, header_text[len(label) :].strip()
    if not kpi_texts and (match := _LABEL.match(header_text)):
        label = match.group(0)
        return label, header_text[len(label) :].strip()
    return "", header_text.strip()


def split_kpi_label(kpi_text: str, header_label: str) -> tuple[str, str]:
    """ "อ.2/2ระดับความสำเร็จ…" → ("อ.2/2", "ระดับความสำเร็จ…")."""
    if header_label and kpi_text.startswith(header_label):
        return header_label, kpi_text[len(header_label) :].strip()
    if match := _LABEL.match(kpi_text):
        return match.group(0), kpi_text[match.end() :].strip()
    return "", kpi_text.strip()


def _common_prefix(a: str, b: str) -> str:
    size = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        size += 1
    return a[:size]
