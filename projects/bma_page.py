"""Read a project page of today's system (ความคืบหน้าโครงการ/กิจกรรม) saved as text.

The format is the one of ``fixtures/pages/bma-project-page-01000000-2462.txt``: the page
as a browser's "save as text" writes it, one block per line, blocks separated by blank
lines. ``parse`` is pure (no database): it returns the page as a tree of frozen
dataclasses and the list of problems found, each with its line number, the field and a
message in Thai. Nothing raises out of ``parse``: a page that cannot be read is a
problem, not an exception.

Decisions about what the page shows:

- Thai text is kept exactly as written. No Unicode normalisation: the page spells
  "สํา" (U+0E4D U+0E32) in the agency name and "สำ" (U+0E33) elsewhere, and both stay.
  Only the ends of a field are trimmed of spaces; Windows line ends become ``\\n``.
- The KPI label (อ.2/2) is glued before the project name in the header. It is cut off
  using the KPI block's line "ตัวชี้วัด : อ.2/2<KPI name>": the label is the
  label-shaped start (Thai letters, a dot, numbers with / or .) that both lines share.
- The agency code is not printed: it is the 8-digit prefix of the project code.
- Objectives come as one line "1 เพื่อ… 2 เพื่อ… 3 เพื่อ…"; the line is split only on
  " N " where N is the next expected number, so "จำนวน 6 กลุ่ม" inside an objective
  is not a split unless 6 is the next number.
- Strategy lines lose their "**** … ****" decoration. The third line of the seed ends
  in "****%", an artefact of the old page's template: the "%" is dropped with the
  decoration and nothing else is recorded about it.
- "ไม่มี" and "-" (problems, obstacles, targets) are kept as written: they are what the
  page says; reading them as "none" is the display's business.
- Entry numbers (1) = newest and the dd/mm/BE date before each narrative are checked
  (numbers 1..n in order, the BE date equal to the ISO date) but are not separate data:
  both follow from the ISO report date.
- Quarter rows showing "0 / 0" are not scored: both criteria are None. A single 0 beside
  a real score ("100 / 0") is kept as the score 0.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from decimal import Decimal

from projects import thaidates

logger = logging.getLogger(__name__)

# A page of a year's project with a few hundred entries is well under a megabyte; a file
# many times that size is not a saved page.
MAX_PAGE_BYTES = 2 * 1024 * 1024

TITLE = "ความคืบหน้าโครงการ/กิจกรรม"
END_MARKER = "** ผลการประเมินโครงการ (รายไตรมาส) **"
NOISE = {TITLE, "Back Home", "FusionCharts will render here", "ดูโครงการแผนปีฯ : พิมพ์ข้อมูล"}

# The section headings, in the order the page prints them.
SECTIONS = (
    ("rationale", "หลักการและเหตุผล"),
    ("objectives", "วัตถุประสงค์ของโครงการ"),
    ("targets", "เป้าหมายของโครงการ"),
    ("strategy", "สนับสนุนยุทธศาสตร์กรุงเทพมหานครฯ"),
    ("entries", "ผลการดำเนินงาน"),
    ("steps", "แผนการดำเนินงานฯ"),
    ("indicators", "สนับสนุนตัวชี้วัดตามแผนฯ"),
)
SECTION_TITLES = dict(SECTIONS)

THAI_LETTER = "\u0e01-\u0e2e"
# Every pattern here reads uploaded text, so each runs in time linear in the line
# (tests/hostile/test_regex_backtracking.py times each on 100,000-character hostile lines;
# tests/test_bma_page_patterns.py checks that each rewritten one reads a line as the plain
# pattern it replaces did).
# A step line of ":" + 5,000 spaces + "x" once took 92 s: in ``^:\s*(?P<weight>[^%]*?)\s*%$``
# three quantifiers could share the spaces in a cubic number of ways. So:
# - Text before a closing part (``\s*%$``, ``\s*:``…) is taken run by run, not character
#   by character: ``(?:[^\s%]++|\s++)*?`` is "[^%]*?" in whole runs of spaces and of other
#   characters, each possessive (``++``), so the closing part is tried once per run and
#   reads each run at most a few times. The closing part can only start where a run
#   starts, which is where the character-by-character form starts it too.
# - Spaces before a literal that is not a space are possessive (``\s*+``): giving one back
#   cannot help, and would cost a retry per space.
# - Where a later part could still fail after a long match (only a line break can make
#   ``.*$`` fail), what is found first is kept: an atomic group ``(?>…)``, a possessive
#   ``.*+``, or a first look at the whole line, ``(?=.*+$)`` (no line break in it).
_LABEL = re.compile(rf"[{THAI_LETTER}]{{1,4}}\.\s?\d+(?:[./]\d+)*")
_THAI = re.compile("[\u0e00-\u0e7f]")
_CODE = re.compile(r"^(\d{8})-(\d{1,6})$")
_NUMBER = re.compile(r"^\d{1,3}(?:\.\d{1,2})?$")
_YEAR = re.compile(r"\d{4}")
_LEVEL = re.compile(r"[1-5]")
_DECIMAL = re.compile(r"\d+(?:\.\d+)?")
_TWO_PLACES = re.compile(r"\d+(?:\.\d{1,2})?")
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
_ENTRY_HEAD = re.compile(
    r"^\((?P<number>[^()]*+)\)\s*+ความคืบหน้าโครงการฯ\s*+ร้อยละ\s*+"
    r"(?P<percent>(?:[^\s(]++|\s++|\()*?)\s*+\((?P<date>[^()]*+)\)$"
)
_NARRATIVE = re.compile(r"^(?P<date>[0-9๐-๙]{1,2}/[0-9๐-๙]{1,2}/[0-9๐-๙]{2,4})\s*:\s?(?P<text>.*)$")
_PROBLEMS = re.compile(r"^\*\*\s*ปัญหาของโครงการ\s*:(?P<text>.*)$")
_OBSTACLES = re.compile(r"^\*\*\s*อุปสรรคของโครงการ\s*:(?P<text>.*)$")
_SEPARATOR = re.compile(r"^-+&&&-+$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
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


# --- the page as data ---------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """Something wrong with the page: its line (1-based, None for the whole file), the
    field as the page names it, and what is wrong, in Thai."""

    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"บรรทัด {self.line}" if self.line else "ทั้งไฟล์"
        return f"{where} · {self.field}: {self.message}"


@dataclass(frozen=True)
class PageHeader:
    kpi_label: str
    name: str
    code: str
    agency_code: str
    agency_name: str
    fiscal_year_be: int
    line: int


@dataclass(frozen=True)
class PageEvaluation:
    """*** สยป. ประเมินโครงการ : ไตรมาสที่ 1 100"""

    quarter: int
    score: Decimal


@dataclass(frozen=True)
class PageEntry:
    number: int
    percent: Decimal
    reported_on: dt.date
    narrative_date: dt.date
    narrative_date_text: str
    narrative: str
    problems: str
    obstacles: str
    line: int


@dataclass(frozen=True)
class PageStep:
    order: int
    title: str
    weight: Decimal
    starts_on: dt.date | None
    ends_on: dt.date | None
    line: int


@dataclass(frozen=True)
class PageIndicator:
    code: str
    label: str
    name: str
    unit: str
    target_level: int
    achieved_level: int | None
    kind: str
    result_level: str
    line: int


@dataclass(frozen=True)
class PageQuarter:
    quarter: int
    result_value: Decimal | None
    criterion_21: Decimal | None
    criterion_22: Decimal | None
    line: int


@dataclass(frozen=True)
class BmaPage:
    header: PageHeader
    progress_percent: Decimal | None
    responsible: str
    responsible_phone: str
    evaluation: PageEvaluation | None
    rationale: str
    budget_code: str
    organisation_code: str
    objectives: tuple[str, ...]
    targets: str
    strategy: tuple[str, ...]
    entries: tuple[PageEntry, ...]
    steps: tuple[PageStep, ...]
    indicators: tuple[PageIndicator, ...]
    quarters: tuple[PageQuarter, ...]


@dataclass(frozen=True)
class ParseResult:
    """The page (None when even its header could not be read) and the problems found.
    A page with problems must not be imported: parts of it may be missing or wrong."""

    page: BmaPage | None
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return self.page is not None and not self.problems


# --- entry point ----------------------------------------------------------------------------


def parse(data: bytes | str) -> ParseResult:
    """Read a saved page (bytes in UTF-8, or text). Never raises for bad input."""
    text, problem = decode(data)
    if problem is not None:
        return ParseResult(None, (problem,))
    try:
        return _PageParser(text).parse()
    except Exception:  # a bug here must not become a 500: say so, and log it loudly
        logger.exception("bma_page.parse failed")
        return ParseResult(
            None,
            (
                Problem(
                    None,
                    "ทั้งไฟล์",
                    "อ่านหน้านี้ไม่สำเร็จเพราะข้อผิดพลาดของระบบ กรุณาแจ้งผู้ดูแลระบบพร้อมไฟล์นี้",
                ),
            ),
        )


def decode(data: bytes | str) -> tuple[str, Problem | None]:
    """The page's text with ``\\n`` line ends, or a problem saying why it cannot be read."""
    if isinstance(data, str):
        text = data
        if len(text) > MAX_PAGE_BYTES:
            return "", _too_big(len(text.encode("utf-8", "replace")))
    else:
        if len(data) > MAX_PAGE_BYTES:
            return "", _too_big(len(data))
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return "", Problem(
                None,
                "การเข้ารหัสไฟล์",
                "ไฟล์นี้เข้ารหัสแบบ UTF-16 ระบบอ่านได้เฉพาะ UTF-8 กรุณาบันทึกไฟล์ใหม่เป็น UTF-8",
            )
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            if exc.reason != "unexpected end of data":
                return "", _undecodable(data, exc)
            # Cut inside the last character: a truncated file. Read what is there; the
            # missing end of the page is reported as such.
            text = data[: exc.start].decode("utf-8")
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return "", Problem(None, "ทั้งไฟล์", "ไฟล์ว่างเปล่า ไม่มีข้อมูลหน้าโครงการ")
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        return "", Problem(
            line, "การเข้ารหัสไฟล์", "พบอักขระ NUL ในไฟล์ ไฟล์นี้ไม่ใช่ข้อความ (text) ที่บันทึกจากหน้าเว็บ"
        )
    if not _THAI.search(text):
        if "à¸" in text or "à¹" in text:
            return "", Problem(
                None,
                "การเข้ารหัสไฟล์",
                "ข้อความภาษาไทยในไฟล์เพี้ยน (เช่น «à¸…») เพราะถูกแปลงรหัสอักขระซ้ำสองครั้ง "
                "กรุณาบันทึกหน้าจากระบบเดิมใหม่เป็น UTF-8",
            )
        return "", Problem(None, "ทั้งไฟล์", "ไม่พบข้อความภาษาไทยในไฟล์ ไฟล์นี้ไม่ใช่หน้าโครงการจากระบบเดิม")
    return text, None


def _too_big(size: int) -> Problem:
    return Problem(
        None,
        "ขนาดไฟล์",
        f"ไฟล์ใหญ่ {size / 1024 / 1024:,.1f} MB เกินขนาดสูงสุดของหน้าโครงการ "
        f"{MAX_PAGE_BYTES // 1024 // 1024} MB ไฟล์นี้ไม่ใช่หน้าโครงการที่บันทึกเป็นข้อความ",
    )


def _undecodable(data: bytes, exc: UnicodeDecodeError) -> Problem:
    line = data.count(b"\n", 0, exc.start) + 1
    try:
        legacy = data.decode("cp874")
    except UnicodeDecodeError:
        legacy = ""
    if TITLE in legacy or "ผลการดำเนินงาน" in legacy:
        return Problem(
            line,
            "การเข้ารหัสไฟล์",
            "ไฟล์นี้เข้ารหัสแบบ TIS-620 (Windows-874) ระบบอ่านได้เฉพาะ UTF-8 "
            "กรุณาเปิดไฟล์แล้วบันทึกใหม่เป็น UTF-8",
        )
    return Problem(
        line,
        "การเข้ารหัสไฟล์",
        f"ไฟล์ไม่ได้เข้ารหัสแบบ UTF-8: ไบต์ 0x{data[exc.start]:02X} ในบรรทัด {line} อ่านไม่ได้ "
        "กรุณาบันทึกหน้าจากระบบเดิมใหม่เป็นข้อความ UTF-8",
    )


# --- helpers --------------------------------------------------------------------------------


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


def _join(lines: list[str]) -> str:
    """Lines of one field, blank lines at both ends dropped, the rest kept as written."""
    while lines and not lines[0].strip():
        lines = lines[1:]
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return "\n".join(line.rstrip() for line in lines).strip()


# --- the parser -----------------------------------------------------------------------------


class _PageParser:
    def __init__(self, text: str):
        self.lines = text.split("\n")
        self.problems: list[Problem] = []
        self.headline_index: int | None = None

    def problem(self, index: int | None, field: str, message: str) -> None:
        """``index`` is 0-based; problems carry 1-based line numbers."""
        self.problems.append(Problem(None if index is None else index + 1, field, message))

    def nonblank(self, start: int, stop: int) -> list[int]:
        return [i for i in range(start, stop) if self.lines[i].strip()]

    def text(self, index: int) -> str:
        return self.lines[index].strip()

    def parse(self) -> ParseResult:
        bounds = self.find_sections()
        top_end = min((start for start, _stop in bounds.values()), default=self.end)
        kpi_texts = self.kpi_name_lines(*bounds.get("indicators", (0, 0)))
        top = self.parse_top(0, top_end, kpi_texts)
        if top is None:
            return ParseResult(None, tuple(self.problems))
        header, progress_percent, responsible, phone, evaluation = top

        rationale, budget_code, organisation_code = self.parse_rationale(
            *bounds.get("rationale", (0, 0))
        )
        objectives = self.parse_objectives(*bounds.get("objectives", (0, 0)))
        targets = _join(self.lines[slice(*bounds.get("targets", (0, 0)))][1:])
        strategy = self.parse_strategy(*bounds.get("strategy", (0, 0)))
        entries = self.parse_entries(*bounds.get("entries", (0, 0)))
        steps = self.parse_steps(*bounds.get("steps", (0, 0)), code=header.code)
        indicators, quarters = self.parse_indicators(
            *bounds.get("indicators", (0, 0)), header_label=header.kpi_label
        )

        latest = entries[0] if entries and entries[0].number == 1 else None
        if progress_percent is not None and latest and latest.percent != progress_percent:
            self.problem(
                self.headline_index,
                "ความคืบหน้าโครงการ",
                f"ความคืบหน้าโครงการ ร้อยละ {progress_percent} ไม่ตรงกับผลการดำเนินงานล่าสุด "
                f"(1) ร้อยละ {entries[0].percent}",
            )
        page = BmaPage(
            header=header,
            progress_percent=progress_percent,
            responsible=responsible,
            responsible_phone=phone,
            evaluation=evaluation,
            rationale=rationale,
            budget_code=budget_code,
            organisation_code=organisation_code,
            objectives=tuple(objectives),
            targets=targets,
            strategy=tuple(strategy),
            entries=tuple(entries),
            steps=tuple(steps),
            indicators=tuple(indicators),
            quarters=tuple(quarters),
        )
        return ParseResult(page, tuple(self.problems))

    # --- sections -----------------------------------------------------------------------

    def find_sections(self) -> dict[str, tuple[int, int]]:
        """Where each section starts (its heading line) and ends (the next heading)."""
        found: list[tuple[str, int]] = []
        position = 0
        for key, title in SECTIONS:
            for index in range(position, len(self.lines)):
                if self.text(index) == title:
                    found.append((key, index))
                    position = index + 1
                    break
        end = next(
            (i for i in range(len(self.lines)) if self.text(i) == END_MARKER),
            None,
        )
        if end is None:
            last = max(self.nonblank(0, len(self.lines)), default=0)
            self.problem(
                last,
                "ทั้งไฟล์",
                f"หน้าไม่ครบ: ไม่พบบรรทัดท้ายหน้า «{END_MARKER}» "
                "ไฟล์อาจถูกตัดหรือบันทึกไม่ครบ กรุณาบันทึกหน้าจากระบบเดิมใหม่ทั้งหน้า",
            )
            end = len(self.lines)
        self.end = end
        found_keys = {key for key, _ in found}
        for key, title in SECTIONS:
            if key not in found_keys:
                self.problem(None, title, f"ไม่พบหัวข้อ «{title}» ในหน้า")
        bounds = {}
        for number, (key, start) in enumerate(found):
            stop = found[number + 1][1] if number + 1 < len(found) else max(end, start)
            bounds[key] = (start, stop)
        return bounds

    def parse_top(self, start: int, stop: int, kpi_texts: list[str]):
        """Header, agency and year, headline percent, responsible person, evaluation."""
        indexes = [i for i in self.nonblank(start, stop) if self.text(i) not in NOISE]
        agency_at = next((i for i in indexes if _AGENCY_LINE.match(self.text(i))), None)
        if agency_at is None:
            self.problem(
                None,
                "หน่วยงานและปีงบประมาณ",
                "ไม่พบบรรทัดหน่วยงานและปีงบประมาณ (เช่น «สำนักงาน… : (2564)») "
                "ไฟล์นี้อาจไม่ใช่หน้าโครงการจากระบบเดิม",
            )
            return None
        before = [i for i in indexes if i < agency_at]
        if not before:
            self.problem(agency_at, "ชื่อโครงการ", "ไม่พบบรรทัดชื่อโครงการและรหัสโครงการก่อนชื่อหน่วยงาน")
            return None
        header_at = before[-1]
        header_line = self.text(header_at)
        name_part, colon, code = header_line.rpartition(":")
        if not colon:
            name_part, code = header_line, ""
        code = code.strip()
        name_part = name_part.strip()
        agency_code = ""
        if not code:
            self.problem(
                header_at,
                "รหัสโครงการ",
                "ไม่พบรหัสโครงการ: บรรทัดชื่อโครงการต้องลงท้ายด้วย « : รหัสโครงการ» เช่น « : 01000000-2462»",
            )
        elif match := _CODE.match(code):
            agency_code = match.group(1)
        else:
            self.problem(
                header_at,
                "รหัสโครงการ",
                f"รหัสโครงการ «{code}» ไม่ถูกรูปแบบ ต้องเป็นรหัสหน่วยงาน 8 หลัก ขีด และเลขโครงการ "
                "เช่น 01000000-2462",
            )
        label, name = split_label(name_part, kpi_texts)
        if not name:
            self.problem(header_at, "ชื่อโครงการ", "ไม่พบชื่อโครงการ")

        agency_match = _AGENCY_LINE.match(self.text(agency_at))
        agency_name = agency_match.group("name").strip()
        if not agency_name:
            self.problem(agency_at, "หน่วยงาน", "ไม่พบชื่อหน่วยงาน")
        year_text = thaidates.arabic_digits(agency_match.group("year").strip())
        year_be = 0
        if not _YEAR.fullmatch(year_text) or not 2500 <= int(year_text) <= 2700:
            self.problem(
                agency_at,
                "ปีงบประมาณ",
                f"ปีงบประมาณ «{agency_match.group('year')}» ไม่ถูกต้อง ต้องเป็นปี พ.ศ. 4 หลัก เช่น (2564)",
            )
        else:
            year_be = int(year_text)

        after = [i for i in indexes if i > agency_at]
        self.headline_index = None
        progress_percent = None
        responsible = ""
        phone = ""
        evaluation = None
        for position, index in enumerate(after):
            line = self.text(index)
            if match := _HEADLINE_PERCENT.match(line):
                self.headline_index = index
                progress_percent = self.percent(index, match.group("value"), "ความคืบหน้าโครงการ")
                following = after[position + 1] if position + 1 < len(after) else None
                if following is not None and not _EVALUATION.match(self.text(following)):
                    responsible, phone = _split_phone(self.text(following))
            elif match := _EVALUATION.match(line):
                evaluation = self.parse_evaluation(index, match.group("value"))
        if self.headline_index is None:
            self.problem(None, "ความคืบหน้าโครงการ", "ไม่พบบรรทัด «ความคืบหน้าโครงการ ร้อยละ …»")
        header = PageHeader(
            kpi_label=label,
            name=name,
            code=code,
            agency_code=agency_code,
            agency_name=agency_name,
            fiscal_year_be=year_be,
            line=header_at + 1,
        )
        return header, progress_percent, responsible, phone, evaluation

    def parse_evaluation(self, index: int, value: str) -> PageEvaluation | None:
        value = value.strip()
        if not value or value == "-":
            return None
        match = _EVALUATION_VALUE.match(value)
        if not match:
            self.problem(
                index,
                "สยป. ประเมินโครงการ",
                f"อ่าน «{value}» ไม่ได้ ต้องเป็น «ไตรมาสที่ N คะแนน» เช่น «ไตรมาสที่ 1 100»",
            )
            return None
        quarter = self.quarter(index, match.group("quarter"), "สยป. ประเมินโครงการ")
        score = self.score(index, match.group("score"), "สยป. ประเมินโครงการ")
        if quarter is None or score is None:
            return None
        return PageEvaluation(quarter=quarter, score=score)

    def parse_rationale(self, start: int, stop: int) -> tuple[str, str, str]:
        body = list(range(start + 1, stop))
        filled = [i for i in body if self.text(i)]
        budget_code = organisation_code = ""
        if filled and (match := _CODES.match(self.text(filled[-1]))):
            budget_code, organisation_code = match.group("budget"), match.group("organisation")
            body = [i for i in body if i < filled[-1]]
        elif filled:
            self.problem(
                filled[-1],
                "รหัสงบประมาณ/รหัสหน่วยงาน",
                "ไม่พบบรรทัดรหัสงบประมาณ/รหัสหน่วยงาน (เช่น 01000800/01000800) ท้ายหลักการและเหตุผล",
            )
        return _join([self.lines[i] for i in body]), budget_code, organisation_code

    def parse_objectives(self, start: int, stop: int) -> list[str]:
        lines = [self.text(i) for i in self.nonblank(start + 1, stop)]
        return split_objectives(" ".join(lines))

    def parse_strategy(self, start: int, stop: int) -> list[str]:
        result = []
        for index in self.nonblank(start + 1, stop):
            line = self.text(index)
            match = _STRATEGY.match(line)
            text = (match.group("text") or "") if match else line
            if text and text != "-":
                result.append(text)
        return result

    # --- progress entries ---------------------------------------------------------------

    def parse_entries(self, start: int, stop: int) -> list[PageEntry]:
        heads = [i for i in range(start + 1, stop) if _ENTRY_HEAD.match(self.text(i))]
        for index in self.nonblank(start + 1, heads[0] if heads else stop):
            self.unknown_line(index, "ผลการดำเนินงาน")
        entries = []
        for position, head in enumerate(heads, start=1):
            block_end = heads[position] if position < len(heads) else stop
            entry = self.parse_entry(head, block_end)
            if entry is not None:
                entries.append((position, entry))
        self.check_entries(entries)
        return [entry for _position, entry in entries]

    def parse_entry(self, head: int, stop: int) -> PageEntry | None:
        """One entry: heading, the percent again, "dd/mm/BE : narrative", problems,
        obstacles. None (with the problems recorded) when any part is wrong."""
        known = len(self.problems)
        match = _ENTRY_HEAD.match(self.text(head))
        number_text = match.group("number").strip()
        label = f"ผลการดำเนินงาน ({number_text})"
        number = int(number_text) if number_text.isdigit() else None
        if number is None:
            self.problem(head, label, f"ลำดับ «{number_text}» ไม่ใช่ตัวเลข")
        percent = self.percent(head, match.group("percent"), f"{label} ร้อยละ")
        reported_on = self.iso_date(head, match.group("date"), f"{label} วันที่รายงาน")

        body = [i for i in range(head + 1, stop) if not _SEPARATOR.match(self.text(i))]
        filled = [i for i in body if self.text(i)]
        narrative_at = next((i for i in filled if _NARRATIVE.match(self.text(i))), None)
        problems_at = next((i for i in filled if _PROBLEMS.match(self.text(i))), None)
        obstacles_at = next((i for i in filled if _OBSTACLES.match(self.text(i))), None)
        first_text = min(
            (i for i in (narrative_at, problems_at, obstacles_at) if i is not None), default=stop
        )
        for index in (i for i in filled if i < first_text):
            # The percent is printed twice: in the heading and alone on the next line.
            if index == filled[0] and _NUMBER.match(self.text(index)):
                if percent is not None and Decimal(self.text(index)) != percent:
                    self.problem(
                        index,
                        f"{label} ร้อยละ",
                        f"ร้อยละ {self.text(index)} ไม่ตรงกับร้อยละ {match.group('percent')} "
                        "ในหัวรายการ",
                    )
            else:
                self.unknown_line(index, label)

        narrative_date = None
        narrative_date_text = narrative = problems = obstacles = ""
        if narrative_at is None or narrative_at != first_text:
            self.problem(
                first_text if first_text < stop else head,
                f"{label} ผลการดำเนินงาน",
                "ไม่พบข้อความผลการดำเนินงานที่ขึ้นต้นด้วยวันที่ วว/ดด/ปปปป (พ.ศ.) เช่น «22/09/2564 : …»",
            )
        else:
            narrative_match = _NARRATIVE.match(self.text(narrative_at))
            narrative_date_text = narrative_match.group("date")
            narrative_date = self.be_date(narrative_at, narrative_date_text, f"{label} วันที่")
            if narrative_date and reported_on and narrative_date != reported_on:
                self.problem(
                    narrative_at,
                    f"{label} วันที่",
                    f"วันที่ {narrative_date_text} หน้าข้อความไม่ตรงกับวันที่รายงาน "
                    f"{reported_on.isoformat()} ({thaidates.format_be(reported_on)}) ในหัวรายการ",
                )
            narrative_stop = problems_at if problems_at is not None else stop
            narrative = self.field_text(narrative_match, narrative_at, narrative_stop, body)
        if problems_at is None:
            self.problem(head, f"{label} ปัญหาของโครงการ", "ไม่พบบรรทัด «** ปัญหาของโครงการ :»")
        if obstacles_at is None:
            self.problem(head, f"{label} อุปสรรคของโครงการ", "ไม่พบบรรทัด «** อุปสรรคของโครงการ :»")
        elif problems_at is not None and obstacles_at < problems_at:
            self.problem(
                obstacles_at,
                f"{label} อุปสรรคของโครงการ",
                "บรรทัดอุปสรรคของโครงการต้องอยู่หลังบรรทัดปัญหาของโครงการ",
            )
        elif problems_at is not None:
            problems = self.field_text(
                _PROBLEMS.match(self.text(problems_at)), problems_at, obstacles_at, body
            )
            obstacles = self.field_text(
                _OBSTACLES.match(self.text(obstacles_at)), obstacles_at, stop, body
            )
        if len(self.problems) > known:
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

    def field_text(self, match: re.Match, at: int, stop: int, body: list[int]) -> str:
        """The text after the field's label, with the lines that follow it up to ``stop``."""
        return _join([match.group("text")] + [self.lines[i] for i in body if at < i < stop])

    def unknown_line(self, index: int, field: str) -> None:
        self.problem(index, field, f"ไม่รู้จักบรรทัดนี้ในส่วนนี้ของหน้า: «{self.text(index)[:60]}»")

    def check_entries(self, entries: list[tuple[int, PageEntry]]) -> None:
        """Numbered (1) = newest, 1..n without gaps, newest first; one entry per month.
        ``position`` is the entry's place on the page, counting unreadable entries too."""
        seen: dict[int, int] = {}
        months: dict[dt.date, PageEntry] = {}
        previous: PageEntry | None = None
        for position, entry in entries:
            label = f"ผลการดำเนินงาน ({entry.number})"
            if entry.number in seen:
                self.problem(
                    entry.line - 1,
                    f"{label} ลำดับ",
                    f"ลำดับ ({entry.number}) ซ้ำกับรายการในบรรทัด {seen[entry.number]}",
                )
            elif entry.number != position:
                self.problem(
                    entry.line - 1,
                    f"{label} ลำดับ",
                    f"ลำดับไม่ต่อเนื่อง: รายการที่ {position} ของหน้ามีลำดับ ({entry.number}) "
                    f"ที่ควรเป็น ({position})",
                )
            seen.setdefault(entry.number, entry.line)
            if previous is not None and entry.reported_on > previous.reported_on:
                self.problem(
                    entry.line - 1,
                    f"{label} วันที่รายงาน",
                    f"รายการเรียงไม่ถูกต้อง: ({entry.number}) รายงานวันที่ "
                    f"{thaidates.format_be(entry.reported_on)} ใหม่กว่ารายการก่อนหน้า "
                    "(ลำดับ (1) ต้องเป็นรายการล่าสุด)",
                )
            previous = entry
            month = entry.reported_on.replace(day=1)
            if month in months:
                other = months[month]
                self.problem(
                    entry.line - 1,
                    f"{label} วันที่รายงาน",
                    f"มีผลการดำเนินงานของเดือน {thaidates.month_label(month)} สองรายการ "
                    f"(({other.number}) และ ({entry.number})) ระบบเก็บได้เดือนละหนึ่งรายการ",
                )
            months.setdefault(month, entry)

    # --- plan steps ---------------------------------------------------------------------

    def parse_steps(self, start: int, stop: int, *, code: str) -> list[PageStep]:
        heads = [i for i in range(start + 1, stop) if _STEP_HEAD.match(self.text(i))]
        links = {i for i in range(start + 1, stop) if _STEP_LINK.match(self.text(i))}
        for index in sorted(links):
            link_code = _STEP_LINK.match(self.text(index)).group("code")
            if _CODE.match(code) and link_code != code:
                self.problem(
                    index,
                    "รหัสโครงการ",
                    f"รหัสโครงการ «{link_code}» ในลิงก์ขั้นตอนไม่ตรงกับรหัส «{code}» ในหัวหน้า",
                )
        for index in self.nonblank(start + 1, heads[0] if heads else stop):
            if index not in links:
                self.unknown_line(index, "แผนการดำเนินงาน")
        steps = []
        seen: dict[int, int] = {}
        for position, head in enumerate(heads, start=1):
            block_end = heads[position] if position < len(heads) else stop
            step = self.parse_step(head, block_end, links)
            if step is None:
                continue
            steps.append(step)
            if step.order in seen:
                self.problem(
                    head,
                    f"ขั้นตอน {step.order}",
                    f"ขั้นตอน {step.order} ซ้ำกับขั้นตอนในบรรทัด {seen[step.order]}",
                )
            elif step.order != position:
                self.problem(
                    head,
                    f"ขั้นตอน {step.order}",
                    f"ลำดับขั้นตอนไม่ต่อเนื่อง: ขั้นตอนที่ {position} ของหน้ามีเลข {step.order}",
                )
            seen.setdefault(step.order, step.line)
        if steps and len(steps) == len(heads):
            total = sum((step.weight for step in steps), Decimal(0))
            if total != 100:
                self.problem(
                    start,
                    "น้ำหนักขั้นตอน",
                    f"น้ำหนักของขั้นตอนทั้ง {len(steps)} ขั้นตอนรวมกันได้ร้อยละ {_plain(total)} "
                    "ต้องรวมกันได้ร้อยละ 100",
                )
        return steps

    def parse_step(self, head: int, stop: int, links: set[int]) -> PageStep | None:
        """ขั้นตอน N / :title / :weight% / เริ่มต้น :date / สิ้นสุด :date."""
        known = len(self.problems)
        order_text = _STEP_HEAD.match(self.text(head)).group("order")
        label = f"ขั้นตอน {order_text}"
        order = int(order_text) if order_text.isdigit() else None
        if order is None:
            self.problem(head, label, f"เลขขั้นตอน «{order_text}» ไม่ใช่ตัวเลข")
        body = [i for i in self.nonblank(head + 1, stop) if i not in links]
        start_at = next((i for i in body if _STEP_START.match(self.text(i))), None)
        end_at = next((i for i in body if _STEP_END.match(self.text(i))), None)
        weight_at = next(
            (
                i
                for i in reversed(body)
                if (start_at is None or i < start_at) and _STEP_WEIGHT.match(self.text(i))
            ),
            None,
        )
        if weight_at is None:
            self.problem(head, f"{label} น้ำหนัก", "ไม่พบน้ำหนักของขั้นตอน (เช่น «:5%»)")
            return None
        title = _join([self.lines[i] for i in range(head + 1, weight_at) if i not in links])
        title = title.removeprefix(":").strip()
        if not title:
            self.problem(head, f"{label} ชื่อขั้นตอน", "ไม่พบชื่อขั้นตอน")
        weight_text = _STEP_WEIGHT.match(self.text(weight_at)).group("weight")
        weight = self.percent(weight_at, weight_text, f"{label} น้ำหนัก")
        starts_on = ends_on = None
        if start_at is None:
            self.problem(head, f"{label} เริ่มต้น", "ไม่พบบรรทัด «เริ่มต้น :»")
        else:
            starts_on = self.step_date(start_at, _STEP_START, f"{label} เริ่มต้น")
        if end_at is None:
            self.problem(head, f"{label} สิ้นสุด", "ไม่พบบรรทัด «สิ้นสุด :»")
        else:
            ends_on = self.step_date(end_at, _STEP_END, f"{label} สิ้นสุด")
        for index in body:
            if index > weight_at and index not in {start_at, end_at}:
                self.unknown_line(index, label)
        if starts_on and ends_on and ends_on < starts_on:
            self.problem(
                end_at,
                f"{label} สิ้นสุด",
                f"วันสิ้นสุด {thaidates.format_be(ends_on)} อยู่ก่อนวันเริ่มต้น "
                f"{thaidates.format_be(starts_on)}",
            )
        if len(self.problems) > known:
            return None
        return PageStep(
            order=order,
            title=title,
            weight=weight,
            starts_on=starts_on,
            ends_on=ends_on,
            line=head + 1,
        )

    def step_date(self, index: int, pattern: re.Pattern, field: str) -> dt.date | None:
        """ "2020-10-01 00:00:00" is the date 2020-10-01; nothing after the colon is no date."""
        value = pattern.match(self.text(index)).group("value").strip()
        if not value:
            return None
        if stamp := _STEP_DATETIME.match(value):
            value = stamp.group("date")
        try:
            return thaidates.parse_date(value)
        except ValueError as exc:
            self.problem(index, field, str(exc))
            return None

    # --- KPI block and the quarter table ------------------------------------------------

    def kpi_name_lines(self, start: int, stop: int) -> list[str]:
        return [
            _KPI_NAME.match(self.text(i)).group("value")
            for i in range(start, stop)
            if _KPI_NAME.match(self.text(i)) and not _KPI_RESULT_LEVEL.match(self.text(i))
        ]

    def parse_indicators(
        self, start: int, stop: int, *, header_label: str
    ) -> tuple[list[PageIndicator], list[PageQuarter]]:
        table_at = next(
            (i for i in range(start + 1, stop) if self.text(i) == _QUARTER_TABLE_HEAD[0]), stop
        )
        heads = [i for i in range(start + 1, table_at) if _KPI_HEAD.match(self.text(i))]
        for index in self.nonblank(start + 1, heads[0] if heads else table_at):
            self.problem(index, "ตัวชี้วัด", f"บรรทัดนี้ไม่ใช่ส่วนของตัวชี้วัดใด: «{self.text(index)[:60]}»")
        indicators = []
        for position, head in enumerate(heads):
            block_end = heads[position + 1] if position + 1 < len(heads) else table_at
            indicator = self.parse_indicator(head, block_end, header_label)
            if indicator is not None:
                indicators.append(indicator)
        codes: dict[str, int] = {}
        for indicator in indicators:
            if indicator.code in codes:
                self.problem(
                    indicator.line - 1,
                    "รหัสตัวชี้วัด",
                    f"ตัวชี้วัด {indicator.code} ซ้ำกับตัวชี้วัดในบรรทัด {codes[indicator.code]}",
                )
            codes.setdefault(indicator.code, indicator.line)
        quarters = self.parse_quarters(table_at, stop) if table_at < stop else []
        return indicators, quarters

    def parse_indicator(self, head: int, stop: int, header_label: str) -> PageIndicator | None:
        known = len(self.problems)
        code = _KPI_HEAD.match(self.text(head)).group("code").strip()
        label = f"ตัวชี้วัด {code}".strip()
        if not code:
            self.problem(
                head,
                "รหัสตัวชี้วัด",
                "ไม่พบรหัสตัวชี้วัด (เช่น «รายละเอียดเกี่ยวกับตัวชี้วัด : 0100-814»)",
            )
        patterns = {
            # "ตัวชี้วัดระดับ…" before "ตัวชี้วัด : …": both start with ตัวชี้วัด.
            "result_level": (_KPI_RESULT_LEVEL, "«ตัวชี้วัดระดับผลผลิต (output)» หรือระดับอื่น"),
            "name": (_KPI_NAME, "«ตัวชี้วัด : …»"),
            "target": (_KPI_TARGET, "«ค่าเป้าหมาย ระดับ : …»"),
            "achieved": (_KPI_ACHIEVED, "«ผลงานที่ทำได้ ระดับ : …»"),
            "kind": (_KPI_KIND, "«ประเภทตัวชี้วัด : …»"),
        }
        found: dict[str, tuple[int, re.Match]] = {}
        for index in self.nonblank(head + 1, stop):
            for key, (pattern, _shown) in patterns.items():
                if match := pattern.match(self.text(index)):
                    if key in found:
                        self.problem(
                            index, label, f"บรรทัดนี้ซ้ำในตัวชี้วัดเดียวกัน: «{self.text(index)[:60]}»"
                        )
                    found[key] = (index, match)
                    break
            else:
                self.unknown_line(index, label)
        for key, (_pattern, shown) in patterns.items():
            if key not in found:
                self.problem(head, label, f"ไม่พบบรรทัด {shown}")
        if len(self.problems) > known:
            return None

        name_at, name_match = found["name"]
        kpi_label, name = split_kpi_label(name_match.group("value"), header_label)
        if not name:
            self.problem(name_at, f"{label} ชื่อตัวชี้วัด", "ไม่พบชื่อตัวชี้วัด")
        target_at, target_match = found["target"]
        unit = self.kpi_unit(target_at, target_match.group("unit"), label)
        target = self.level(target_at, target_match.group("value"), f"{label} ค่าเป้าหมาย", unit)
        achieved_at, achieved_match = found["achieved"]
        if self.kpi_unit(achieved_at, achieved_match.group("unit"), label) != unit:
            self.problem(achieved_at, f"{label} หน่วยนับ", "หน่วยนับของผลงานไม่ตรงกับของค่าเป้าหมาย")
        achieved_text = achieved_match.group("value").strip()
        achieved = None
        if achieved_text not in {"", "-"}:
            achieved = self.level(achieved_at, achieved_text, f"{label} ผลงานที่ทำได้", unit)
        kind_at, kind_match = found["kind"]
        kind = KPI_KINDS.get(kind_match.group("value").strip())
        if kind is None:
            self.problem(
                kind_at,
                f"{label} ประเภทตัวชี้วัด",
                f"ประเภทตัวชี้วัด «{kind_match.group('value')}» ไม่รู้จัก ต้องเป็น "
                + " หรือ ".join(f"«{k}»" for k in KPI_KINDS),
            )
        level_at, level_match = found["result_level"]
        level_text = level_match.group("value")
        result_level = next(
            (key for key, words in KPI_RESULT_LEVELS if any(w in level_text for w in words)), None
        )
        if result_level is None:
            self.problem(
                level_at,
                f"{label} ระดับผลของตัวชี้วัด",
                f"ระดับผล «{self.text(level_at)}» ไม่รู้จัก ต้องเป็นผลผลิต (output) "
                "ผลลัพธ์ (outcome) หรือผลกระทบ (impact)",
            )
        if len(self.problems) > known:
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

    def kpi_unit(self, index: int, unit_text: str, label: str) -> str | None:
        unit = KPI_UNITS.get(unit_text)
        if unit is None:
            self.problem(
                index,
                f"{label} หน่วยนับ",
                f"หน่วยนับ «{unit_text}» ไม่รู้จัก ต้องเป็น " + " ".join(f"«{u}»" for u in KPI_UNITS),
            )
        return unit

    def level(self, index: int, text: str, field: str, unit: str | None) -> int | None:
        text = thaidates.arabic_digits(text.strip())
        if unit is not None and unit != "level":
            # Indicator keeps target and achieved as levels 1–5 only (see the report).
            shown = next(k for k, v in KPI_UNITS.items() if v == unit)
            self.problem(
                index,
                field,
                f"ตัวชี้วัดหน่วย{shown}ยังนำเข้าไม่ได้ ระบบเก็บค่าเป้าหมายและผลงานได้เฉพาะหน่วยระดับ 1–5",
            )
            return None
        if not _LEVEL.fullmatch(text):
            self.problem(index, field, f"ระดับ «{text}» ไม่ถูกต้อง ต้องเป็นจำนวนเต็ม 1 ถึง 5")
            return None
        return int(text)

    def parse_quarters(self, start: int, stop: int) -> list[PageQuarter]:
        """ไตรมาสที่ / ผลงาน / ผลประเมิน 2.1 / 2.2, one row per quarter."""
        head = list(_QUARTER_TABLE_HEAD)
        rows_start = start
        for index in self.nonblank(start, stop):
            if not head or self.text(index) != head[0]:
                break
            head.pop(0)
            rows_start = index + 1
        if head:
            self.problem(
                start,
                "ตารางรายไตรมาส",
                "หัวตารางรายไตรมาสไม่ครบ: ไม่พบ " + " ".join(f"«{h}»" for h in head),
            )
        tokens = self.nonblank(rows_start, stop)
        quarters: list[PageQuarter] = []
        seen: dict[int, int] = {}
        position = 0
        while position < len(tokens):
            index = tokens[position]
            position += 1
            if not self.text(index).isdigit():
                self.unknown_line(index, "ตารางรายไตรมาส")
                continue
            known = len(self.problems)
            field = f"ตารางรายไตรมาส ไตรมาสที่ {self.text(index)}"
            quarter = self.quarter(index, self.text(index), field)
            value_at = None
            if position < len(tokens) and not _CRITERIA.match(self.text(tokens[position])):
                value_at = tokens[position]
                position += 1
            if position >= len(tokens) or not _CRITERIA.match(self.text(tokens[position])):
                self.problem(index, field, "ไม่พบผลประเมิน 2.1 / 2.2 (เช่น «100 / 100»)")
                continue
            criteria_at = tokens[position]
            position += 1
            result_value = None
            if value_at is not None and self.text(value_at) != "-":
                result_value = self.decimal(
                    value_at, self.text(value_at), f"{field} ผลงาน", limit=Decimal("99999.99")
                )
            criteria = _CRITERIA.match(self.text(criteria_at))
            c21 = self.score(
                criteria_at, criteria.group("c21"), f"{field} ผลประเมิน 2.1", blank=True
            )
            c22 = self.score(
                criteria_at, criteria.group("c22"), f"{field} ผลประเมิน 2.2", blank=True
            )
            if quarter in seen:
                self.problem(index, field, f"ไตรมาสที่ {quarter} ซ้ำกับแถวในบรรทัด {seen[quarter]}")
            if len(self.problems) > known:
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

    # --- values -------------------------------------------------------------------------

    def decimal(self, index: int, text: str, field: str, *, limit: Decimal) -> Decimal | None:
        text = thaidates.arabic_digits(text.strip())
        if not _TWO_PLACES.fullmatch(text):
            self.problem(index, field, f"«{text}» ไม่ใช่ตัวเลข (ทศนิยมไม่เกิน 2 ตำแหน่ง เช่น 15.00)")
            return None
        value = Decimal(text)
        if value > limit:
            self.problem(index, field, f"{text} มากเกินไป (ไม่เกิน {_plain(limit)})")
            return None
        return value

    def percent(self, index: int, text: str, field: str) -> Decimal | None:
        text = thaidates.arabic_digits(text.strip())
        if not _DECIMAL.fullmatch(text):
            self.problem(index, field, f"ร้อยละ «{text}» ไม่ใช่ตัวเลข (เช่น 20.00)")
            return None
        if not _TWO_PLACES.fullmatch(text):
            self.problem(index, field, f"ร้อยละ «{text}» มีทศนิยมเกิน 2 ตำแหน่ง")
            return None
        value = Decimal(text)
        if value > 100:
            self.problem(index, field, f"ร้อยละ {text} เกิน 100 ต้องอยู่ระหว่าง 0 ถึง 100")
            return None
        return value

    def score(self, index: int, text: str, field: str, *, blank: bool = False) -> Decimal | None:
        text = thaidates.arabic_digits(text.strip())
        if blank and text in {"", "-"}:
            return None
        if not _TWO_PLACES.fullmatch(text) or Decimal(text) > 100:
            self.problem(index, field, f"คะแนน «{text}» ไม่ถูกต้อง ต้องเป็นตัวเลข 0 ถึง 100")
            return None
        return Decimal(text)

    def quarter(self, index: int, text: str, field: str) -> int | None:
        text = thaidates.arabic_digits(text.strip())
        if text not in {"1", "2", "3", "4"}:
            self.problem(index, field, f"ไตรมาส «{text}» ไม่ถูกต้อง ต้องเป็น 1 ถึง 4")
            return None
        return int(text)

    def iso_date(self, index: int, text: str, field: str) -> dt.date | None:
        text = text.strip()
        if not _ISO_DATE.match(text):
            self.problem(index, field, f"วันที่ «{text}» ไม่ใช่รูปแบบ ปปปป-ดด-วว (ค.ศ.) เช่น 2021-09-22")
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
            self.problem(index, field, f"ปีในวันที่ {text} ต้องเป็นปี พ.ศ. 4 หลัก เช่น 22/09/2564")
            return None
        return day


def _split_phone(text: str) -> tuple[str, str]:
    """ "นางสุดา โทร. 1234" → ("นางสุดา", "1234"); a name alone has no phone."""
    match = _PHONE.match(text)
    if match and match.group("name"):
        return match.group("name").strip(), match.group("phone").strip()
    return text.strip(), ""


def _plain(value: Decimal) -> str:
    """100.00 → 100, 12.50 → 12.5."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
