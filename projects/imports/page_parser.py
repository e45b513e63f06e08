"""Read a project page of today's system (ความคืบหน้าโครงการ/กิจกรรม) saved as text.

The format is the one of ``fixtures/pages/bma-project-page-01000000-2462.txt``: the page
as a browser's "save as text" writes it, one block per line, blocks separated by blank
lines. ``parse`` is pure (no database): it returns the page as a tree of frozen
dataclasses and the list of problems found, each with its line number, the field and a
message in Thai. Nothing raises out of ``parse``: a page that cannot be read is a
problem, not an exception.

The page is read part by part, each in its own module, all recording problems on one
``PageLines`` (projects/imports/page_lines.py):

    page_top.py         the header block and the text sections (rationale, objectives,
                        targets, strategy)
    page_entries.py     the progress entries
    page_steps.py       the plan steps
    page_indicators.py  the KPI block and the quarter table
    page_data.py        what they return: the page as frozen dataclasses, and Problem

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

import logging
import re

from django.utils.translation import gettext

from projects.imports.page_data import BmaPage, ParseResult, Problem
from projects.imports.page_entries import parse_entries
from projects.imports.page_indicators import kpi_name_lines, parse_indicators
from projects.imports.page_lines import PageLines
from projects.imports.page_steps import parse_steps
from projects.imports.page_top import (
    TITLE,
    parse_objectives,
    parse_rationale,
    parse_strategy,
    parse_targets,
    parse_top,
)

logger = logging.getLogger(__name__)

# A page of a year's project with a few hundred entries is well under a megabyte; a file
# many times that size is not a saved page.
MAX_PAGE_BYTES = 2 * 1024 * 1024
# All the pages of one upload together (a hundred pages of 200 KB): without it, 100 files
# of 2 MB are 200 MB held by one request and parsed again at every preview.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024

END_MARKER = "** ผลการประเมินโครงการ (รายไตรมาส) **"

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

# Every pattern of the page_* modules reads uploaded text, so each runs in time linear in
# the line (tests/hostile/test_regex_backtracking.py times each on 100,000-character
# hostile lines; tests/test_bma_page_patterns.py checks that each rewritten one reads a
# line as the plain pattern it replaces did).
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
_THAI = re.compile("[\u0e00-\u0e7f]")


# --- entry point ----------------------------------------------------------------------------


def parse(data: bytes | str) -> ParseResult:
    """Read a saved page (bytes in UTF-8, or text). Never raises for bad input."""
    text, problem = decode(data)
    if problem is not None:
        return ParseResult(None, (problem,))
    try:
        return _parse_text(text)
    except Exception:  # a bug here must not become a 500: say so, and log it loudly
        logger.exception("page_parser.parse failed")
        return ParseResult(
            None,
            (
                Problem(
                    None,
                    gettext("ทั้งไฟล์"),
                    gettext("อ่านหน้านี้ไม่สำเร็จเพราะข้อผิดพลาดของระบบ กรุณาแจ้งผู้ดูแลระบบพร้อมไฟล์นี้"),
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
                gettext("การเข้ารหัสไฟล์"),
                gettext("ไฟล์นี้เข้ารหัสแบบ UTF-16 ระบบอ่านได้เฉพาะ UTF-8 กรุณาบันทึกไฟล์ใหม่เป็น UTF-8"),
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
        return "", Problem(None, gettext("ทั้งไฟล์"), gettext("ไฟล์ว่างเปล่า ไม่มีข้อมูลหน้าโครงการ"))
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        return "", Problem(
            line,
            gettext("การเข้ารหัสไฟล์"),
            gettext("พบอักขระ NUL ในไฟล์ ไฟล์นี้ไม่ใช่ข้อความ (text) ที่บันทึกจากหน้าเว็บ"),
        )
    if not _THAI.search(text):
        if "à¸" in text or "à¹" in text:
            return "", Problem(
                None,
                gettext("การเข้ารหัสไฟล์"),
                gettext(
                    "ข้อความภาษาไทยในไฟล์เพี้ยน (เช่น «à¸…») เพราะถูกแปลงรหัสอักขระซ้ำสองครั้ง "
                    "กรุณาบันทึกหน้าจากระบบเดิมใหม่เป็น UTF-8"
                ),
            )
        return "", Problem(
            None,
            gettext("ทั้งไฟล์"),
            gettext("ไม่พบข้อความภาษาไทยในไฟล์ ไฟล์นี้ไม่ใช่หน้าโครงการจากระบบเดิม"),
        )
    return text, None


def _too_big(size: int) -> Problem:
    return Problem(
        None,
        gettext("ขนาดไฟล์"),
        gettext(
            "ไฟล์ใหญ่ %(size)s MB เกินขนาดสูงสุดของหน้าโครงการ %(limit)s MB "
            "ไฟล์นี้ไม่ใช่หน้าโครงการที่บันทึกเป็นข้อความ"
        )
        % {"size": f"{size / 1024 / 1024:,.1f}", "limit": MAX_PAGE_BYTES // 1024 // 1024},
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
            gettext("การเข้ารหัสไฟล์"),
            gettext(
                "ไฟล์นี้เข้ารหัสแบบ TIS-620 (Windows-874) ระบบอ่านได้เฉพาะ UTF-8 "
                "กรุณาเปิดไฟล์แล้วบันทึกใหม่เป็น UTF-8"
            ),
        )
    return Problem(
        line,
        gettext("การเข้ารหัสไฟล์"),
        gettext(
            "ไฟล์ไม่ได้เข้ารหัสแบบ UTF-8: ไบต์ 0x%(byte)s ในบรรทัด %(line)s อ่านไม่ได้ "
            "กรุณาบันทึกหน้าจากระบบเดิมใหม่เป็นข้อความ UTF-8"
        )
        % {"byte": f"{data[exc.start]:02X}", "line": line},
    )


# --- the page, part by part -------------------------------------------------------------


def _parse_text(text: str) -> ParseResult:
    page = PageLines(text)
    bounds, end = find_sections(page)
    top_end = min((start for start, _stop in bounds.values()), default=end)
    kpi_texts = kpi_name_lines(page, *bounds.get("indicators", (0, 0)))
    top = parse_top(page, 0, top_end, kpi_texts)
    if top is None:
        return ParseResult(None, tuple(page.problems))
    header = top.header

    rationale, budget_code, organisation_code = parse_rationale(
        page, *bounds.get("rationale", (0, 0))
    )
    objectives = parse_objectives(page, *bounds.get("objectives", (0, 0)))
    targets = parse_targets(page, *bounds.get("targets", (0, 0)))
    strategy = parse_strategy(page, *bounds.get("strategy", (0, 0)))
    entries = parse_entries(page, *bounds.get("entries", (0, 0)))
    steps = parse_steps(page, *bounds.get("steps", (0, 0)), code=header.code)
    indicators, quarters = parse_indicators(
        page, *bounds.get("indicators", (0, 0)), header_label=header.kpi_label
    )

    progress_percent = top.progress_percent
    latest = entries[0] if entries and entries[0].number == 1 else None
    if progress_percent is not None and latest and latest.percent != progress_percent:
        page.problem(
            top.headline_at,
            "ความคืบหน้าโครงการ",
            gettext(
                "ความคืบหน้าโครงการ ร้อยละ %(headline)s ไม่ตรงกับผลการดำเนินงานล่าสุด (1) ร้อยละ %(latest)s"
            )
            % {"headline": progress_percent, "latest": entries[0].percent},
        )
    result = BmaPage(
        header=header,
        progress_percent=progress_percent,
        responsible=top.responsible,
        responsible_phone=top.responsible_phone,
        evaluation=top.evaluation,
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
    return ParseResult(result, tuple(page.problems))


def find_sections(page: PageLines) -> tuple[dict[str, tuple[int, int]], int]:
    """Where each section starts (its heading line) and ends (the next heading), and
    where the page ends (its end marker, or its last line when the marker is missing)."""
    found: list[tuple[str, int]] = []
    position = 0
    for key, title in SECTIONS:
        for index in range(position, len(page.lines)):
            if page.text(index) == title:
                found.append((key, index))
                position = index + 1
                break
    end = next(
        (i for i in range(len(page.lines)) if page.text(i) == END_MARKER),
        None,
    )
    if end is None:
        last = max(page.nonblank(0, len(page.lines)), default=0)
        page.problem(
            last,
            gettext("ทั้งไฟล์"),
            gettext(
                "หน้าไม่ครบ: ไม่พบบรรทัดท้ายหน้า «%(marker)s» "
                "ไฟล์อาจถูกตัดหรือบันทึกไม่ครบ กรุณาบันทึกหน้าจากระบบเดิมใหม่ทั้งหน้า"
            )
            % {"marker": END_MARKER},
        )
        end = len(page.lines)
    found_keys = {key for key, _ in found}
    for key, title in SECTIONS:
        if key not in found_keys:
            page.problem(None, title, gettext("ไม่พบหัวข้อ «%(title)s» ในหน้า") % {"title": title})
    bounds = {}
    for number, (key, start) in enumerate(found):
        stop = found[number + 1][1] if number + 1 < len(found) else max(end, start)
        bounds[key] = (start, stop)
    return bounds, end
