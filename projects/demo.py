"""Demo data: users, agencies, projects, monthly progress, KPIs and quarter evaluations.

``make_demo(today=...)`` fills an empty database (or tops up a filled one) with data a new
user can try every workflow on: a few projects of the current fiscal year with steps dated
across the year and the monthly reports already due, a few projects of the previous year
with all twelve reports, KPIs and quarter evaluations. It is idempotent: objects are found
by their codes (usernames, agency, project and KPI codes, one entry per project and month,
one evaluation per project and quarter) and never changed once they exist, so a second run
on the same day changes nothing. A later run adds the reports and evaluations that have
come due since, after the newest report each project already has.

Everything random comes from ``random.Random`` seeded with the object's code, so the data
are the same on every machine and every run; only ``today`` decides how much of the year
has been reported. The vocabulary (Thai names, agencies, districts, project themes) and the
pure spec builders (``project_spec``, ``random_project_spec``) are meant to be reused by a
bulk generator.
"""

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from projects import thaidates
from projects.progress import planned_percent, quantize
from projects.signals import rows_written

SEED = "bma-progress-demo"
DEMO_PASSWORD = "demo"
HUNDRED = Decimal(100)
ZERO = Decimal(0)

# --- Vocabulary --------------------------------------------------------------------------

FIRST_NAMES_MALE = (
    "สมชาย",
    "ธนากร",
    "ประเสริฐ",
    "อนุชา",
    "วีระพงษ์",
    "กิตติพัฒน์",
    "ณัฐวุฒิ",
    "สุรเชษฐ์",
    "ชัยวัฒน์",
    "พงศกร",
    "ธีรวัฒน์",
    "อภิชาติ",
    "ศุภชัย",
    "วรวุฒิ",
    "เกียรติศักดิ์",
)
FIRST_NAMES_FEMALE = (
    "สุดา",
    "สุดารัตน์",
    "วิภาวรรณ",
    "กมลวรรณ",
    "พิมพ์ชนก",
    "ศิริพร",
    "นันทนา",
    "จิราพร",
    "ปวีณา",
    "อรอุมา",
    "รัตนาภรณ์",
    "ชนิดา",
    "วรรณา",
    "มาลัย",
    "กาญจนา",
)
LAST_NAMES = (
    "ใจดี",
    "ศรีสุข",
    "ทองมา",
    "วงศ์สวัสดิ์",
    "แสงทอง",
    "บุญมี",
    "รุ่งเรือง",
    "สุขสวัสดิ์",
    "จันทร์เพ็ญ",
    "พึ่งทอง",
    "มั่นคง",
    "เรืองศรี",
    "ประเสริฐวงศ์",
    "กิจเจริญ",
    "นาคสวัสดิ์",
    "ชัยมงคล",
    "อินทร์แก้ว",
    "ปัญญาดี",
)

# The 50 districts of Bangkok in the order of their geocodes (1001 พระนคร … 1050 บางบอน).
DISTRICTS = (
    "พระนคร",
    "ดุสิต",
    "หนองจอก",
    "บางรัก",
    "บางเขน",
    "บางกะปิ",
    "ปทุมวัน",
    "ป้อมปราบศัตรูพ่าย",
    "พระโขนง",
    "มีนบุรี",
    "ลาดกระบัง",
    "ยานนาวา",
    "สัมพันธวงศ์",
    "พญาไท",
    "ธนบุรี",
    "บางกอกใหญ่",
    "ห้วยขวาง",
    "คลองสาน",
    "ตลิ่งชัน",
    "บางกอกน้อย",
    "บางขุนเทียน",
    "ภาษีเจริญ",
    "หนองแขม",
    "ราษฎร์บูรณะ",
    "บางพลัด",
    "ดินแดง",
    "บึงกุ่ม",
    "สาทร",
    "บางซื่อ",
    "จตุจักร",
    "บางคอแหลม",
    "ประเวศ",
    "คลองเตย",
    "สวนหลวง",
    "จอมทอง",
    "ดอนเมือง",
    "ราชเทวี",
    "ลาดพร้าว",
    "วัฒนา",
    "บางแค",
    "หลักสี่",
    "สายไหม",
    "คันนายาว",
    "สะพานสูง",
    "วังทองหลาง",
    "คลองสามวา",
    "บางนา",
    "ทวีวัฒนา",
    "ทุ่งครุ",
    "บางบอน",
)


def district_agency_code(index: int) -> str:
    """Demo code of the district office of DISTRICTS[index]: 5001 0000 for พระนคร."""
    return f"50{index + 1:02d}0000"


@dataclass(frozen=True)
class AgencySpec:
    code: str
    name: str
    short_name: str


SEED_AGENCY_CODE = "01000000"
# Codes other than the seed's are plausible demo codes, not the BMA's official list.
AGENCIES = (
    AgencySpec(SEED_AGENCY_CODE, "สำนักงานเลขานุการสภากรุงเทพมหานคร", "สลส."),
    AgencySpec("09000000", "สำนักการโยธา", "สนย."),
    AgencySpec("11000000", "สำนักสิ่งแวดล้อม", "สสล."),
    AgencySpec(district_agency_code(0), "สำนักงานเขตพระนคร", "ขพน."),
    AgencySpec("13000000", "สำนักยุทธศาสตร์และประเมินผล", "สยป."),
)
AGENCY_BY_CODE = {a.code: a for a in AGENCIES}
PUBLIC_WORKS, ENVIRONMENT, PHRA_NAKHON, STRATEGY = (a.code for a in AGENCIES[1:])

ROUTINE = "ภารกิจงานประจำของหน่วยงาน"

GENERAL_PROBLEMS = (
    "ได้รับอนุมัติเงินงบประมาณล่าช้า ทำให้เริ่มดำเนินการช้ากว่าแผน",
    "ผู้รับจ้างขาดแคลนแรงงาน ทำให้งานล่าช้ากว่ากำหนด",
    "ฝนตกหนักต่อเนื่อง ต้องหยุดดำเนินการบางช่วง",
    "ผู้เข้าร่วมกิจกรรมน้อยกว่าเป้าหมาย เนื่องจากตรงกับช่วงเทศกาล",
    "ต้องปรับแผนการดำเนินงานตามข้อสั่งการของผู้บริหาร",
    "เจ้าหน้าที่ผู้รับผิดชอบโครงการย้ายหน่วยงาน ต้องมอบหมายผู้รับผิดชอบใหม่",
)
GENERAL_OBSTACLES = (
    "ต้องประสานหลายหน่วยงาน ทำให้ใช้เวลาในการรอความเห็นชอบ",
    "ระเบียบการจัดซื้อจัดจ้างกำหนดระยะเวลาประกาศที่ต้องรอ",
    "พื้นที่ดำเนินการมีการจราจรหนาแน่น ทำงานได้เฉพาะช่วงกลางคืน",
)
NARRATIVE_EXTRAS = (
    "ได้ประสานหน่วยงานที่เกี่ยวข้องเรียบร้อยแล้ว",
    "อยู่ระหว่างรวบรวมเอกสารประกอบการเบิกจ่าย",
    "ได้รายงานความก้าวหน้าต่อผู้อำนวยการในการประชุมประจำเดือน",
    "มีการประชุมติดตามงานร่วมกับคณะทำงานทุกสัปดาห์",
    "ได้บันทึกภาพกิจกรรมและเผยแพร่ทางสื่อออนไลน์ของหน่วยงาน",
)


def thai_person(rng: random.Random) -> tuple[str, str, str]:
    """(title, first name, last name) of a plausible Thai civil servant."""
    if rng.random() < 0.5:
        return "นาย", rng.choice(FIRST_NAMES_MALE), rng.choice(LAST_NAMES)
    return rng.choice(("นาง", "นางสาว")), rng.choice(FIRST_NAMES_FEMALE), rng.choice(LAST_NAMES)


def level_criteria(subject: str, year_be: int) -> tuple[str, ...]:
    """The common five levels of a KPI: 1 plan, 2 carry out, 3 monitor, 4 evaluate and reach
    the target, 5 summarise and report."""
    return (
        f"จัดทำแผนการดำเนินงาน{subject} และเสนอผู้บริหารให้ความเห็นชอบ",
        "ดำเนินการตามแผนได้ครบทุกกิจกรรม",
        "ติดตามความก้าวหน้าและรายงานผลการดำเนินงานเป็นรายเดือน",
        "ประเมินผลการดำเนินงาน และผลการดำเนินงานบรรลุค่าเป้าหมายที่กำหนด",
        f"สรุปผลการดำเนินงาน ปัญหา อุปสรรค และข้อเสนอแนะ รายงานผู้บริหารภายในวันที่ 30 กันยายน {year_be}",
    )


def kpi_definition(subject: str, year_be: int) -> str:
    """นิยาม: what is measured, then the five levels."""
    return "\n".join(
        (
            f"ความสำเร็จใน{subject} วัดจากความก้าวหน้าของการดำเนินงานตามเกณฑ์การประเมิน 5 ระดับ",
            "เกณฑ์การประเมิน",
            *(
                f"ระดับ {level} {text}"
                for level, text in enumerate(level_criteria(subject, year_be), start=1)
            ),
        )
    )


# --- Project themes -----------------------------------------------------------------------


@dataclass(frozen=True)
class Theme:
    """The words of a kind of project; dates, weights and reports are generated from it.

    ``{place}`` in the texts is replaced by a district name (random_project_spec).
    ``main_step`` (0-based) is the step that carries most of the weight.
    """

    key: str
    name: str
    rationale: str
    objectives: tuple[str, ...]
    targets: str
    strategies: tuple[str, ...]
    steps: tuple[str, ...]
    main_step: int
    problems: tuple[str, ...] = ()


THEMES = (
    Theme(
        key="council-roadshow",
        name="โครงการสภากรุงเทพมหานครสัญจรพบประชาชน",
        rationale=(
            "สภากรุงเทพมหานครมีหน้าที่ตราข้อบัญญัติและควบคุมการบริหารราชการของฝ่ายบริหาร "
            "การเปิดโอกาสให้ประชาชนได้พบปะสมาชิกสภากรุงเทพมหานครในพื้นที่ จะช่วยให้สภาฯ "
            "รับทราบปัญหาและความต้องการของประชาชนโดยตรง สำนักงานเลขานุการสภากรุงเทพมหานคร"
            "จึงจัดทำโครงการสภากรุงเทพมหานครสัญจรพบประชาชน หมุนเวียนไปยังกลุ่มเขตทั้ง 6 กลุ่ม "
            "เพื่อรับฟังความคิดเห็นและนำข้อเสนอไปสู่การพิจารณาของสภากรุงเทพมหานคร"
        ),
        objectives=(
            "เพื่อเปิดโอกาสให้ประชาชนเสนอปัญหาและความต้องการต่อสมาชิกสภากรุงเทพมหานครโดยตรง",
            "เพื่อนำข้อเสนอของประชาชนเข้าสู่การพิจารณาของคณะกรรมการสามัญประจำสภากรุงเทพมหานคร",
            "เพื่อสร้างความเข้าใจในบทบาทหน้าที่ของสภากรุงเทพมหานคร",
        ),
        targets="ผู้แทนชุมชนและประชาชนจาก 6 กลุ่มเขต รวมไม่น้อยกว่า 600 คน",
        strategies=(
            "ด้านที่ 5 มหานครประชาธิปไตย / มิติที่ 5.1 การมีส่วนร่วมของประชาชน / "
            "เป้าหมายที่ 5.1.1 ประชาชนมีส่วนร่วมในการพัฒนาเมืองและการตัดสินใจของกรุงเทพมหานคร",
            ROUTINE,
        ),
        steps=(
            "จัดทำแผนการดำเนินการและขออนุมัติโครงการ",
            "แต่งตั้งคณะทำงานและประชุมชี้แจงแนวทางการดำเนินงาน",
            "ประสานสำนักงานเขตประธานกลุ่มเขตเพื่อกำหนดวันและสถานที่จัดกิจกรรม",
            "จัดกิจกรรมสภาสัญจรพบประชาชน 6 กลุ่มเขต",
            "รวบรวมและวิเคราะห์ข้อเสนอของประชาชน",
            "เสนอประเด็นสำคัญต่อคณะกรรมการสามัญประจำสภากรุงเทพมหานคร",
            "ติดตามผลการดำเนินการของหน่วยงานที่เกี่ยวข้อง",
            "สรุปผลและรายงานผลให้ผู้บริหารทราบ",
        ),
        main_step=3,
        problems=("ผู้แทนชุมชนบางกลุ่มเขตไม่สะดวกเข้าร่วมในวันที่กำหนด ต้องเลื่อนกิจกรรม",),
    ),
    Theme(
        key="council-broadcast",
        name="โครงการพัฒนาระบบถ่ายทอดการประชุมสภากรุงเทพมหานครผ่านสื่อออนไลน์",
        rationale=(
            "ประชาชนต้องการติดตามการประชุมสภากรุงเทพมหานครได้ทุกที่ทุกเวลา แต่ระบบถ่ายทอด"
            "ที่มีอยู่รองรับผู้ชมได้จำกัดและไม่มีการจัดเก็บย้อนหลัง จึงจัดทำโครงการนี้เพื่อพัฒนา"
            "ระบบถ่ายทอดสดและคลังวีดิทัศน์การประชุม ส่งเสริมความโปร่งใสของฝ่ายนิติบัญญัติ"
        ),
        objectives=(
            "เพื่อถ่ายทอดการประชุมสภากรุงเทพมหานครผ่านสื่อออนไลน์ทุกครั้ง",
            "เพื่อจัดเก็บวีดิทัศน์การประชุมให้ประชาชนสืบค้นย้อนหลังได้",
        ),
        targets="การประชุมสภากรุงเทพมหานครสมัยสามัญทุกครั้ง ถ่ายทอดและเผยแพร่ย้อนหลังได้ร้อยละ 100",
        strategies=(
            "ด้านที่ 7 การบริหารจัดการเมืองมหานคร / มิติที่ 7.2 การบริหารจัดการที่โปร่งใส / "
            "เป้าหมายที่ 7.2.1 กรุงเทพมหานครเปิดเผยข้อมูลการดำเนินงานต่อสาธารณะ",
            "ด้านที่ 5 มหานครประชาธิปไตย / มิติที่ 5.1 การมีส่วนร่วมของประชาชน / "
            "เป้าหมายที่ 5.1.2 ประชาชนเข้าถึงข้อมูลข่าวสารของกรุงเทพมหานคร",
        ),
        steps=(
            "จัดทำแผนและขอบเขตของงาน (TOR)",
            "ดำเนินการจัดซื้อจัดจ้างด้วยวิธีประกวดราคาอิเล็กทรอนิกส์ (e-bidding)",
            "ติดตั้งและทดสอบระบบถ่ายทอดสดและคลังวีดิทัศน์",
            "อบรมเจ้าหน้าที่ผู้ใช้งานระบบ",
            "เผยแพร่การประชุมสภากรุงเทพมหานครผ่านสื่อออนไลน์",
            "สรุปผลและรายงานผลให้ผู้บริหารทราบ",
        ),
        main_step=2,
        problems=("ผู้รับจ้างส่งมอบอุปกรณ์ล่าช้ากว่าสัญญา",),
    ),
    Theme(
        key="sidewalk",
        name="โครงการปรับปรุงทางเท้าให้เป็นทางเดินเท้าสำหรับทุกคน พื้นที่เขต{place}",
        rationale=(
            "ทางเท้าในพื้นที่เขต{place}หลายช่วงชำรุด ระดับไม่เสมอกัน และไม่มีทางลาดสำหรับผู้ใช้"
            "รถเข็น ทำให้ผู้สูงอายุและผู้พิการเดินทางได้ยากและเสี่ยงต่ออุบัติเหตุ สำนักการโยธาจึง"
            "ปรับปรุงทางเท้าตามหลักการออกแบบเพื่อทุกคน (Universal Design)"
        ),
        objectives=(
            "เพื่อให้ทางเท้ามีความปลอดภัยและเข้าถึงได้สำหรับทุกคน",
            "เพื่อลดอุบัติเหตุจากทางเท้าชำรุด",
            "เพื่อส่งเสริมการเดินเท้าและการใช้ระบบขนส่งสาธารณะ",
        ),
        targets="ทางเท้าความยาวรวม 2.4 กิโลเมตร พร้อมทางลาด 24 จุด",
        strategies=(
            "ด้านที่ 3 มหานครสำหรับทุกคน / มิติที่ 3.1 สังคมไม่ทอดทิ้งกัน / "
            "เป้าหมายที่ 3.1.2 ผู้สูงอายุและผู้พิการเข้าถึงบริการสาธารณะได้สะดวก",
            "ด้านที่ 2 มหานครสีเขียว สะดวกสบาย / มิติที่ 2.3 การเดินทางที่สะดวก / "
            "เป้าหมายที่ 2.3.2 ทางเท้าได้มาตรฐานและเชื่อมต่อระบบขนส่งสาธารณะ",
        ),
        steps=(
            "สำรวจและออกแบบรายละเอียดทางเท้า",
            "จัดทำราคากลางและขออนุมัติโครงการ",
            "ประกาศประกวดราคาด้วยวิธีประกวดราคาอิเล็กทรอนิกส์ (e-bidding)",
            "ลงนามในสัญญาจ้างและส่งมอบพื้นที่",
            "รื้อถอนทางเท้าเดิมและปรับระดับพื้น",
            "ปูพื้นทางเท้าและก่อสร้างทางลาดสำหรับผู้ใช้รถเข็น",
            "ติดตั้งแผ่นนำทางสำหรับผู้พิการทางการเห็นและไฟส่องสว่าง",
            "ตรวจรับงานจ้าง",
            "สรุปผลและรายงานผลให้ผู้บริหารทราบ",
        ),
        main_step=5,
        problems=("พบท่อประปาและสายสื่อสารใต้ทางเท้า ต้องประสานการไฟฟ้านครหลวงและการประปานครหลวง",),
    ),
    Theme(
        key="street-lights",
        name="โครงการติดตั้งไฟฟ้าแสงสว่างหลอด LED ในจุดเสี่ยงภัย พื้นที่เขต{place}",
        rationale=(
            "ซอยและทางเดินหลายแห่งในพื้นที่เขต{place}มีแสงสว่างไม่เพียงพอ เป็นจุดเสี่ยงต่อการเกิด"
            "อาชญากรรมและอุบัติเหตุในเวลากลางคืน การติดตั้งไฟฟ้าแสงสว่างหลอด LED จะช่วยเพิ่ม"
            "ความปลอดภัยและประหยัดพลังงาน"
        ),
        objectives=(
            "เพื่อลดจุดเสี่ยงภัยจากแสงสว่างไม่เพียงพอ",
            "เพื่อเปลี่ยนดวงโคมเดิมเป็นหลอด LED ที่ประหยัดพลังงาน",
        ),
        targets="ติดตั้งดวงโคม LED ไม่น้อยกว่า 350 ดวง ใน 40 จุดเสี่ยง",
        strategies=(
            "ด้านที่ 1 มหานครปลอดภัย / มิติที่ 1.2 ปลอดอาชญากรรม / "
            "เป้าหมายที่ 1.2.1 ลดจุดเสี่ยงอาชญากรรมในพื้นที่สาธารณะ",
        ),
        steps=(
            "สำรวจจุดเสี่ยงร่วมกับสำนักงานเขตและสถานีตำรวจในพื้นที่",
            "จัดทำแบบรูปรายการและราคากลาง",
            "ดำเนินการจัดซื้อจัดจ้าง",
            "ติดตั้งเสาและดวงโคมไฟฟ้าหลอด LED",
            "ทดสอบระบบและตรวจรับงาน",
            "สำรวจความพึงพอใจของประชาชนในพื้นที่",
            "สรุปผลและรายงานผลให้ผู้บริหารทราบ",
        ),
        main_step=3,
    ),
    Theme(
        key="trees",
        name="โครงการปลูกต้นไม้ล้านต้น เพิ่มพื้นที่สีเขียวให้กรุงเทพมหานคร",
        rationale=(
            "กรุงเทพมหานครมีพื้นที่สีเขียวต่อประชากรต่ำกว่าเกณฑ์ที่องค์การอนามัยโลกแนะนำ "
            "ต้นไม้ช่วยลดฝุ่นละออง ลดอุณหภูมิของเมือง และเป็นพื้นที่พักผ่อนของประชาชน "
            "สำนักสิ่งแวดล้อมจึงร่วมกับภาคีเครือข่ายปลูกต้นไม้ยืนต้นในพื้นที่สาธารณะทั่วกรุงเทพมหานคร"
        ),
        objectives=(
            "เพื่อเพิ่มพื้นที่สีเขียวและร่มเงาในพื้นที่สาธารณะ",
            "เพื่อสร้างการมีส่วนร่วมของประชาชนและภาคเอกชนในการดูแลต้นไม้",
            "เพื่อจัดทำฐานข้อมูลต้นไม้พร้อมพิกัดสำหรับการดูแลรักษา",
        ),
        targets="ปลูกต้นไม้ยืนต้นไม่น้อยกว่า 200,000 ต้น ในปีงบประมาณ",
        strategies=(
            "ด้านที่ 2 มหานครสีเขียว สะดวกสบาย / มิติที่ 2.2 พื้นที่สีเขียว / เป้าหมายที่ 2.2.1 เพิ่มพื้นที่สีเขียวต่อประชากร",
            "ด้านที่ 1 มหานครปลอดภัย / มิติที่ 1.1 ประชาชนปลอดมลพิษ / "
            "เป้าหมายที่ 1.1.1 ลดปริมาณฝุ่นละอองขนาดเล็กในอากาศ",
        ),
        steps=(
            "จัดทำแผนและสำรวจพื้นที่ปลูก",
            "จัดหาพันธุ์ไม้ยืนต้น",
            "ประสานภาคีเครือข่ายและสำนักงานเขต",
            "ปลูกต้นไม้ในพื้นที่สาธารณะ",
            "ดูแลบำรุงรักษาและปลูกซ่อม",
            "บันทึกพิกัดต้นไม้ในระบบฐานข้อมูล",
            "สรุปผลและรายงานผลให้ผู้บริหารทราบ",
        ),
        main_step=3,
        problems=("ต้นไม้บางส่วนตายจากภาวะแล้ง ต้องปลูกซ่อม",),
    ),
    Theme(
        key="waste-sorting",
        name="โครงการคัดแยกขยะมูลฝอยจากต้นทาง “ไม่เทรวม”",
        rationale=(
            "ปริมาณขยะมูลฝอยของกรุงเทพมหานครเพิ่มขึ้นทุกปี ค่าใช้จ่ายในการเก็บขนและกำจัดสูงขึ้น "
            "การคัดแยกขยะจากต้นทางช่วยลดปริมาณขยะที่ต้องกำจัดและเพิ่มการนำกลับมาใช้ใหม่ "
            "จึงจัดทำโครงการเพื่อส่งเสริมให้ชุมชน สถานประกอบการ และหน่วยงานคัดแยกขยะก่อนทิ้ง"
        ),
        objectives=(
            "เพื่อลดปริมาณขยะมูลฝอยที่ต้องนำไปกำจัด",
            "เพื่อส่งเสริมการคัดแยกขยะอินทรีย์และขยะรีไซเคิลจากต้นทาง",
            "เพื่อสร้างเครือข่ายชุมชนต้นแบบด้านการจัดการขยะ",
        ),
        targets="ชุมชนและสถานประกอบการเข้าร่วมไม่น้อยกว่า 1,000 แห่ง ปริมาณขยะลดลงร้อยละ 10",
        strategies=(
            "ด้านที่ 1 มหานครปลอดภัย / มิติที่ 1.1 ประชาชนปลอดมลพิษ / "
            "เป้าหมายที่ 1.1.2 ลดปริมาณขยะมูลฝอยและเพิ่มการนำกลับมาใช้ใหม่",
        ),
        steps=(
            "จัดทำแผนการดำเนินงาน",
            "ประชุมชี้แจงสำนักงานเขต",
            "ประชาสัมพันธ์โครงการผ่านสื่อต่าง ๆ",
            "จัดหาถังรองรับขยะแยกประเภท",
            "อบรมแกนนำชุมชนและสถานประกอบการ",
            "จัดเก็บขยะแยกประเภทตามวันที่กำหนด",
            "ตรวจติดตามปริมาณขยะรายเดือน",
            "ประเมินผลการดำเนินงาน",
            "ถอดบทเรียนชุมชนต้นแบบ",
            "สรุปผลและรายงานผลให้ผู้บริหารทราบ",
        ),
        main_step=5,
        problems=("สถานประกอบการบางแห่งยังทิ้งขยะรวม ต้องลงพื้นที่ชี้แจงซ้ำ",),
    ),
    Theme(
        key="street-vendors",
        name="โครงการจัดระเบียบหาบเร่แผงลอยในพื้นที่เขต{place}",
        rationale=(
            "หาบเร่แผงลอยบนทางเท้าในพื้นที่เขต{place}กีดขวางการสัญจรของประชาชน แต่ก็เป็นแหล่ง"
            "รายได้ของผู้ค้ารายย่อย สำนักงานเขตจึงจัดระเบียบพื้นที่ค้าขายให้เป็นสัดส่วน "
            "ให้ผู้ค้าทำมาหากินได้และประชาชนเดินเท้าได้สะดวก"
        ),
        objectives=(
            "เพื่อคืนพื้นที่ทางเท้าให้ประชาชนสัญจรได้สะดวก",
            "เพื่อให้ผู้ค้ารายย่อยมีพื้นที่ค้าขายที่เป็นระเบียบและถูกสุขลักษณะ",
        ),
        targets="จุดผ่อนผันการค้า 12 จุด ผู้ค้าที่ลงทะเบียน 300 ราย",
        strategies=(
            "ด้านที่ 6 มหานครแห่งเศรษฐกิจและการเรียนรู้ / มิติที่ 6.1 เศรษฐกิจดี / "
            "เป้าหมายที่ 6.1.2 ผู้ค้ารายย่อยมีพื้นที่ค้าขายที่เป็นระเบียบ",
            ROUTINE,
        ),
        steps=(
            "สำรวจจุดผ่อนผันและลงทะเบียนผู้ค้า",
            "ประชุมหารือผู้ค้าและประชาชนในพื้นที่",
            "จัดทำแผนจัดระเบียบและตีเส้นแนวการค้า",
            "ดำเนินการจัดระเบียบและตรวจตราพื้นที่",
            "ติดตามและประเมินผล",
            "สรุปผลและรายงานผลให้ผู้บริหารทราบ",
        ),
        main_step=3,
        problems=("ผู้ค้าบางรายไม่ปฏิบัติตามแนวเส้นที่กำหนด ต้องตักเตือนซ้ำ",),
    ),
    Theme(
        key="heritage-tourism",
        name="โครงการส่งเสริมการท่องเที่ยวเชิงวัฒนธรรมชุมชนเกาะรัตนโกสินทร์",
        rationale=(
            "ชุมชนเก่าบนเกาะรัตนโกสินทร์มีวิถีชีวิต อาหาร และงานช่างดั้งเดิมที่น่าสนใจ แต่นักท่องเที่ยว"
            "ส่วนใหญ่แวะเพียงวัดและพระบรมมหาราชวัง สำนักงานเขตจึงร่วมกับชุมชนจัดเส้นทางท่องเที่ยว"
            "เดินเท้า เพื่อกระจายรายได้สู่ชุมชนและอนุรักษ์มรดกวัฒนธรรม"
        ),
        objectives=(
            "เพื่อสร้างเส้นทางท่องเที่ยวเดินเท้าในชุมชนเก่า",
            "เพื่อเพิ่มรายได้ให้ชุมชนจากการท่องเที่ยว",
            "เพื่ออนุรักษ์และเผยแพร่ภูมิปัญญาท้องถิ่น",
        ),
        targets="เส้นทางท่องเที่ยว 3 เส้นทาง มัคคุเทศก์ชุมชน 40 คน",
        strategies=(
            "ด้านที่ 6 มหานครแห่งเศรษฐกิจและการเรียนรู้ / มิติที่ 6.2 การท่องเที่ยว / "
            "เป้าหมายที่ 6.2.1 ส่งเสริมการท่องเที่ยวเชิงวัฒนธรรมและชุมชน",
        ),
        steps=(
            "จัดทำแผนการดำเนินงาน",
            "สำรวจชุมชนและแหล่งท่องเที่ยว",
            "จัดทำเส้นทางท่องเที่ยวเดินเท้า",
            "อบรมมัคคุเทศก์ชุมชน",
            "จัดทำสื่อประชาสัมพันธ์",
            "จัดกิจกรรมเทศกาลชุมชน",
            "ประเมินผลโครงการ",
            "สรุปผลและรายงานผลให้ผู้บริหารทราบ",
        ),
        main_step=5,
    ),
    Theme(
        key="bylaw-training",
        name="โครงการอบรมเสริมสร้างความรู้ด้านข้อบัญญัติกรุงเทพมหานครแก่ผู้แทนชุมชน",
        rationale=(
            "ผู้แทนชุมชนจำนวนมากยังไม่เข้าใจข้อบัญญัติกรุงเทพมหานครที่เกี่ยวกับชีวิตประจำวัน "
            "การอบรมให้ความรู้จะช่วยให้ชุมชนปฏิบัติตามและมีส่วนร่วมเสนอแนะการแก้ไขข้อบัญญัติ"
        ),
        objectives=(
            "เพื่อให้ผู้แทนชุมชนมีความรู้ความเข้าใจในข้อบัญญัติกรุงเทพมหานคร",
            "เพื่อรับฟังข้อเสนอแนะในการปรับปรุงข้อบัญญัติ",
        ),
        targets="ผู้แทนชุมชน 50 เขต รวม 500 คน",
        strategies=(
            "ด้านที่ 5 มหานครประชาธิปไตย / มิติที่ 5.1 การมีส่วนร่วมของประชาชน / "
            "เป้าหมายที่ 5.1.1 ประชาชนมีส่วนร่วมในการพัฒนาเมืองและการตัดสินใจของกรุงเทพมหานคร",
            ROUTINE,
        ),
        steps=(
            "จัดทำแผนและหลักสูตรการอบรม",
            "ประสานสำนักงานเขตคัดเลือกผู้เข้าอบรม",
            "จัดการอบรม 5 รุ่น",
            "ประเมินผลความรู้ก่อนและหลังการอบรม",
            "รวบรวมข้อเสนอแนะ",
            "สรุปผลและรายงานผลให้ผู้บริหารทราบ",
        ),
        main_step=2,
    ),
    Theme(
        key="road-repair",
        name="โครงการซ่อมแซมผิวจราจรและทางเท้าในพื้นที่เขต{place}",
        rationale=(
            "ผิวจราจรและทางเท้าหลายสายในพื้นที่เขต{place}ชำรุดเป็นหลุมบ่อ เป็นอันตรายต่อผู้ใช้ทาง "
            "สำนักการโยธาจึงซ่อมแซมตามลำดับความเร่งด่วนจากการสำรวจและเรื่องร้องเรียนของประชาชน"
        ),
        objectives=(
            "เพื่อให้ผิวจราจรและทางเท้าอยู่ในสภาพดี ปลอดภัยต่อผู้ใช้ทาง",
            "เพื่อแก้ไขเรื่องร้องเรียนของประชาชนได้ภายในเวลาที่กำหนด",
        ),
        targets="ซ่อมแซมผิวจราจร 45,000 ตารางเมตร และทางเท้า 8,000 ตารางเมตร",
        strategies=(
            "ด้านที่ 2 มหานครสีเขียว สะดวกสบาย / มิติที่ 2.3 การเดินทางที่สะดวก / "
            "เป้าหมายที่ 2.3.1 ถนนและทางเท้าอยู่ในสภาพดี",
            ROUTINE,
        ),
        steps=(
            "สำรวจความเสียหายและจัดลำดับความเร่งด่วน",
            "จัดทำแบบและราคากลาง",
            "ดำเนินการจัดซื้อจัดจ้าง",
            "ซ่อมแซมผิวจราจร",
            "ซ่อมแซมทางเท้า",
            "ตรวจรับงานจ้าง",
            "สรุปผลและรายงานผลให้ผู้บริหารทราบ",
        ),
        main_step=3,
    ),
    Theme(
        key="pm25",
        name="โครงการเฝ้าระวังและแจ้งเตือนฝุ่นละอองขนาดเล็ก (PM2.5)",
        rationale=(
            "ฝุ่นละอองขนาดเล็ก PM2.5 ในกรุงเทพมหานครเกินค่ามาตรฐานในช่วงฤดูหนาวเป็นประจำ "
            "การตรวจวัดที่ครอบคลุมและการแจ้งเตือนที่รวดเร็วช่วยให้ประชาชนป้องกันตนเองได้ทันท่วงที"
        ),
        objectives=(
            "เพื่อตรวจวัดคุณภาพอากาศให้ครอบคลุมทุกเขต",
            "เพื่อแจ้งเตือนประชาชนเมื่อค่าฝุ่นเกินมาตรฐาน",
            "เพื่อตรวจควบคุมแหล่งกำเนิดฝุ่น",
        ),
        targets="สถานีตรวจวัดคุณภาพอากาศครอบคลุม 50 เขต แจ้งเตือนภายใน 1 ชั่วโมง",
        strategies=(
            "ด้านที่ 1 มหานครปลอดภัย / มิติที่ 1.1 ประชาชนปลอดมลพิษ / "
            "เป้าหมายที่ 1.1.1 ลดปริมาณฝุ่นละอองขนาดเล็กในอากาศ",
        ),
        steps=(
            "จัดทำแผนเฝ้าระวังคุณภาพอากาศ",
            "บำรุงรักษาและสอบเทียบเครื่องตรวจวัด",
            "ตรวจวัดและรายงานค่าฝุ่นรายวัน",
            "แจ้งเตือนประชาชนผ่านแอปพลิเคชันและสื่อออนไลน์",
            "ตรวจควบคุมแหล่งกำเนิดฝุ่นร่วมกับสำนักงานเขต",
            "ประเมินผลการดำเนินงาน",
            "สรุปผลและรายงานผลให้ผู้บริหารทราบ",
        ),
        main_step=2,
    ),
    Theme(
        key="elderly-health",
        name="โครงการส่งเสริมสุขภาพผู้สูงอายุในชุมชน พื้นที่เขต{place}",
        rationale=(
            "ผู้สูงอายุในพื้นที่เขต{place}มีสัดส่วนเพิ่มขึ้นต่อเนื่อง หลายคนอยู่ลำพังและขาดการออกกำลังกาย "
            "สำนักงานเขตจึงจัดกิจกรรมส่งเสริมสุขภาพกายและใจในชุมชน ร่วมกับศูนย์บริการสาธารณสุข"
        ),
        objectives=(
            "เพื่อส่งเสริมให้ผู้สูงอายุออกกำลังกายอย่างสม่ำเสมอ",
            "เพื่อคัดกรองภาวะเสี่ยงด้านสุขภาพของผู้สูงอายุ",
        ),
        targets="ผู้สูงอายุในชุมชนเข้าร่วม 400 คน",
        strategies=(
            "ด้านที่ 3 มหานครสำหรับทุกคน / มิติที่ 3.2 สุขภาวะ / เป้าหมายที่ 3.2.1 ผู้สูงอายุมีสุขภาพดีและพึ่งพาตนเองได้",
        ),
        steps=(
            "จัดทำแผนและประสานชุมชน",
            "คัดกรองสุขภาพผู้สูงอายุ",
            "จัดกิจกรรมออกกำลังกายและให้ความรู้รายสัปดาห์",
            "ติดตามผลสุขภาพ",
            "สรุปผลและรายงานผลให้ผู้บริหารทราบ",
        ),
        main_step=2,
    ),
)
THEME_BY_KEY = {t.key: t for t in THEMES}


# --- Specs: pure data, no database ----------------------------------------------------------


@dataclass(frozen=True)
class StepSpec:
    order: int
    title: str
    weight: Decimal
    starts_on: dt.date
    ends_on: dt.date


@dataclass(frozen=True)
class EntrySpec:
    period: dt.date
    reported_on: dt.date
    percent: Decimal
    # Steps 1..completed ticked done; partial_percent of step completed+1 under way.
    completed: int
    partial_percent: Decimal | None
    narrative: str
    problems: str
    obstacles: str


@dataclass(frozen=True)
class Habit:
    """When an agency reports month M: on ``day`` of M itself (``same_month``), or of M+1."""

    same_month: bool
    day: int


@dataclass(frozen=True)
class ProjectSpec:
    code: str
    name: str
    agency_code: str
    year_be: int
    responsible: str
    responsible_phone: str
    rationale: str
    budget_code: str
    organisation_code: str
    objectives: tuple[str, ...]
    targets: str
    strategies: tuple[str, ...]
    steps: tuple[StepSpec, ...]
    # Every monthly report of the whole year; make_demo keeps those dated up to today.
    entries: tuple[EntrySpec, ...]

    @property
    def weights_total(self) -> Decimal:
        return sum((s.weight for s in self.steps), ZERO)


def project_rng(code: str) -> random.Random:
    return random.Random(f"{SEED}:{code}")


def _last_day(month_first: dt.date) -> dt.date:
    return thaidates.add_months(month_first, 1) - dt.timedelta(days=1)


def plan_weights(rng: random.Random, count: int, main: int, total: int = 100) -> list[Decimal]:
    """``count`` weights in steps of 5 summing to ``total``; step ``main`` carries the most."""
    units = total // 5
    if not 1 <= count <= units:
        raise ValueError("a plan needs between 1 and total/5 steps")
    shares = [1] * count
    spare = units - count
    heavy = spare // 2
    shares[main] += heavy
    for _ in range(spare - heavy):
        shares[rng.randrange(count)] += 1
    return [Decimal(5 * s) for s in shares]


def plan_steps(
    rng: random.Random, titles: tuple[str, ...], main: int, year_be: int, *, total: int = 100
) -> tuple[StepSpec, ...]:
    """Steps following each other across the fiscal year, each a few months long."""
    fy_start, fy_end = thaidates.fiscal_year_bounds(year_be)
    months = thaidates.fiscal_months(year_be)
    weights = plan_weights(rng, len(titles), main, total)
    count = len(titles)
    steps = []
    for i, (title, weight) in enumerate(zip(titles, weights, strict=True)):
        first = (i * 12) // count
        last = max(first, ((i + 1) * 12 + count - 1) // count - 1)
        starts_on = months[first] + dt.timedelta(days=rng.randint(0, 9))
        if i == 0:
            starts_on = fy_start
        ends_on = _last_day(months[last]) - dt.timedelta(days=rng.randint(0, 6))
        if i == count - 1:
            ends_on = fy_end - dt.timedelta(days=rng.randint(0, 10))
        ends_on = max(ends_on, starts_on + dt.timedelta(days=7))
        steps.append(StepSpec(i + 1, title, weight, starts_on, min(ends_on, fy_end)))
    return tuple(steps)


def _report_date(period: dt.date, habit: Habit, rng: random.Random, fy_end: dt.date) -> dt.date:
    if habit.same_month:
        month, day = period, habit.day + rng.randint(-2, 2)
        last = _last_day(month).day
    else:
        month, day = thaidates.add_months(period, 1), habit.day + rng.randint(-2, 2)
        last = 28
    reported = month.replace(day=max(1, min(day, last)))
    # The year's last report cannot wait for October: it belongs to the year it reports on.
    return min(reported, fy_end)


def plan_entries(
    rng: random.Random,
    theme: Theme,
    steps: tuple[StepSpec, ...],
    year_be: int,
    *,
    habit: Habit,
    pace: float,
) -> tuple[EntrySpec, ...]:
    """Twelve monthly reports made the way staff report: by ticking the steps done and
    giving a percent (a multiple of 10) for the step under way, following the planned
    curve times ``pace``. Percents never go down and reach the plan's total at the
    year's end when pace >= 1."""
    _, fy_end = thaidates.fiscal_year_bounds(year_be)
    total = sum((s.weight for s in steps), ZERO)
    cumulative = [ZERO]
    for step in steps:
        cumulative.append(cumulative[-1] + step.weight)
    entries = []
    state = (0, 0)  # (steps done, percent of the next step)
    months = thaidates.fiscal_months(year_be)
    for index, period in enumerate(months):
        reported_on = _report_date(period, habit, rng, fy_end)
        planned = planned_percent(steps, reported_on) or ZERO
        target = min(planned * Decimal(str(pace)), total)
        done = sum(1 for c in cumulative[1:] if c <= target)
        share = 0
        if done < len(steps) and rng.random() < 0.7:
            share = min(int((target - cumulative[done]) * 10 / steps[done].weight) * 10, 90)
        if index == len(months) - 1 and pace >= 1:
            done, share = len(steps), 0
        previous_state, state = state, max(state, (done, share))
        entries.append(
            _entry(
                rng, theme, steps, cumulative, period, reported_on, planned, state, previous_state
            )
        )
    return tuple(entries)


def _entry(rng, theme, steps, cumulative, period, reported_on, planned, state, previous):
    done, share = state
    partial = steps[done].weight * share / HUNDRED if share else ZERO
    percent = quantize(cumulative[done] + partial)
    return EntrySpec(
        period=period,
        reported_on=reported_on,
        percent=percent,
        completed=done,
        partial_percent=Decimal(share) if share else None,
        narrative=_narrative(rng, steps, state, unchanged=state == previous and state != (0, 0)),
        problems=_problem(rng, theme, behind=percent < planned - 10),
        obstacles=rng.choice(GENERAL_OBSTACLES) if rng.random() < 0.08 else "ไม่มี",
    )


def _narrative(rng, steps, state, *, unchanged: bool) -> str:
    done, share = state
    if done == len(steps):
        return "ดำเนินการครบทุกขั้นตอนแล้วเสร็จ สรุปผลการดำเนินงานและรายงานให้ผู้บริหารทราบเรียบร้อยแล้ว"
    under_way = steps[done]
    text = f"อยู่ระหว่างดำเนินการขั้นตอนที่ {under_way.order} {under_way.title}"
    if share:
        text += f" (ดำเนินการไปแล้วประมาณร้อยละ {share} ของขั้นตอน)"
    if done:
        last = steps[done - 1]
        text = f"ดำเนินการขั้นตอนที่ {last.order} {last.title} แล้วเสร็จ / {text}"
    if unchanged:
        text = f"ความคืบหน้าเท่าเดิม {text}"
    if rng.random() < 0.4:
        text += " " + rng.choice(NARRATIVE_EXTRAS)
    return text


def _problem(rng: random.Random, theme: Theme, *, behind: bool) -> str:
    if rng.random() < (0.6 if behind else 0.1):
        return rng.choice(theme.problems + GENERAL_PROBLEMS)
    return rng.choice(("ไม่มี", "ไม่มี", "ไม่มี", "-"))


def project_spec(
    *,
    code: str,
    agency_code: str,
    year_be: int,
    theme: Theme,
    place: str = "พระนคร",
    habit: Habit | None = None,
    pace: float | None = None,
    weights_total: int = 100,
) -> ProjectSpec:
    """Everything about one project, from its code alone (the random seed) and its theme."""
    rng = project_rng(code)
    habit = habit or Habit(same_month=rng.random() < 0.4, day=rng.randint(5, 26))
    pace = pace if pace is not None else rng.choice((0.7, 0.85, 1.0, 1.0, 1.1))
    title, first, last = thai_person(rng)
    steps = plan_steps(rng, theme.steps, theme.main_step, year_be, total=weights_total)
    division = f"{agency_code[:4]}{rng.randint(1, 9)}{rng.randint(0, 9)}00"
    return ProjectSpec(
        code=code,
        name=theme.name.format(place=place),
        agency_code=agency_code,
        year_be=year_be,
        responsible=f"{title}{first} {last}",
        responsible_phone=f"0 2{rng.randint(200, 299)} {rng.randint(1000, 9999)} ต่อ "
        f"{rng.randint(1000, 9999)}",
        rationale=theme.rationale.format(place=place),
        budget_code=division,
        organisation_code=division,
        objectives=theme.objectives,
        targets=theme.targets,
        strategies=theme.strategies,
        steps=steps,
        entries=plan_entries(rng, theme, steps, year_be, habit=habit, pace=pace),
    )


def random_project_spec(
    rng: random.Random, *, code: str, agency_code: str, year_be: int
) -> ProjectSpec:
    """A project of any theme in any district: for bulk generation."""
    return project_spec(
        code=code,
        agency_code=agency_code,
        year_be=year_be,
        theme=rng.choice(THEMES),
        place=rng.choice(DISTRICTS),
    )


# --- The demo set ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoProject:
    agency_code: str
    number: int
    theme: str
    habit: Habit
    pace: float
    weights_total: int = 100

    def code(self, year_be: int) -> str:
        # 2570 → 7001, 7002 …: codes differ from year to year and from the seed's 2462.
        return f"{self.agency_code}-{year_be % 100:02d}{self.number:02d}"


# Reporting habits are spread over the month so that on most days some projects have sent
# last month's report and some have not (the "missing reports" views need both).
CURRENT_PROJECTS = (
    DemoProject(SEED_AGENCY_CODE, 1, "council-roadshow", Habit(False, 9), 1.0),
    DemoProject(SEED_AGENCY_CODE, 2, "council-broadcast", Habit(True, 24), 0.7),
    DemoProject(PUBLIC_WORKS, 1, "sidewalk", Habit(False, 14), 0.85),
    DemoProject(PUBLIC_WORKS, 2, "street-lights", Habit(False, 27), 1.0),
    DemoProject(ENVIRONMENT, 1, "trees", Habit(True, 20), 1.1),
    DemoProject(ENVIRONMENT, 2, "waste-sorting", Habit(False, 5), 1.0),
    DemoProject(PHRA_NAKHON, 1, "street-vendors", Habit(False, 21), 0.85),
    # Weights sum to 90: shows the incomplete-plan warning.
    DemoProject(PHRA_NAKHON, 2, "heritage-tourism", Habit(True, 27), 1.0, weights_total=90),
)
# Last year's: reported within the month, so all twelve reports belong to that year.
PREVIOUS_PROJECTS = (
    DemoProject(SEED_AGENCY_CODE, 51, "bylaw-training", Habit(True, 22), 1.0),
    DemoProject(PUBLIC_WORKS, 51, "road-repair", Habit(True, 25), 1.1),
    DemoProject(ENVIRONMENT, 51, "pm25", Habit(True, 20), 1.0),
    DemoProject(PHRA_NAKHON, 51, "elderly-health", Habit(True, 26), 0.85),
)


@dataclass(frozen=True)
class KpiSpec:
    code: str
    label: str
    name: str
    subject: str
    kind: str
    result_level: str
    target_level: int
    achieved_level: int | None
    project_codes: tuple[str, ...]
    year_be: int


def demo_kpis(year_be: int) -> tuple[KpiSpec, ...]:
    """KPIs of the current year (not yet achieved) and of the previous one (achieved)."""
    from indicators.models import Indicator

    strategic, routine = Indicator.Kind.STRATEGIC, Indicator.Kind.ROUTINE
    output, outcome = Indicator.ResultLevel.OUTPUT, Indicator.ResultLevel.OUTCOME
    current = {p.theme: p.code(year_be) for p in CURRENT_PROJECTS}
    previous = {p.theme: p.code(year_be - 1) for p in PREVIOUS_PROJECTS}

    def kpi(agency, n, label, subject, kind, level, achieved, codes, year):
        return KpiSpec(
            code=f"{agency[:4]}-{year % 100:02d}{n}",
            label=label,
            name=f"ระดับความสำเร็จใน{subject}",
            subject=subject,
            kind=kind,
            result_level=level,
            target_level=5,
            achieved_level=achieved,
            project_codes=codes,
            year_be=year,
        )

    # Numbers 1-4 for the current year's KPIs, 5-9 for last year's: a run a year later
    # makes new codes for both sets instead of finding this year's under last year's name.
    return (
        kpi(
            SEED_AGENCY_CODE,
            1,
            "อ.5/1",
            "การนำข้อเสนอของประชาชนเสนอต่อสภากรุงเทพมหานครเพื่อนำไปสู่การแก้ไข",
            strategic,
            output,
            None,
            (current["council-roadshow"], current["council-broadcast"]),
            year_be,
        ),
        kpi(
            PUBLIC_WORKS,
            1,
            "อ.3/1",
            "การปรับปรุงทางเท้าให้ทุกคนเข้าถึงได้",
            strategic,
            outcome,
            None,
            (current["sidewalk"],),
            year_be,
        ),
        kpi(
            PUBLIC_WORKS,
            2,
            "อ.1/2",
            "การลดจุดเสี่ยงด้านแสงสว่างในพื้นที่สาธารณะ",
            strategic,
            output,
            None,
            (current["street-lights"],),
            year_be,
        ),
        kpi(
            ENVIRONMENT,
            1,
            "อ.2/1",
            "การเพิ่มพื้นที่สีเขียวในพื้นที่สาธารณะ",
            strategic,
            outcome,
            None,
            (current["trees"],),
            year_be,
        ),
        kpi(
            ENVIRONMENT,
            2,
            "อ.1/1",
            "การลดปริมาณขยะมูลฝอยด้วยการคัดแยกจากต้นทาง",
            strategic,
            outcome,
            None,
            (current["waste-sorting"],),
            year_be,
        ),
        kpi(
            ENVIRONMENT,
            3,
            "อ.1/3",
            "การสร้างการมีส่วนร่วมของชุมชนในการจัดการสิ่งแวดล้อม",
            routine,
            output,
            None,
            (current["trees"], current["waste-sorting"]),
            year_be,
        ),
        kpi(
            PHRA_NAKHON,
            1,
            "อ.6/1",
            "การจัดระเบียบพื้นที่ค้าขายและส่งเสริมเศรษฐกิจชุมชน",
            routine,
            output,
            None,
            (current["street-vendors"], current["heritage-tourism"]),
            year_be,
        ),
        kpi(
            SEED_AGENCY_CODE,
            5,
            "อ.5/2",
            "การเสริมสร้างความรู้ด้านข้อบัญญัติกรุงเทพมหานครแก่ผู้แทนชุมชน",
            routine,
            output,
            5,
            (previous["bylaw-training"],),
            year_be - 1,
        ),
        kpi(
            PUBLIC_WORKS,
            5,
            "อ.2/3",
            "การซ่อมแซมผิวจราจรและทางเท้าให้อยู่ในสภาพดี",
            routine,
            output,
            4,
            (previous["road-repair"],),
            year_be - 1,
        ),
        kpi(
            ENVIRONMENT,
            5,
            "อ.1/1",
            "การเฝ้าระวังและแจ้งเตือนฝุ่นละอองขนาดเล็ก",
            strategic,
            outcome,
            5,
            (previous["pm25"],),
            year_be - 1,
        ),
        kpi(
            PHRA_NAKHON,
            5,
            "อ.3/2",
            "การส่งเสริมสุขภาพผู้สูงอายุในชุมชน",
            routine,
            outcome,
            3,
            (previous["elderly-health"],),
            year_be - 1,
        ),
    )


def demo_specs(year_be: int) -> tuple[ProjectSpec, ...]:
    """The demo projects of fiscal year ``year_be`` and of the year before."""
    specs = []
    for year, projects in ((year_be, CURRENT_PROJECTS), (year_be - 1, PREVIOUS_PROJECTS)):
        for p in projects:
            specs.append(
                project_spec(
                    code=p.code(year),
                    agency_code=p.agency_code,
                    year_be=year,
                    theme=THEME_BY_KEY[p.theme],
                    place="พระนคร",
                    habit=p.habit,
                    pace=p.pace,
                    weights_total=p.weights_total,
                )
            )
    return tuple(specs)


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    agency_code: str | None
    first_name: str
    last_name: str
    is_admin: bool = False


DEMO_USERS = (
    DemoUser("staff", "staff", SEED_AGENCY_CODE, "สุดารัตน์", "ใจดี"),
    DemoUser("staff2", "staff", PUBLIC_WORKS, "ธนากร", "ศรีสุข"),
    DemoUser("evaluator", "evaluator", STRATEGY, "วิภาวรรณ", "ทองมา"),
    DemoUser("manager", "manager", None, "ประเสริฐ", "วงศ์สวัสดิ์"),
    DemoUser("admin", "admin", None, "อนุชา", "แสงทอง", is_admin=True),
)


# --- Writing to the database ----------------------------------------------------------------


@dataclass
class DemoReport:
    """What make_demo created and what it found already there, per kind of object."""

    today: dt.date
    year_be: int
    created: Counter = field(default_factory=Counter)
    found: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)

    def count(self, kind: str, created: bool) -> None:
        (self.created if created else self.found)[kind] += 1


KINDS = (
    ("agencies", "หน่วยงาน"),
    ("fiscal_years", "ปีงบประมาณ"),
    ("users", "ผู้ใช้"),
    ("projects", "โครงการ"),
    ("steps", "ขั้นตอนการดำเนินงาน"),
    ("entries", "ผลการดำเนินงาน"),
    ("indicators", "ตัวชี้วัด"),
    ("evaluations", "ผลการประเมินโครงการรายไตรมาส"),
    ("kpi_results", "ผลตัวชี้วัดรายไตรมาส"),
)


def make_demo(*, today: dt.date | None = None) -> DemoReport:
    """Create what is missing of the demo data as of ``today`` (default: today in Bangkok).

    The seed project (fixtures/seed.json) is loaded by the ``demo`` command before this.
    """
    today = today or timezone.localdate()
    year_be = thaidates.fiscal_year_of(today)
    report = DemoReport(today=today, year_be=year_be)
    with transaction.atomic():
        agencies = _ensure_agencies(report)
        users = _ensure_users(report, agencies)
        years = _ensure_fiscal_years(report, year_be)
        specs = demo_specs(year_be)
        reporters = {u.agency_id: u for u in users.values() if u.role == "staff"}
        projects = {}
        for spec in specs:
            project = _ensure_project(report, spec, agencies, years)
            reporter = reporters.get(project.agency_id)
            _ensure_entries(report, project, spec, today, reporter)
            projects[spec.code] = (project, spec)
        _ensure_indicators(report, year_be, projects, years, users["evaluator"])
        _ensure_evaluations(report, projects, today, users["evaluator"])
        if +report.created or +report.updated:
            from projects.models import Project

            rows_written.send(sender=Project, project_ids=None)  # some rows in bulk
    return report


def _ensure_agencies(report: DemoReport) -> dict:
    from projects.models import Agency

    agencies = {}
    for spec in AGENCIES:
        agency, created = Agency.objects.get_or_create(
            code=spec.code, defaults={"name": spec.name, "short_name": spec.short_name}
        )
        report.count("agencies", created)
        agencies[spec.code] = agency
    return agencies


def _ensure_users(report: DemoReport, agencies: dict) -> dict:
    """Demo users with password ``demo``: created, or put back to their demo role and agency."""
    from projects.models import User

    users = {}
    for spec in DEMO_USERS:
        wanted = {
            "role": spec.role,
            "agency": agencies[spec.agency_code] if spec.agency_code else None,
            "first_name": spec.first_name,
            "last_name": spec.last_name,
            "email": f"{spec.username}@demo.bma-progress.invalid",
            "is_staff": spec.is_admin,
            "is_superuser": spec.is_admin,
            "is_active": True,
        }
        user = User.objects.filter(username=spec.username).first()
        created = user is None
        if created:
            user = User(username=spec.username, **wanted)
            user.set_password(DEMO_PASSWORD)
            user.save()
        else:
            changed = [k for k, v in wanted.items() if getattr(user, k) != v]
            for name in changed:
                setattr(user, name, wanted[name])
            # check_password re-hashes only when the hasher asks for it; no new salt each run.
            if not user.check_password(DEMO_PASSWORD):
                user.set_password(DEMO_PASSWORD)
                changed.append("password")
            if changed:
                user.save(update_fields=changed)
                report.updated["users"] += 1
        report.count("users", created)
        users[spec.username] = user
    return users


def _ensure_fiscal_years(report: DemoReport, year_be: int) -> dict:
    from projects.models import FiscalYear

    years = {}
    for year in (year_be - 1, year_be):
        years[year], created = FiscalYear.objects.get_or_create(year_be=year)
        report.count("fiscal_years", created)
    return years


def _ensure_project(report: DemoReport, spec: ProjectSpec, agencies: dict, years: dict):
    from projects.models import PlanStep, Project, ProjectObjective, StrategyLink

    fiscal_year = years[spec.year_be]
    project, created = Project.objects.get_or_create(
        code=spec.code,
        defaults={
            "name": spec.name,
            "agency": agencies[spec.agency_code],
            "fiscal_year": fiscal_year,
            "responsible": spec.responsible,
            "responsible_phone": spec.responsible_phone,
            "rationale": spec.rationale,
            "budget_code": spec.budget_code,
            "organisation_code": spec.organisation_code,
            "targets": spec.targets,
        },
    )
    report.count("projects", created)
    if not created:
        # Somebody may be trying the plan editor on it: leave its text and steps alone.
        report.found["steps"] += len(spec.steps)
        return project
    ProjectObjective.objects.bulk_create(
        ProjectObjective(project=project, order=i, text=text)
        for i, text in enumerate(spec.objectives, start=1)
    )
    StrategyLink.objects.bulk_create(
        StrategyLink(project=project, order=i, text=text)
        for i, text in enumerate(spec.strategies, start=1)
    )
    for step in spec.steps:
        PlanStep.objects.create(
            project=project,
            order=step.order,
            title=step.title,
            weight=step.weight,
            starts_on=step.starts_on,
            ends_on=step.ends_on,
        )
        report.created["steps"] += 1
    return project


def _at_office_hours(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def report_deadline(fiscal_year, period: dt.date, moved: dict) -> dt.date:
    """When the report on ``period`` is due: a ReportingDeadline, else the year's day."""
    if period in moved:
        return moved[period]
    return thaidates.add_months(period, 1).replace(day=fiscal_year.report_deadline_day)


def _ensure_entries(report, project, spec: ProjectSpec, today: dt.date, reporter) -> None:
    """Add the reports due by ``today`` that come after the project's newest report.

    Reports are only appended: a month somebody has reported by hand, or any month before
    it, is left alone. Should a generated percent fall below the newest one there, the
    newest percent is kept, without ticked steps (it cannot be explained by them).
    """
    from projects.models import ProgressEntry, ReportingDeadline

    existing = list(project.entries.values_list("period", "percent"))
    latest = max(existing, default=None)
    steps = {step.order: step for step in project.steps.all()}
    moved = dict(ReportingDeadline.objects.values_list("period", "due_on"))
    for entry in spec.entries:
        if entry.reported_on > today:
            break
        if latest is not None and entry.period <= latest[0]:
            report.found["entries"] += 1
            continue
        ticked = {
            "percent": entry.percent,
            "completed_steps": [steps[n].pk for n in range(1, entry.completed + 1) if n in steps],
            "in_progress_step": steps.get(entry.completed + 1) if entry.partial_percent else None,
            "partial_percent": entry.partial_percent,
        }
        if latest is not None and entry.percent < latest[1]:
            ticked = {"percent": latest[1]}
        due = report_deadline(project.fiscal_year, entry.period, moved)
        created = ProgressEntry.objects.create(
            project=project,
            period=entry.period,
            reported_on=entry.reported_on,
            narrative=entry.narrative,
            problems=entry.problems,
            obstacles=entry.obstacles,
            is_late=entry.reported_on > due,
            created_by=reporter,
            updated_by=reporter,
            **ticked,
        )
        # auto_now_add ignores a given value: date the row as if typed on the report day.
        stamp = _at_office_hours(entry.reported_on)
        ProgressEntry.objects.filter(pk=created.pk).update(created_at=stamp, updated_at=stamp)
        report.created["entries"] += 1


def _ensure_indicators(report, year_be: int, projects: dict, years: dict, evaluator) -> None:
    """The KPIs with their five levels, their projects, and the quarters สยป. has scored."""
    from indicators.models import Indicator, IndicatorLevel, IndicatorQuarterResult

    for spec in demo_kpis(year_be):
        indicator, created = Indicator.objects.get_or_create(
            code=spec.code,
            defaults={
                "label": spec.label,
                "name": spec.name,
                "kind": spec.kind,
                "result_level": spec.result_level,
                "unit": Indicator.Unit.LEVEL,
                "target_level": spec.target_level,
                "achieved_level": spec.achieved_level,
                "definition": kpi_definition(spec.subject, spec.year_be),
            },
        )
        report.count("indicators", created)
        if created:
            indicator.projects.add(*(projects[code][0] for code in spec.project_codes))
            IndicatorLevel.objects.bulk_create(
                IndicatorLevel(indicator=indicator, level=level, description=text)
                for level, text in enumerate(level_criteria(spec.subject, spec.year_be), start=1)
            )
        rng = random.Random(f"{SEED}:kpi-results:{spec.code}")
        final = spec.achieved_level or spec.target_level
        for quarter in (1, 2, 3, 4):
            evaluated_on = _evaluated_on(rng, spec.year_be, quarter)
            if evaluated_on > report.today:
                break
            scores = rng.choice(SCORES), rng.choice(SCORES)
            _, created = IndicatorQuarterResult.objects.get_or_create(
                indicator=indicator,
                fiscal_year=years[spec.year_be],
                quarter=quarter,
                defaults={
                    # Levels climb through the year to the level reached at its end.
                    "achieved_level": max(1, round(final * quarter / 4)),
                    "criterion_21": scores[0],
                    "criterion_22": scores[1],
                    "evaluated_by": evaluator,
                    "evaluated_at": _at_office_hours(evaluated_on, 15),
                },
            )
            report.count("kpi_results", created)


# Scores สยป. gives; most projects pass both criteria.
SCORES = (Decimal(100), Decimal(100), Decimal(100), Decimal(75), Decimal(50))


def _evaluated_on(rng: random.Random, year_be: int, quarter: int) -> dt.date:
    """สยป. scores a quarter two to four weeks after it ends."""
    _, ends_on = thaidates.quarter_bounds(year_be, quarter)
    return ends_on + dt.timedelta(days=rng.randint(14, 28))


def _ensure_evaluations(report, projects: dict, today: dt.date, evaluator) -> None:
    """Score each quarter of each project once สยป.'s turn has come (_evaluated_on).

    The last project of the current year is never scored, and the last quarter of one of
    last year's projects has a row with no scores ("0 / 0" on the page, as in the seed).
    """
    from indicators.models import QuarterEvaluation

    unscored_project = CURRENT_PROJECTS[-1]
    half_scored = PREVIOUS_PROJECTS[-1]
    for code, (project, spec) in projects.items():
        if code == unscored_project.code(spec.year_be):
            continue
        rng = random.Random(f"{SEED}:evaluations:{code}")
        for quarter in (1, 2, 3, 4):
            evaluated_on = _evaluated_on(rng, spec.year_be, quarter)
            if evaluated_on > today:
                break
            scored = not (quarter == 4 and code == half_scored.code(spec.year_be))
            c21, c22 = (rng.choice(SCORES), rng.choice(SCORES)) if scored else (None, None)
            _, created = QuarterEvaluation.objects.get_or_create(
                project=project,
                quarter=quarter,
                defaults={
                    "criterion_21": c21,
                    "criterion_22": c22,
                    "project_score": quantize((c21 + c22) / 2) if scored else None,
                    "comment": "" if scored else "รอเอกสารประกอบการประเมิน",
                    "evaluated_by": evaluator if scored else None,
                    "evaluated_at": _at_office_hours(evaluated_on, 14) if scored else None,
                },
            )
            report.count("evaluations", created)


def summary_lines(report: DemoReport) -> list[str]:
    """A short Thai/English account of a run, for the command to print."""
    lines = [
        f"ข้อมูลสาธิต / demo data: วันนี้ today {thaidates.format_be(report.today)}, "
        f"ปีงบประมาณ fiscal year {report.year_be} และ and {report.year_be - 1}",
    ]
    for kind, thai in KINDS:
        created, found = report.created[kind], report.found[kind]
        if not (created or found):
            continue
        line = f"  {thai} {kind}: สร้างใหม่ created {created}, มีอยู่แล้ว found {found}"
        if report.updated[kind]:
            line += f", ปรับปรุง updated {report.updated[kind]}"
        lines.append(line)
    names = ", ".join(u.username for u in DEMO_USERS)
    lines.append(f"ผู้ใช้สาธิต demo users: {names} (รหัสผ่าน password: {DEMO_PASSWORD})")
    return lines
