"""The importer of project pages of today's system (issue 8): the seed page parsed field by
field, the seed fixture against a fresh import, idempotence, dry runs, the command, and
malformed pages, each with the message a person gets."""

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indicators.models import Indicator, QuarterEvaluation, QuarterLock
from projects.imports import page_data, page_parser, page_top, services
from projects.imports.page_data import Problem
from projects.models import (
    Agency,
    FiscalYear,
    PlanStep,
    ProgressEntry,
    Project,
    ProjectObjective,
    StrategyLink,
    StrategyNode,
    User,
)

ROOT = Path(__file__).resolve().parent.parent
SEED_PAGE = ROOT / "fixtures" / "pages" / "bma-project-page-01000000-2462.txt"
SEED_FIXTURE = ROOT / "fixtures" / "seed.json"
SEED_BYTES = SEED_PAGE.read_bytes()
SEED_TEXT = SEED_BYTES.decode("utf-8")
CODE = "01000000-2462"

# The narratives of the twelve entries, newest first, as the page writes them after
# "dd/mm/BE : " (cut out of the page with str.split, not with the parser).
NARRATIVES = (
    "- สำนักงานเลขานุการสภากรุงเทพมหานครได้กำหนดการจัดกิจกรรมไว้ในวันที่ 20 พฤษภาคม 2564 เวลา 08.00-16.30 น. ณ ห้องประชุมสภากรุงเทพมหานคร อาคารไอราวัตพัฒนา ศาลาว่าการกรุงเทพมหานคร (ดินแดง) โดยมีหนังสือเชิญสมาชิกสภากรุงเทพมหานครเป็นวิทยากร ในหัวข้อ “บทบาทหน้าที่และอำนาจของสภากรุงเทพมหานคร และบทบาทภาคประชาชนในความร่วมมือกับฝ่ายนิติบัญญัติ”เรียบร้อยแล้ว ตามรายงานการประชุมคณะทำงานดำเนินโครงการสภากรุงเทพมหานครพบประชาชน ครั้งที่ 1/2564 เมื่อวันที่ 24 กุมภาพันธ์ 2564 - จากสถานการณ์ปัจจุบันมีการประกาศสถานการณ์ฉุกเฉินในทุกเขตท้องที่ทั่วราชอาณาจักรตั้งแต่ปีงบประมาณ พ.ศ. 2563 โดยให้ดำเนินการต่อเนื่องไปเป็นเพื่อเข้าควบคุมและชะลอการระบาดของเชื้อไวรัสโควิด – 19 ในเขตพื้นที่สถานการณ์ควบคุมสูงสุดและเข้มงวดในพื้นที่กรุงเทพมหานครและปริมณฑล - สำนักงานเลขานุการสภากรุงเทพมหานครจึงได้มีหนังสือขอเลื่อนการจัดโครงการฯ ออกไปโดยไม่มีกำหนด (หนังสือที่ กท 0100/754 ลงวันที่ 30 เมษายน 2564) - สำนักงานเลขานุการสภากรุงเทพมหานครขอปรับเกณฑ์ชี้วัดตามแบบสรุปผลการพิจารณาคำขออุทธรณ์การปฏิบัติราชการประจำปีงบประมาณ พ.ศ ๒๕๖๔ (รอบสิ้นปีงบประมาณ) และได้ดำเนินการ ดังนี้ 1. แนวทางในการสร้างกระบวนการมีส่วนร่วมของเครือข่ายประชาคมเขตซึ่งผ่านความเห็นชอบจากประธานสภากรุงเทพมหานคร ตามหนังสือที่ กท 93/2564 ลงวันที่ 4 เมษายน 2564 2. คัดเลือกผลงานโดดเด่นของสภากรุงเทพมหานคร จำนวน 3 เรื่อง โดยพิจารณาจากผลงานที่สามารถสร้างการมีส่วนร่วมของประชาชน ดังนี้ 2.1 บทบาทหน้าที่ของสภาฯ 2.2 คณะกรรมการการรักษาความสะอาดและสิ่งแวดล้อม 2.3 คณะกรรมการการโยธาและผังเมือง 3. ส่งวีดิทัศน์ประชาสัมพันธ์ผลงานของสมาชิกสภากรุงเทพมหานครและแบบสอบถามความคิดเห็นในรูปแบบออนไลน์ให้แก่ผู้แทนชุมชนทั้ง 50 เขต (จำนวน 100 คน) ตามหนังสือที่ กท 0100/1512 ลงวันที่ 14 กันยายน 2564 4. รวบรวมความคิดเห็น และสรุปประเด็นสำคัญ ที่ได้รับจากแบบสอบถามความคิดเห็นในรูปแบบออนไลน์ 5. นำเรียนประธานสภากรุงเทพมหานครพิจารณาสั่งการให้คณะกรรมการสามัญประจำสภากรุงเทพมหานครที่เกี่ยวข้องพิจารณาดำเนินการต่อไป",
    "อยู่ระหว่างการรอผลอุทธรณ์รอบที่ 2 ซึ่งได้มีการปรับเปลี่ยนเกณฑ์การให้คะแนน",
    "ชะลอโครงการ เนื่องจากมีสถานการณ์การแพร่ระบาดของเชื้อไวรัสโควิด 19 // ทางคณะทำงานฯ ได้พิจารณาแล้ว เห็นว่าการจัดโครงการในรูปแบบออนไลน์ยังคงมีการรวมตัวกันของผู้แทนชุมชน ซึ่งมีความเสี่ยงต่อการแพร่ระบาดของเชื้อโควิด จึงเห็นควรให้ส่งอุทธรณ์ต่อไป",
    "ชะลอโครงการ เนื่องจากมีสถานการณ์การแพร่ระบาดของเชื้อไวรัสโควิด 19 // ทางคณะทำงานฯ ได้พิจารณาแล้ว เห็นว่าการจัดโครงการในรูปแบบออนไลน์ยังคงมีการรวมตัวกันของผู้แทนชุมชน ซึ่งมีความเสี่ยงต่อการแพร่ระบาดของเชื้อโควิด จึงเห็นควรให้ส่งอุทธรณ์ต่อไป",
    "ชะลอโครงการ เนื่องจากมีสถานการณ์การแพร่ระบาดของเชื้อไวรัสโควิด 19 / ตามแนวทางที่กำหนด ต้องมีการเชิญผู้แทนชุมชนเข้าร่วมโครงการ เพื่อสอบถามความคิดเห็นหรือข้อเสนอแนะประกอบกิจกรรมที่กำหนด แม้จะมีการดำเนินการผ่านระบบออนไลน์ก็ต้องมีการเชิญมารวมตัวกันที่สำนักงานเขต ซึ่งได้ประสานทางวาจากับเขตต่างๆที่เป็นประธานกลุ่มเขต และได้รับการประสานให้พิจารณาอีกครั้ง เนื่องจากยังคงมีการรวมตัวกันของผู้แทนชุมชนอยู่",
    "ชะลอโครงการ เนื่องจากมีสถานการณ์การแพร่ระบาดของเชื้อไวรัสโควิด 19 / อยู่ระหว่างการพิจารณาการดำเนินการในรูปแบบออนไลน์",
    "กำหนดจำนวนผู้เข้าร่วมโครงการจำนวน 200 คน / กำหนดจัดโครงการในวันที่ 20 พฤษภาคม 2564 ที่ห้องประชุมสภากรุงเทพมหานคร อาคารไอราวัตพัฒนา / ขออนุมัติเปลี่ยนแปลงรายละเอียดโครงการ ตามหนังสือที่ 54/2564 ลงวันที่ 9 มีนาคม 2564 / อยู่ระหว่างการขอความเห็นชอบในหลักการของโครงการ",
    "กำหนดการประชุมคณะทำงานในวันที่ 24 กุมภาพันธ์ 2564 เพื่อวางแผนการดำเนินการตามโครงการ/ขั้นตอนที่กำหนด",
    "ดำเนินการร่างแนวทางในการสร้างกระบวนการ และหาข้อมูลเพิ่มเติมประกอบการดำเนินการ",
    "ดำเนินการร่างแนวทางในการสร้างกระบวนการ และหาข้อมูลเพิ่มเติมประกอบการดำเนินการ",
    "เตรียมการแต่งตั้งคณะทำงานฯ",
    "อยู่ระหว่างขั้นตอน...เตรียมข้อมูลและวางแผนการดำเนินการ",
)
PROBLEMS_1 = "เนื่องจากสถานการณ์การแพร่ระบาดของเชื้อไวรัสโควิด 19 จึงไม่สามารถจัดโครงการตามที่กำหนดได้"
PROBLEMS_4 = "ด้วยการแพร่ระบาดของเชื้อโควิด ทำให้การรวมกลุ่มในการจัดกิจกรรมยังไม่สามารถทำได้ในช่วงเวลานี้ เพราะในแนวทางได้กำหนดว่าต้องมีการเชิญผู้แทนชุมชนมาร่วมแสดงความคิดเห็นและข้อเสนอแนะ ประกอบกับผู้แทนชุมชนยังไม่มีความพร้อมในการเข้าสู่ระบบออนไลน์ได้ด้วยตนเอง จึงต้องมีการเดินทางมารวมตัวกันที่สำนักงานเขตที่เป็นประธานกลุ่มเขตอยู่ดี ทางคณะทำงานฯ จึงพิจารณาเห็นควรให้มีการอุทธรณ์ตัวชี้วัดต่อไป"
RATIONALE = "สำนักงานเลขานุการสภากรุงเทพมหานคร จึงได้จัดทำโครงการสภากรุงเทพมหานครพบประชาชน โดยมีกลุ่มเป้าหมายคือ ผู้แทนชุมชนจากกลุ่มการปฏิบัติงานของสำนักงานเขต จำนวน 6 กลุ่มเขต เพื่อเป็นเวทีให้ประชาชนได้พบปะพูดคุยแลกเปลี่ยนความคิดเห็น นำเสนอแนวทางการแก้ไขปัญหาของเมือง ซึ่งจะนำไปสู่ การประสานความร่วมมือของภาคประชาสังคมกับสมาชิกสภากรุงเทพมหานครโดยตรง และจะเป็นการสร้างความเชื่อมั่นให้กับประชาชน อันจะเป็นการสร้างภาพลักษณ์ที่ดีให้แก่สภากรุงเทพมหานคร"

# (number, percent, ISO date, the dd/mm/BE date before the narrative), newest first.
ENTRIES = [
    (1, "100.00", dt.date(2021, 9, 22), "22/09/2564"),
    (2, "50.00", dt.date(2021, 8, 30), "30/08/2564"),
    (3, "20.00", dt.date(2021, 7, 27), "27/07/2564"),
    (4, "20.00", dt.date(2021, 6, 28), "28/06/2564"),
    (5, "20.00", dt.date(2021, 5, 21), "21/05/2564"),
    (6, "20.00", dt.date(2021, 4, 26), "26/04/2564"),
    (7, "20.00", dt.date(2021, 3, 23), "23/03/2564"),
    (8, "15.00", dt.date(2021, 2, 23), "23/02/2564"),
    (9, "15.00", dt.date(2021, 1, 28), "28/01/2564"),
    (10, "15.00", dt.date(2020, 12, 22), "22/12/2563"),
    (11, "10.00", dt.date(2020, 11, 27), "27/11/2563"),
    (12, "5.00", dt.date(2020, 10, 22), "22/10/2563"),
]
STEPS = [
    (1, "จัดทำแผนการดำเนินการตามโครงการ", "5"),
    (2, "แต่งตั้งคณะทำงานดำเนินโครงการ ประชุมคณะทำงานชี้แจงรายละเอียดโครงการและแนวทางการดำเนินงาน", "5"),
    (
        3,
        "จัดทำแนวทางในการสร้างกระบวนการมีส่วนร่วมของเครือข่ายประชาคมเขต ซึ่งผ่านความเห็นชอบจากประธานสภากรุงเทพมหานคร",
        "5",
    ),
    (4, "จัดทำหนังสือขอความร่วมมือไปยังหน่วยงานและผู้เกี่ยวข้อง", "5"),
    (
        5,
        "ดำเนินกิจกรรมตามโครงการ ลงพื้นที่และบรรยายให้ความรู้ รวมทั้งแลกเปลี่ยนความคิดเห็นกับผู้แทนชุมชนจากกลุ่มเขตต่าง ๆ จำนวน 6 ครั้ง",
        "50",
    ),
    (6, "รวบรวมข้อมูลความต้องการ/ประเด็นสำคัญที่ได้จากเครือข่ายประชาคม เพื่อนำไปสู่การแก้ไข", "5"),
    (7, "กำหนดประเด็นสำคัญจากเครือข่ายประชาคมเพื่อนำไปสู่การแก้ไข", "5"),
    (
        8,
        "เสนอเป็นญัตติหรือกระทู้เข้าสู่การประชุมสภากรุงเทพมหานคร เพื่อเป็นมติให้หน่วยงานฝ่ายบริหารพิจารณาดำเนินการ",
        "10",
    ),
    (9, "ติดตามผลการดำเนินการตามแผนงาน/โครงการที่หน่วยงานนำไปดำเนินการได้อย่างเป็นรูปธรรม", "5"),
    (10, "รายงานผลให้ผู้บริหารทราบ", "5"),
]
KPI_NAME = (
    "ระดับความสำเร็จในการนำข้อมูลความต้องการจากเครือข่ายประชาคมเขตเสนอสภากรุงเทพมหานครเพื่อนำไปสู่การแก้ไข"
)
SARA_AM = "\u0e33"  # ำ
NIKHAHIT_AA = "\u0e4d\u0e32"  # ํ + า, drawn like ำ but two characters


@pytest.fixture(scope="module")
def seed():
    result = page_parser.parse(SEED_BYTES)
    assert result.problems == ()
    assert result.ok
    return result.page


# --- the seed page, every field ---------------------------------------------------------------


def test_header(seed):
    # อ.2/2โครงการสภากรุงเทพมหานครพบประชาชน : 01000000-2462
    # สํานักงานเลขานุการสภากรุงเทพมหานคร : (2564)
    header = seed.header
    assert header.kpi_label == "อ.2/2"
    assert header.name == "โครงการสภากรุงเทพมหานครพบประชาชน"
    assert header.code == CODE
    assert header.agency_code == "01000000"
    assert header.fiscal_year_be == 2564
    assert header.line == 6
    # Byte-exact: the agency is written with ํ + า on this page, not with ำ.
    assert header.agency_name == f"ส{NIKHAHIT_AA}นักงานเลขานุการสภากรุงเทพมหานคร"
    assert SARA_AM not in header.agency_name
    assert header.agency_name.encode("utf-8") == SEED_BYTES.split(b"\n")[7].split(b" : ")[0]


def test_progress_responsible_and_headline_evaluation(seed):
    assert seed.progress_percent == Decimal("100")
    assert seed.responsible == "นางสุดา"
    assert seed.responsible_phone == ""
    assert seed.evaluation == page_data.PageEvaluation(quarter=1, score=Decimal("100"))


def test_rationale_and_codes(seed):
    assert seed.rationale == RATIONALE
    assert seed.rationale.startswith(
        f"ส{SARA_AM}นักงานเลขานุการสภากรุงเทพมหานคร จึงได้จัดท{SARA_AM}โครงการ"
    )
    assert NIKHAHIT_AA not in seed.rationale
    assert seed.budget_code == "01000800"
    assert seed.organisation_code == "01000800"


def test_objectives_targets_and_strategy(seed):
    assert seed.objectives == (
        "เพื่อให้ผู้เข้าร่วมโครงการตระหนักถึงบทบาทหน้าที่ในการดำเนินงานของสภากรุงเทพมหานคร",
        "เพื่อส่งเสริมและสร้างภาพลักษณ์ที่ดีของสภากรุงเทพมหานครและสำนักงานเลขานุการสภากรุงเทพมหานคร",
        "เพื่อนำความคิดเห็นและประเด็นปัญหาไปพิจารณาดำเนินการและนำไปสู่การแก้ไข",
    )
    assert seed.targets == "-"
    # "**** ภารกิจงานประจำของหน่วยงาน ****" four times, the third with a stray "%".
    assert seed.strategy == ("ภารกิจงานประจำของหน่วยงาน",) * 4


def test_every_entry_number_percent_and_dates(seed):
    assert [
        (e.number, e.percent, e.reported_on, e.narrative_date, e.narrative_date_text)
        for e in seed.entries
    ] == [(n, Decimal(p), iso, iso, be) for n, p, iso, be in ENTRIES]
    assert [str(e.percent) for e in seed.entries] == [p for _n, p, _iso, _be in ENTRIES]
    assert [e.line for e in seed.entries] == [43 + 12 * i for i in range(12)]


def test_every_narrative_in_full(seed):
    assert len(NARRATIVES) == 12
    assert [e.narrative for e in seed.entries] == list(NARRATIVES)
    first = seed.entries[0].narrative
    assert first.startswith(
        "- สำนักงานเลขานุการสภากรุงเทพมหานครได้กำหนดการจัดกิจกรรมไว้ในวันที่ 20 พฤษภาคม 2564"
    )
    assert first.endswith(
        "5. นำเรียนประธานสภากรุงเทพมหานครพิจารณาสั่งการให้คณะกรรมการสามัญประจำสภากรุงเทพมหานครที่เกี่ยวข้องพิจารณาดำเนินการต่อไป"
    )
    # Thai digits, curly quotes and the en dash as written.
    assert "พ.ศ ๒๕๖๔" in first
    assert "“บทบาทหน้าที่และอำนาจของสภากรุงเทพมหานคร" in first
    assert "โควิด – 19" in first
    assert seed.entries[-1].narrative == "อยู่ระหว่างขั้นตอน...เตรียมข้อมูลและวางแผนการดำเนินการ"


def test_every_problem_and_obstacle(seed):
    problems = ["ไม่มี"] * 12
    problems[0] = PROBLEMS_1
    problems[3] = PROBLEMS_4
    problems[11] = "-"
    obstacles = ["ไม่มี"] * 11 + ["-"]
    assert [e.problems for e in seed.entries] == problems
    assert [e.obstacles for e in seed.entries] == obstacles
    assert (
        PROBLEMS_1 == "เนื่องจากสถานการณ์การแพร่ระบาดของเชื้อไวรัสโควิด 19 จึงไม่สามารถจัดโครงการตามที่กำหนดได้"
    )
    assert PROBLEMS_4.startswith("ด้วยการแพร่ระบาดของเชื้อโควิด ทำให้การรวมกลุ่ม")
    assert PROBLEMS_4.endswith("ทางคณะทำงานฯ จึงพิจารณาเห็นควรให้มีการอุทธรณ์ตัวชี้วัดต่อไป")


def test_plan_steps(seed):
    assert [(s.order, s.title, s.weight) for s in seed.steps] == [
        (order, title, Decimal(weight)) for order, title, weight in STEPS
    ]
    assert sum(s.weight for s in seed.steps) == 100
    # "2020-10-01 00:00:00" is the date 2020-10-01.
    assert {(s.starts_on, s.ends_on) for s in seed.steps} == {(dt.date(2020, 10, 1),) * 2}


def test_kpi_block(seed):
    assert seed.indicators == (
        page_data.PageIndicator(
            code="0100-814",
            label="อ.2/2",
            name=KPI_NAME,
            unit="level",
            target_level=5,
            achieved_level=3,
            kind="strategic",
            result_level="output",
            line=246,
        ),
    )


def test_quarter_table(seed):
    rows = [(q.quarter, q.result_value, q.criterion_21, q.criterion_22) for q in seed.quarters]
    hundred = Decimal(100)
    assert rows == [
        (1, Decimal("15.00"), hundred, hundred),
        (2, Decimal("20.00"), hundred, hundred),
        (3, Decimal("20.00"), None, None),  # "0 / 0": not scored
        (4, Decimal("3.00"), hundred, hundred),
    ]
    assert [str(q.result_value) for q in seed.quarters] == ["15.00", "20.00", "20.00", "3.00"]


def test_windows_line_ends_and_a_byte_order_mark_read_the_same(seed):
    windows = b"\xef\xbb\xbf" + SEED_BYTES.replace(b"\n", b"\r\n")
    assert page_parser.parse(windows).page == seed
    assert page_parser.parse(SEED_TEXT).page == seed


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 ก 2 ข 3 ค", ["ก", "ข", "ค"]),
        # Only the next expected number splits: the 3 and 6 inside the first item do not.
        ("1 จัด 3 ครั้ง 6 กลุ่ม 2 ติดตาม", ["จัด 3 ครั้ง 6 กลุ่ม", "ติดตาม"]),
        ("1 เพื่อ 2 ข้อ 2 เพื่อ", ["เพื่อ", "ข้อ 2 เพื่อ"]),
        ("เพื่อให้ประชาชนได้รับรู้", ["เพื่อให้ประชาชนได้รับรู้"]),
        ("-", []),
        ("", []),
    ],
)
def test_split_objectives(text, expected):
    assert page_top.split_objectives(text) == expected


@pytest.mark.parametrize(
    ("header", "kpi", "expected"),
    [
        ("อ.2/2โครงการสภา", ["อ.2/2ระดับความสำเร็จ"], ("อ.2/2", "โครงการสภา")),
        # The names share their first letters: the label still ends where the numbers do.
        ("ส.1.3โครงการ ก", ["ส.1.3โครงการ ข"], ("ส.1.3", "โครงการ ก")),
        ("อ.12/3 โครงการ", ["อ.12/3 ระดับ"], ("อ.12/3", "โครงการ")),
        ("โครงการไม่มีชื่อย่อ", ["ระดับความสำเร็จ"], ("", "โครงการไม่มีชื่อย่อ")),
        ("อ.2/2โครงการ", [], ("อ.2/2", "โครงการ")),
    ],
)
def test_split_label(header, kpi, expected):
    assert page_top.split_label(header, kpi) == expected


# --- malformed pages: a clear Thai message, never an exception -----------------------------


def _replace(old: str, new: str, count: int = 1) -> bytes:
    assert SEED_TEXT.count(old) >= count, old
    return SEED_TEXT.replace(old, new, count).encode("utf-8")


MALFORMED = {
    "truncated at a line": (
        "\n".join(SEED_TEXT.split("\n")[:150]).encode("utf-8"),
        Problem(
            149,
            "ทั้งไฟล์",
            "หน้าไม่ครบ: ไม่พบบรรทัดท้ายหน้า «** ผลการประเมินโครงการ (รายไตรมาส) **» "
            "ไฟล์อาจถูกตัดหรือบันทึกไม่ครบ กรุณาบันทึกหน้าจากระบบเดิมใหม่ทั้งหน้า",
        ),
    ),
    "truncated inside a character": (
        SEED_BYTES[:11488],
        Problem(
            85,
            "ทั้งไฟล์",
            "หน้าไม่ครบ: ไม่พบบรรทัดท้ายหน้า «** ผลการประเมินโครงการ (รายไตรมาส) **» "
            "ไฟล์อาจถูกตัดหรือบันทึกไม่ครบ กรุณาบันทึกหน้าจากระบบเดิมใหม่ทั้งหน้า",
        ),
    ),
    "latin-1 bytes": (
        SEED_BYTES.replace(b"Back Home", "Back Hôme".encode("latin-1")),
        Problem(
            3,
            "การเข้ารหัสไฟล์",
            "ไฟล์ไม่ได้เข้ารหัสแบบ UTF-8: ไบต์ 0xF4 ในบรรทัด 3 อ่านไม่ได้ "
            "กรุณาบันทึกหน้าจากระบบเดิมใหม่เป็นข้อความ UTF-8",
        ),
    ),
    "TIS-620": (
        SEED_TEXT.encode("cp874"),
        Problem(
            1,
            "การเข้ารหัสไฟล์",
            "ไฟล์นี้เข้ารหัสแบบ TIS-620 (Windows-874) ระบบอ่านได้เฉพาะ UTF-8 "
            "กรุณาเปิดไฟล์แล้วบันทึกใหม่เป็น UTF-8",
        ),
    ),
    "UTF-16": (
        SEED_TEXT.encode("utf-16"),
        Problem(
            None,
            "การเข้ารหัสไฟล์",
            "ไฟล์นี้เข้ารหัสแบบ UTF-16 ระบบอ่านได้เฉพาะ UTF-8 กรุณาบันทึกไฟล์ใหม่เป็น UTF-8",
        ),
    ),
    "UTF-8 read as latin-1 and saved again": (
        SEED_BYTES.decode("latin-1").encode("utf-8"),
        Problem(
            None,
            "การเข้ารหัสไฟล์",
            "ข้อความภาษาไทยในไฟล์เพี้ยน (เช่น «à¸…») เพราะถูกแปลงรหัสอักขระซ้ำสองครั้ง "
            "กรุณาบันทึกหน้าจากระบบเดิมใหม่เป็น UTF-8",
        ),
    ),
    "empty file": (b"", Problem(None, "ทั้งไฟล์", "ไฟล์ว่างเปล่า ไม่มีข้อมูลหน้าโครงการ")),
    "not a page": (
        b"name,code\nfoo,1\n",
        Problem(None, "ทั้งไฟล์", "ไม่พบข้อความภาษาไทยในไฟล์ ไฟล์นี้ไม่ใช่หน้าโครงการจากระบบเดิม"),
    ),
    "50 MB": (
        b"a" * (50 * 1024 * 1024),
        Problem(
            None,
            "ขนาดไฟล์",
            "ไฟล์ใหญ่ 50.0 MB เกินขนาดสูงสุดของหน้าโครงการ 2 MB ไฟล์นี้ไม่ใช่หน้าโครงการที่บันทึกเป็นข้อความ",
        ),
    ),
    "percent abc": (
        _replace("ร้อยละ 50.00 (2021-08-30)", "ร้อยละ abc (2021-08-30)"),
        Problem(55, "ผลการดำเนินงาน (2) ร้อยละ", "ร้อยละ «abc» ไม่ใช่ตัวเลข (เช่น 20.00)"),
    ),
    "percent over 100": (
        _replace("ร้อยละ 50.00 (2021-08-30)", "ร้อยละ 150.00 (2021-08-30)"),
        Problem(55, "ผลการดำเนินงาน (2) ร้อยละ", "ร้อยละ 150.00 เกิน 100 ต้องอยู่ระหว่าง 0 ถึง 100"),
    ),
    "31/02/2564": (
        _replace("23/02/2564 : ", "31/02/2564 : "),
        Problem(131, "ผลการดำเนินงาน (8) วันที่", "ไม่มีวันที่ 31/02/2564 ในปฏิทิน"),
    ),
    "ISO date 2021-02-31": (
        _replace("(2021-02-23)", "(2021-02-31)"),
        Problem(127, "ผลการดำเนินงาน (8) วันที่รายงาน", "ไม่มีวันที่ 2021-02-31 ในปฏิทิน"),
    ),
    "BE date disagrees with the ISO date": (
        _replace("22/09/2564 : ", "21/09/2564 : "),
        Problem(
            47,
            "ผลการดำเนินงาน (1) วันที่",
            "วันที่ 21/09/2564 หน้าข้อความไม่ตรงกับวันที่รายงาน 2021-09-22 (22/09/2564) ในหัวรายการ",
        ),
    ),
    "CE year before the narrative": (
        _replace("22/09/2564 : ", "22/09/2021 : "),
        Problem(47, "ผลการดำเนินงาน (1) วันที่", "ปีในวันที่ 22/09/2021 ต้องเป็นปี พ.ศ. 4 หลัก เช่น 22/09/2564"),
    ),
    "duplicate entry numbers": (
        _replace("(2) ความคืบหน้า", "(1) ความคืบหน้า"),
        Problem(55, "ผลการดำเนินงาน (1) ลำดับ", "ลำดับ (1) ซ้ำกับรายการในบรรทัด 43"),
    ),
    "two entries in one month": (
        _replace("(2021-08-30)", "(2021-09-01)")
        .decode()
        .replace("30/08/2564 :", "01/09/2564 :")
        .encode(),
        Problem(
            55,
            "ผลการดำเนินงาน (2) วันที่รายงาน",
            "มีผลการดำเนินงานของเดือน กันยายน 2564 สองรายการ ((1) และ (2)) ระบบเก็บได้เดือนละหนึ่งรายการ",
        ),
    ),
    "entry without its obstacles line": (
        _replace(
            "** อุปสรรคของโครงการ :ไม่มี\n\n------------------&&&--------------------\n\n(3)", "(3)"
        ),
        Problem(55, "ผลการดำเนินงาน (2) อุปสรรคของโครงการ", "ไม่พบบรรทัด «** อุปสรรคของโครงการ :»"),
    ),
    "missing code": (
        _replace("พบประชาชน : 01000000-2462\n", "พบประชาชน\n"),
        Problem(
            6,
            "รหัสโครงการ",
            "ไม่พบรหัสโครงการ: บรรทัดชื่อโครงการต้องลงท้ายด้วย « : รหัสโครงการ» เช่น « : 01000000-2462»",
        ),
    ),
    "malformed code": (
        _replace("พบประชาชน : 01000000-2462\n", "พบประชาชน : 0100-2462\n"),
        Problem(
            6,
            "รหัสโครงการ",
            "รหัสโครงการ «0100-2462» ไม่ถูกรูปแบบ ต้องเป็นรหัสหน่วยงาน 8 หลัก ขีด และเลขโครงการ "
            "เช่น 01000000-2462",
        ),
    ),
    "budget codes missing": (
        _replace("01000800/01000800\n\n", ""),
        Problem(
            22,
            "รหัสงบประมาณ/รหัสหน่วยงาน",
            "ไม่พบบรรทัดรหัสงบประมาณ/รหัสหน่วยงาน (เช่น 01000800/01000800) ท้ายหลักการและเหตุผล",
        ),
    ),
    "weights not summing to 100": (
        _replace(":50%", ":45%"),
        Problem(187, "น้ำหนักขั้นตอน", "น้ำหนักของขั้นตอนทั้ง 10 ขั้นตอนรวมกันได้ร้อยละ 95 ต้องรวมกันได้ร้อยละ 100"),
    ),
    "step date 30/02": (
        _replace("เริ่มต้น :2020-10-01 00:00:00", "เริ่มต้น :2020-02-30 00:00:00"),
        Problem(192, "ขั้นตอน 1 เริ่มต้น", "ไม่มีวันที่ 2020-02-30 ในปฏิทิน"),
    ),
    "KPI level 7": (
        _replace("ค่าเป้าหมาย ระดับ : 5", "ค่าเป้าหมาย ระดับ : 7"),
        Problem(250, "ตัวชี้วัด 0100-814 ค่าเป้าหมาย", "ระดับ «7» ไม่ถูกต้อง ต้องเป็นจำนวนเต็ม 1 ถึง 5"),
    ),
    "quarter 5": (
        _replace("\n4\n3.00\n", "\n5\n3.00\n"),
        Problem(275, "ตารางรายไตรมาส ไตรมาสที่ 5", "ไตรมาส «5» ไม่ถูกต้อง ต้องเป็น 1 ถึง 4"),
    ),
    "headline differs from the latest entry": (
        _replace("ความคืบหน้าโครงการ ร้อยละ 100", "ความคืบหน้าโครงการ ร้อยละ 90"),
        Problem(
            12,
            "ความคืบหน้าโครงการ",
            "ความคืบหน้าโครงการ ร้อยละ 90 ไม่ตรงกับผลการดำเนินงานล่าสุด (1) ร้อยละ 100.00",
        ),
    ),
}


@pytest.mark.parametrize("variant", MALFORMED, ids=list(MALFORMED))
def test_malformed_page_gets_its_message(variant):
    data, expected = MALFORMED[variant]
    result = page_parser.parse(data)
    assert not result.ok
    assert expected in result.problems, "\n".join(str(p) for p in result.problems)
    # One mistake, one message (a truncated page also lacks its later sections).
    if not variant.startswith("truncated"):
        assert len(result.problems) == 1, "\n".join(str(p) for p in result.problems)


def test_truncated_page_also_names_the_missing_sections():
    result = page_parser.parse("\n".join(SEED_TEXT.split("\n")[:150]))
    messages = [p.message for p in result.problems]
    assert "ไม่พบหัวข้อ «แผนการดำเนินงานฯ» ในหน้า" in messages
    assert "ไม่พบหัวข้อ «สนับสนุนตัวชี้วัดตามแผนฯ» ในหน้า" in messages


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    cuts=st.lists(st.tuples(st.integers(0, len(SEED_BYTES)), st.integers(0, 300)), max_size=4),
    noise=st.binary(max_size=20),
)
def test_mangled_pages_never_raise(cuts, noise):
    """Pieces cut out and random bytes put in: problems, never an exception, and never
    the "system error" fallback of parse()."""
    data = SEED_BYTES
    for start, length in cuts:
        data = data[:start] + noise + data[start + length :]
    result = page_parser.parse(data)
    assert all("ข้อผิดพลาดของระบบ" not in p.message for p in result.problems)
    if data != SEED_BYTES and result.ok:
        # Whatever was cut, what is read is still a whole, consistent page.
        assert result.page.header.code
        assert sum(s.weight for s in result.page.steps) in (0, 100)


# --- the database: fixture, idempotence, dry run ------------------------------------------

SNAPSHOT_MODELS = [
    Agency,
    FiscalYear,
    Project,
    ProjectObjective,
    StrategyLink,
    PlanStep,
    ProgressEntry,
    Indicator,
    QuarterEvaluation,
]
# Set at save time, not by the page (revision: a new random token on every save).
NOT_COMPARED = {"id", "created_at", "updated_at", "revision"}
NATURAL_KEY = {
    Agency: lambda o: o.code,
    FiscalYear: lambda o: o.year_be,
    Project: lambda o: o.code,
    Indicator: lambda o: o.code,
    PlanStep: lambda o: (o.project.code, o.order),
    User: lambda o: o.username,
    StrategyNode: lambda o: o.code,
}


def snapshot() -> dict[str, list[dict]]:
    """Every row of the imported tables, field by field, foreign keys by natural key."""
    data = {}
    for model in SNAPSHOT_MODELS:
        rows = []
        for obj in model.objects.all():
            row = {}
            for field in model._meta.concrete_fields:
                if field.name in NOT_COMPARED:
                    continue
                value = getattr(obj, field.name)
                if field.is_relation and value is not None:
                    value = NATURAL_KEY[field.related_model](value)
                row[field.name] = value
            for field in model._meta.many_to_many:
                related = getattr(obj, field.name).all()
                row[field.name] = sorted(NATURAL_KEY[field.related_model](o) for o in related)
            rows.append(row)
        data[model._meta.label] = sorted(rows, key=repr)
    return data


def delete_everything():
    QuarterEvaluation.objects.all().delete()
    Indicator.objects.all().delete()
    Project.objects.all().delete()
    Agency.objects.all().delete()
    FiscalYear.objects.all().delete()
    assert all(not model.objects.exists() for model in SNAPSHOT_MODELS)


def test_fixture_holds_only_the_imported_tables():
    records = json.loads(SEED_FIXTURE.read_text(encoding="utf-8"))
    # And the strategy tree's top nodes (migration 0020's, by code: no ids), which the
    # seed's links name: a fixture that loads also into a flushed database.
    nodes = [r for r in records if r["model"] == "projects.strategynode"]
    assert [n["fields"]["code"] for n in nodes] == ["1", "2", "3", "4", "5", "6", "7", "R"]
    assert all("pk" not in n for n in nodes)
    records = [r for r in records if r["model"] != "projects.strategynode"]
    assert {r["model"] for r in records} == {m._meta.label_lower for m in SNAPSHOT_MODELS}
    counts = {}
    for record in records:
        counts[record["model"]] = counts.get(record["model"], 0) + 1
    assert counts == {
        "projects.agency": 1,
        "projects.fiscalyear": 1,
        "projects.project": 1,
        "projects.projectobjective": 3,
        "projects.strategylink": 4,
        "projects.planstep": 10,
        "projects.progressentry": 12,
        "indicators.indicator": 1,
        "indicators.quarterevaluation": 4,
    }


def test_fixture_is_what_the_importer_makes_of_the_seed_page(db):
    call_command("loaddata", str(SEED_FIXTURE), verbosity=0)
    from_fixture = snapshot()
    delete_everything()
    plan = services.bma_page_import(page=SEED_BYTES, dry_run=False, source=SEED_PAGE.name)
    assert plan.ok and plan.applied
    imported = snapshot()
    for label in imported:
        assert imported[label] == from_fixture[label], (
            f"{label} differs from fixtures/seed.json: regenerate it with sh fixtures/make_seed.sh"
        )
    assert imported == from_fixture


def test_fixture_loads_again_without_duplicates(db):
    call_command("loaddata", str(SEED_FIXTURE), verbosity=0)
    first = snapshot()
    call_command("loaddata", str(SEED_FIXTURE), verbosity=0)
    assert snapshot() == first
    assert ProgressEntry.objects.count() == 12
    assert Indicator.objects.get().projects.count() == 1


def test_import_writes_the_seed_project(db):
    plan = services.bma_page_import(page=SEED_BYTES, dry_run=False)
    assert plan.counts == {"created": 38, "updated": 0, "deleted": 0, "unchanged": 0, "kept": 0}
    project = Project.objects.select_related("agency", "fiscal_year").get(code=CODE)
    assert project.agency.code == "01000000"
    assert project.agency.name == f"ส{NIKHAHIT_AA}นักงานเลขานุการสภากรุงเทพมหานคร"
    assert project.fiscal_year.year_be == 2564
    assert [o.text for o in project.objectives.order_by("order")][0].startswith("เพื่อให้")
    entries = list(project.entries.order_by("-reported_on"))
    assert [(e.reported_on, e.period, e.percent) for e in entries] == [
        (iso, iso.replace(day=1), Decimal(p)) for _n, p, iso, _be in ENTRIES
    ]
    assert [e.narrative for e in entries] == list(NARRATIVES)
    assert sum(s.weight for s in project.steps.all()) == 100
    indicator = project.indicators.get()
    assert (indicator.code, indicator.label, indicator.target_level, indicator.achieved_level) == (
        "0100-814",
        "อ.2/2",
        5,
        3,
    )
    quarters = [
        (q.quarter, q.result_value, q.criterion_21, q.criterion_22, q.project_score)
        for q in project.quarter_evaluations.order_by("quarter")
    ]
    assert quarters == [
        (1, Decimal("15.00"), 100, 100, 100),
        (2, Decimal("20.00"), 100, 100, None),
        (3, Decimal("20.00"), None, None, None),
        (4, Decimal("3.00"), 100, 100, None),
    ]


def test_second_import_changes_nothing(db):
    services.bma_page_import(page=SEED_BYTES, dry_run=False)
    before = snapshot()
    stamps = list(Project.objects.values_list("updated_at", flat=True))
    history = (Project.history.count(), ProgressEntry.history.count(), PlanStep.history.count())
    plan = services.bma_page_import(page=SEED_BYTES, dry_run=False)
    assert plan.applied
    assert plan.counts == {"created": 0, "updated": 0, "deleted": 0, "unchanged": 38, "kept": 0}
    assert snapshot() == before
    assert list(Project.objects.values_list("updated_at", flat=True)) == stamps
    assert (
        Project.history.count(),
        ProgressEntry.history.count(),
        PlanStep.history.count(),
    ) == history


def test_import_over_the_fixture_changes_nothing(db):
    call_command("loaddata", str(SEED_FIXTURE), verbosity=0)
    plan = services.bma_page_import(page=SEED_BYTES, dry_run=True)
    assert plan.counts["unchanged"] == 38
    assert plan.counts["created"] == plan.counts["updated"] == 0


def test_dry_run_writes_nothing(db, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        plan = services.bma_page_import(page=SEED_BYTES, dry_run=True)
    assert plan.ok and not plan.applied
    assert plan.counts["created"] == 38
    assert all(not model.objects.exists() for model in SNAPSHOT_MODELS)
    assert not Project.history.exists()


def test_dry_run_of_a_changed_page_lists_the_changes(db):
    services.bma_page_import(page=SEED_BYTES, dry_run=False)
    changed = (
        SEED_TEXT.replace("\nนางสุดา\n", "\nนางสุดา ใจดี\n")
        .replace("อยู่ระหว่างการรอผลอุทธรณ์รอบที่ 2", "อยู่ระหว่างการรอผลอุทธรณ์รอบที่ 3")
        .encode()
    )
    plan = services.bma_page_import(page=changed, dry_run=True)
    updated = [c for c in plan.changes if c.action == "updated"]
    assert [(c.model, c.fields) for c in updated] == [
        ("โครงการ", ("ผู้รับผิดชอบ",)),
        ("ผลการดำเนินงาน", ("ผลการดำเนินงาน",)),
    ]
    assert Project.objects.get().responsible == "นางสุดา"

    entry = ProgressEntry.objects.get(reported_on=dt.date(2021, 8, 30))
    plan = services.bma_page_import(page=changed, dry_run=False)
    assert plan.counts["updated"] == 2
    entry_after = ProgressEntry.objects.get(pk=entry.pk)
    assert entry_after.narrative.startswith("อยู่ระหว่างการรอผลอุทธรณ์รอบที่ 3")
    # The report form's optimistic lock sees the import as a newer version.
    assert entry_after.version == entry.version + 1
    assert entry_after.history.first().history_change_reason == "นำเข้าจากหน้าโครงการของระบบเดิม"


def test_rows_beyond_the_page(db):
    """Objectives and steps follow the page; entries of other months are left alone."""
    services.bma_page_import(page=SEED_BYTES, dry_run=False)
    project = Project.objects.get()
    ProjectObjective.objects.create(project=project, order=4, text="เกินมา")
    PlanStep.objects.create(project=project, order=11, title="เกินมา", weight=0)
    ProgressEntry.objects.create(
        project=project, reported_on=dt.date(2021, 10, 5), period=dt.date(2021, 10, 1), percent=100
    )
    plan_version = project.plan_version
    plan = services.bma_page_import(page=SEED_BYTES, dry_run=False)
    assert [(c.model, c.key, c.action) for c in plan.changes if c.action != "unchanged"] == [
        ("วัตถุประสงค์ของโครงการ", "วัตถุประสงค์ 4", "deleted"),
        ("ขั้นตอนการดำเนินงาน", "ขั้นตอน 11", "deleted"),
        ("ผลการดำเนินงาน", "05/10/2564", "kept"),
    ]
    assert project.objectives.count() == 3
    assert project.steps.count() == 10
    assert project.entries.count() == 13
    assert Project.objects.get().plan_version == plan_version + 1


def test_closed_quarter_is_not_changed(db):
    services.bma_page_import(page=SEED_BYTES, dry_run=False)
    QuarterLock.objects.create(fiscal_year=FiscalYear.objects.get(), quarter=3, is_locked=True)
    # Unchanged quarters of a closed quarter are fine.
    assert services.bma_page_import(page=SEED_BYTES, dry_run=False).ok
    changed = (
        SEED_TEXT.replace("\n3\n20.00\n\n0 / 0\n", "\n3\n20.00\n\n90 / 80\n")
        .replace(f":{PROBLEMS_1}\n", ":-\n")
        .encode()
    )
    plan = services.bma_page_import(page=changed, dry_run=False)
    assert plan.problems == [
        Problem(
            271,
            "ตารางรายไตรมาส ไตรมาสที่ 3",
            "ไตรมาสที่ 3 ปีงบประมาณ 2564 ปิดแล้ว ผลประเมินในหน้านี้ต่างจากที่บันทึกไว้ จึงนำเข้าไม่ได้ "
            "(ขอให้ สยป. เปิดไตรมาสก่อน)",
        )
    ]
    assert not plan.applied
    # All or nothing: the other change of the page (entry 1's problems) was not kept either.
    assert ProgressEntry.objects.get(reported_on=dt.date(2021, 9, 22)).problems == PROBLEMS_1
    assert QuarterEvaluation.objects.get(quarter=3).criterion_21 is None


def test_page_with_a_problem_writes_nothing(db):
    plan = services.bma_page_import(page=MALFORMED["percent abc"][0], dry_run=False)
    assert not plan.ok and not plan.applied
    assert plan.changes == []
    assert all(not model.objects.exists() for model in SNAPSHOT_MODELS)


def test_several_pages_all_or_nothing(db):
    other = SEED_TEXT.replace(CODE, "01000000-2463").encode()
    plans = services.bma_pages_import(
        pages=[("a.txt", SEED_BYTES), ("b.txt", MALFORMED["percent abc"][0])], dry_run=False
    )
    assert [p.applied for p in plans] == [False, False]
    assert not Project.objects.exists()
    plans = services.bma_pages_import(
        pages=[("a.txt", SEED_BYTES), ("c.txt", other)], dry_run=False
    )
    assert [p.applied for p in plans] == [True, True]
    assert sorted(Project.objects.values_list("code", flat=True)) == [CODE, "01000000-2463"]
    # Both projects support the same KPI: one indicator, two links.
    assert Indicator.objects.get().projects.count() == 2


def test_two_files_of_one_project_in_one_batch(db):
    plans = services.bma_pages_import(
        pages=[("a.txt", SEED_BYTES), ("b.txt", SEED_BYTES)], dry_run=False
    )
    assert plans[0].problems == []
    assert plans[1].problems == [
        Problem(
            6,
            "รหัสโครงการ",
            f"รหัสโครงการ {CODE} ซ้ำกับไฟล์ a.txt นำเข้าโครงการเดียวกันได้ครั้งละหนึ่งไฟล์",
        )
    ]
    assert not Project.objects.exists()


# --- manage.py import_bma_page -------------------------------------------------------------


def test_command_imports_then_reports_nothing_changed(db, capsys):
    call_command("import_bma_page", str(SEED_PAGE))
    out = capsys.readouterr().out
    assert f"{SEED_PAGE}: โครงการ {CODE}" in out
    assert "สร้างใหม่ 38 · แก้ไข 0 · ลบ 0 · ไม่เปลี่ยนแปลง 0" in out
    assert "ผลการดำเนินงาน 12" in out
    assert "บันทึกแล้ว 1 ไฟล์" in out
    call_command("import_bma_page", str(SEED_PAGE))
    assert "สร้างใหม่ 0 · แก้ไข 0 · ลบ 0 · ไม่เปลี่ยนแปลง 38" in capsys.readouterr().out


def test_command_dry_run(db, capsys):
    call_command("import_bma_page", "--dry-run", str(SEED_PAGE))
    out = capsys.readouterr().out
    assert "สร้างใหม่ 38" in out
    assert "ตรวจสอบเท่านั้น (--dry-run): ยังไม่ได้บันทึกข้อมูลใด" in out
    assert not Project.objects.exists()


def test_command_reports_problems_in_thai_and_fails(db, tmp_path, capsys):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(MALFORMED["31/02/2564"][0])
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: 50 MB without writing them
    missing = tmp_path / "missing.txt"
    with pytest.raises(CommandError, match="พบปัญหาใน 3 จาก 4 ไฟล์ จึงไม่ได้บันทึกข้อมูลใดเลย"):
        call_command("import_bma_page", str(SEED_PAGE), str(bad), str(huge), str(missing))
    err = capsys.readouterr().err
    assert f"{bad} บรรทัด 131 · ผลการดำเนินงาน (8) วันที่: ไม่มีวันที่ 31/02/2564 ในปฏิทิน" in err
    assert f"{huge} ทั้งไฟล์ · ขนาดไฟล์: ไฟล์ใหญ่ 50.0 MB" in err
    assert f"{missing} ทั้งไฟล์ · ไฟล์: เปิดไฟล์ไม่ได้" in err
    assert not Project.objects.exists()


def test_responsible_with_a_phone_extension():
    page = page_parser.parse(_replace("\nนางสุดา\n", "\nนางสุดา ใจดี โทร. 1234\n")).page
    assert (page.responsible, page.responsible_phone) == ("นางสุดา ใจดี", "1234")


def test_page_without_an_evaluation_gives_no_project_score(db):
    data = _replace("*** สยป. ประเมินโครงการ : ไตรมาสที่ 1 100\n", "*** สยป. ประเมินโครงการ :\n")
    assert page_parser.parse(data).page.evaluation is None
    assert services.bma_page_import(page=data, dry_run=False).applied
    assert not QuarterEvaluation.objects.filter(project_score__isnull=False).exists()
    # The seed page then scores quarter 1: one row updated, nothing else.
    plan = services.bma_page_import(page=SEED_BYTES, dry_run=False)
    assert [(c.key, c.fields) for c in plan.changes if c.action == "updated"] == [
        ("ไตรมาสที่ 1", ("คะแนนประเมินโครงการ",))
    ]
