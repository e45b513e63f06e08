"""The open-data sets (issue 17, must-have 4): what each CSV file holds, column by column,
and its rows, read through the one public rule (projects.public, indicators.public).

Open data are exactly what a visitor of the public pages sees: projects and KPIs not
marked internal, the approved monthly reports of those projects (``ProgressEntry`` rows:
drafts, submissions and returned reports are never entries), the quarter results of
สยป. without their comments or who gave them, the budget and its transfers. Never the
responsible person or a telephone number (projects.public.PRIVATE_PROJECT_FIELDS), who
saved a report, evidence files, reopen reasons or change history.

Column names are ASCII identifiers (a CKAN datastore's field ids); their Thai titles go
into the metadata. Each set declares its primary key, so that a portal can upsert.

Rows are streamed: every query runs with ``iterator(chunk_size=…)``, so that 20,000
projects × 12 months never sit in memory at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from indicators.models import IndicatorQuarterResult, QuarterEvaluation
from indicators.public import public_indicators
from projects.models import BudgetSource, BudgetTransfer
from projects.money import CENT
from projects.public import PRIVATE_PROJECT_FIELDS, public_entries, public_projects

CHUNK = 2000


@dataclass(frozen=True)
class Column:
    name: str
    title: str  # Thai, lazy
    type: str = "text"  # Frictionless / CKAN datastore: text, integer, number, date, boolean


@dataclass(frozen=True)
class DataSet:
    name: str
    title: str
    description: str
    tags: tuple[str, ...]
    unit: str  # GDC "unit of measure"
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    rows: Callable[[], Iterator[tuple]]
    # The fiscal years (BE) the rows cover: the column that holds them (a number, or
    # numbers separated by spaces).
    year_column: str = "fiscal_year"
    # GDC: a record per thing (ข้อมูลระเบียน) or figures over time (ข้อมูลสถิติ).
    statistical: bool = True
    # GDC update frequency: (unit, interval).
    frequency: tuple[str, int] = (_("เดือน"), 1)

    @property
    def header(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    @property
    def csv_name(self) -> str:
        return f"{self.name}.csv"

    @property
    def metadata_name(self) -> str:
        return f"{self.name}.metadata.json"


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _two_places(value) -> Decimal | None:
    """Two places, as stored (SQLite gives a computed 20.00 back as 20)."""
    return None if value is None else Decimal(value).quantize(CENT)


def _lines(items, attribute: str = "text") -> str:
    return "\n".join(getattr(item, attribute) for item in items)


# --- projects ---------------------------------------------------------------------------


def _projects_queryset():
    return (
        public_projects()
        .select_related("agency", "fiscal_year", "budget_type")
        .defer(*(name for name in PRIVATE_PROJECT_FIELDS if name != "is_internal"))
        .with_latest_progress()
        .prefetch_related(
            "objectives",
            "strategy_links",
            Prefetch("indicators", queryset=public_indicators().only("pk", "code")),
        )
        .order_by("code")
    )


def project_rows() -> Iterator[tuple]:
    for project in _projects_queryset().iterator(chunk_size=CHUNK):
        yield (
            project.code,
            project.name,
            project.agency.code,
            project.agency.name,
            project.fiscal_year.year_be,
            project.rationale,
            _lines(project.objectives.all()),
            project.targets,
            _lines(project.strategy_links.all()),
            project.budget_code,
            project.organisation_code,
            " ".join(sorted(indicator.code for indicator in project.indicators.all())),
            _two_places(project.latest_percent),
            project.latest_reported_on,
            timezone.localtime(project.updated_at).date(),
        )


PROJECT_COLUMNS = (
    Column("project_code", _("รหัสโครงการ")),
    Column("project_name", _("ชื่อโครงการ")),
    Column("agency_code", _("รหัสหน่วยงาน")),
    Column("agency_name", _("ชื่อหน่วยงาน")),
    Column("fiscal_year", _("ปีงบประมาณ (พ.ศ.)"), "integer"),
    Column("rationale", _("หลักการและเหตุผล")),
    Column("objectives", _("วัตถุประสงค์ของโครงการ (บรรทัดละข้อ)")),
    Column("targets", _("เป้าหมายของโครงการ")),
    Column("strategy_links", _("สนับสนุนยุทธศาสตร์กรุงเทพมหานคร (บรรทัดละข้อ)")),
    Column("budget_code", _("รหัสงบประมาณ")),
    Column("organisation_code", _("รหัสหน่วยงานเจ้าของงบ")),
    Column("indicator_codes", _("รหัสตัวชี้วัดที่สนับสนุน (คั่นด้วยช่องว่าง)")),
    Column("latest_percent", _("ความคืบหน้าล่าสุด (ร้อยละ)"), "number"),
    Column("latest_reported_on", _("วันที่รายงานล่าสุด"), "date"),
    Column("updated_on", _("วันที่แก้ไขข้อมูลโครงการล่าสุด"), "date"),
)


# --- monthly progress -------------------------------------------------------------------


def progress_rows() -> Iterator[tuple]:
    entries = (
        public_entries()
        .order_by("project__code", "period")
        .values_list(
            "project__code",
            "project__fiscal_year__year_be",
            "period",
            "reported_on",
            "percent",
            "narrative",
            "problems",
            "obstacles",
            "lower_reason",
            "committed",
            "disbursed",
            "is_late",
        )
    )
    for row in entries.iterator(chunk_size=CHUNK):
        code, year, period, *values, is_late = row
        yield (code, year, period.strftime("%Y-%m"), *values, _bool(is_late))


PROGRESS_COLUMNS = (
    Column("project_code", _("รหัสโครงการ")),
    Column("fiscal_year", _("ปีงบประมาณ (พ.ศ.)"), "integer"),
    Column("period", _("เดือนที่รายงาน (ค.ศ. ปี-เดือน)")),
    Column("reported_on", _("วันที่รายงาน"), "date"),
    Column("percent", _("ความคืบหน้าสะสม (ร้อยละ)"), "number"),
    Column("narrative", _("ผลการดำเนินงาน")),
    Column("problems", _("ปัญหาของโครงการ")),
    Column("obstacles", _("อุปสรรคของโครงการ")),
    Column("lower_reason", _("เหตุผลที่ความคืบหน้าลดลง")),
    Column("committed", _("ก่อหนี้ผูกพันสะสม (บาท)"), "number"),
    Column("disbursed", _("เบิกจ่ายสะสม (บาท)"), "number"),
    Column("is_late", _("ส่งล่าช้า"), "boolean"),
)


# --- quarter evaluations of projects ----------------------------------------------------


def evaluation_rows() -> Iterator[tuple]:
    evaluations = (
        QuarterEvaluation.objects.filter(project__in=public_projects())
        .order_by("project__code", "quarter")
        .values_list(
            "project__code",
            "project__fiscal_year__year_be",
            "quarter",
            "result_value",
            "criterion_21",
            "criterion_22",
            "project_score",
        )
    )
    yield from evaluations.iterator(chunk_size=CHUNK)


EVALUATION_COLUMNS = (
    Column("project_code", _("รหัสโครงการ")),
    Column("fiscal_year", _("ปีงบประมาณ (พ.ศ.)"), "integer"),
    Column("quarter", _("ไตรมาสที่"), "integer"),
    Column("result_value", _("ผลงาน"), "number"),
    Column("criterion_21", _("ผลประเมิน 2.1"), "number"),
    Column("criterion_22", _("ผลประเมิน 2.2"), "number"),
    Column("project_score", _("คะแนนประเมินโครงการ"), "number"),
)


# --- KPIs and their quarter results -----------------------------------------------------


def indicator_rows() -> Iterator[tuple]:
    public = public_projects().select_related("fiscal_year").only("code", "fiscal_year__year_be")
    indicators = (
        public_indicators()
        .prefetch_related(Prefetch("projects", queryset=public.order_by("code")))
        .order_by("code")
    )
    for indicator in indicators.iterator(chunk_size=CHUNK):
        projects = list(indicator.projects.all())
        years = sorted({project.fiscal_year.year_be for project in projects})
        yield (
            indicator.code,
            indicator.label,
            indicator.name,
            indicator.get_kind_display(),
            indicator.get_result_level_display(),
            indicator.get_unit_display(),
            indicator.target_level,
            indicator.achieved_level,
            indicator.definition,
            " ".join(str(year) for year in years),
            " ".join(project.code for project in projects),
        )


INDICATOR_COLUMNS = (
    Column("indicator_code", _("รหัสตัวชี้วัด")),
    Column("label", _("ชื่อย่อ")),
    Column("indicator_name", _("ชื่อตัวชี้วัด")),
    Column("kind", _("ประเภทตัวชี้วัด")),
    Column("result_level", _("ระดับผลของตัวชี้วัด")),
    Column("unit", _("หน่วยนับ")),
    Column("target_level", _("ค่าเป้าหมาย ระดับ"), "integer"),
    Column("achieved_level", _("ผลงานที่ทำได้ ระดับ"), "integer"),
    Column("definition", _("นิยาม หรือความหมายของตัวชี้วัด")),
    Column("fiscal_years", _("ปีงบประมาณของโครงการที่สนับสนุน (คั่นด้วยช่องว่าง)")),
    Column("project_codes", _("รหัสโครงการที่สนับสนุน (คั่นด้วยช่องว่าง)")),
)


def indicator_result_rows() -> Iterator[tuple]:
    results = (
        IndicatorQuarterResult.objects.filter(indicator__in=public_indicators())
        .order_by("indicator__code", "fiscal_year__year_be", "quarter")
        .values_list(
            "indicator__code",
            "fiscal_year__year_be",
            "quarter",
            "achieved_level",
            "criterion_21",
            "criterion_22",
        )
    )
    yield from results.iterator(chunk_size=CHUNK)


INDICATOR_RESULT_COLUMNS = (
    Column("indicator_code", _("รหัสตัวชี้วัด")),
    Column("fiscal_year", _("ปีงบประมาณ (พ.ศ.)"), "integer"),
    Column("quarter", _("ไตรมาสที่"), "integer"),
    Column("achieved_level", _("ผลงานที่ทำได้ ระดับ"), "integer"),
    Column("criterion_21", _("ผลประเมิน 2.1"), "number"),
    Column("criterion_22", _("ผลประเมิน 2.2"), "number"),
)


# --- budget -----------------------------------------------------------------------------


def budget_rows() -> Iterator[tuple]:
    projects = (
        public_projects()
        .filter(budget_allocated__isnull=False)
        .with_budget()
        .order_by("code")
        .values_list(
            "code",
            "fiscal_year__year_be",
            "agency__code",
            "budget_type__name",
            "budget_source",
            "budget_allocated",
            "budget_after",
        )
    )
    sources = dict(BudgetSource.choices)
    for code, year, agency, kind, source, allocated, after in projects.iterator(chunk_size=CHUNK):
        after = _two_places(after)
        yield (
            code,
            year,
            agency,
            kind,
            sources.get(source, source),
            allocated,
            after - allocated,
            after,
        )


BUDGET_COLUMNS = (
    Column("project_code", _("รหัสโครงการ")),
    Column("fiscal_year", _("ปีงบประมาณ (พ.ศ.)"), "integer"),
    Column("agency_code", _("รหัสหน่วยงาน")),
    Column("budget_type", _("ประเภทงบประมาณ")),
    Column("budget_source", _("แหล่งงบประมาณ")),
    Column("allocated", _("งบประมาณที่ได้รับจัดสรร (บาท)"), "number"),
    Column("transfers_total", _("โอนเปลี่ยนแปลงสุทธิ (บาท)"), "number"),
    Column("after_transfers", _("งบประมาณหลังโอนเปลี่ยนแปลง (บาท)"), "number"),
)


def transfer_rows() -> Iterator[tuple]:
    transfers = (
        BudgetTransfer.objects.filter(project__in=public_projects())
        .order_by("project__code", "transferred_on", "pk")
        .values_list(
            "pk",
            "project__code",
            "project__fiscal_year__year_be",
            "transferred_on",
            "amount",
            "reason",
        )
    )
    yield from transfers.iterator(chunk_size=CHUNK)


TRANSFER_COLUMNS = (
    Column("transfer_id", _("เลขที่รายการโอน"), "integer"),
    Column("project_code", _("รหัสโครงการ")),
    Column("fiscal_year", _("ปีงบประมาณ (พ.ศ.)"), "integer"),
    Column("transferred_on", _("วันที่โอน"), "date"),
    Column("amount", _("จำนวนเงิน (บาท; โอนออกเป็นค่าลบ)"), "number"),
    Column("reason", _("เหตุผล")),
)


DATASETS: tuple[DataSet, ...] = (
    DataSet(
        "projects",
        _("โครงการตามแผนปฏิบัติราชการกรุงเทพมหานคร"),
        _(
            "โครงการของหน่วยงานกรุงเทพมหานคร ปีละหนึ่งแถวต่อโครงการ: ชื่อ หน่วยงาน "
            "ปีงบประมาณ หลักการและเหตุผล วัตถุประสงค์ เป้าหมาย ยุทธศาสตร์ที่สนับสนุน "
            "ตัวชี้วัด และความคืบหน้าล่าสุดที่อนุมัติแล้ว"
        ),
        (_("โครงการ"), _("แผนปฏิบัติราชการ"), _("ความคืบหน้า")),
        _("โครงการ"),
        PROJECT_COLUMNS,
        ("project_code",),
        project_rows,
        statistical=False,
    ),
    DataSet(
        "monthly_progress",
        _("ผลการดำเนินงานโครงการรายเดือน"),
        _(
            "รายงานผลการดำเนินงานประจำเดือนของแต่ละโครงการที่หัวหน้าหน่วยงานอนุมัติแล้ว: "
            "ความคืบหน้าสะสม ผลการดำเนินงาน ปัญหา อุปสรรค และยอดก่อหนี้ผูกพันและเบิกจ่ายสะสม"
        ),
        (_("ผลการดำเนินงาน"), _("ความคืบหน้า"), _("รายเดือน"), _("เบิกจ่าย")),
        _("ร้อยละ"),
        PROGRESS_COLUMNS,
        ("project_code", "period"),
        progress_rows,
    ),
    DataSet(
        "quarter_evaluations",
        _("ผลการประเมินโครงการรายไตรมาส"),
        _("ผลงานและผลการประเมินโครงการรายไตรมาสโดยสำนักยุทธศาสตร์และประเมินผล (สยป.)"),
        (_("การประเมินผล"), _("รายไตรมาส"), _("โครงการ")),
        _("คะแนน"),
        EVALUATION_COLUMNS,
        ("project_code", "quarter"),
        evaluation_rows,
        frequency=(_("ไตรมาส"), 1),
    ),
    DataSet(
        "indicators",
        _("ตัวชี้วัดตามแผนพัฒนากรุงเทพมหานคร"),
        _("ตัวชี้วัดของหน่วยงาน: ประเภท ระดับผล หน่วยนับ ค่าเป้าหมาย ผลงานที่ทำได้ นิยาม และโครงการที่สนับสนุน"),
        (_("ตัวชี้วัด"), _("KPI"), _("แผนพัฒนากรุงเทพมหานคร")),
        _("ระดับ"),
        INDICATOR_COLUMNS,
        ("indicator_code",),
        indicator_rows,
        year_column="fiscal_years",
        statistical=False,
    ),
    DataSet(
        "indicator_results",
        _("ผลตัวชี้วัดรายไตรมาส"),
        _("ผลงานที่ทำได้ (ระดับ 1–5) และผลการประเมินเกณฑ์ 2.1 / 2.2 ของตัวชี้วัดรายไตรมาส"),
        (_("ตัวชี้วัด"), _("รายไตรมาส"), _("การประเมินผล")),
        _("ระดับ"),
        INDICATOR_RESULT_COLUMNS,
        ("indicator_code", "fiscal_year", "quarter"),
        indicator_result_rows,
        frequency=(_("ไตรมาส"), 1),
    ),
    DataSet(
        "budget",
        _("งบประมาณโครงการ"),
        _(
            "งบประมาณที่ได้รับจัดสรร การโอนเปลี่ยนแปลงสุทธิ และงบประมาณหลังโอนเปลี่ยนแปลง "
            "ของโครงการที่มีงบประมาณ (ยอดก่อหนี้ผูกพันและเบิกจ่ายสะสมรายเดือนอยู่ในชุดข้อมูล "
            "ผลการดำเนินงานโครงการรายเดือน)"
        ),
        (_("งบประมาณ"), _("โครงการ"), _("การเงินการคลัง")),
        _("บาท"),
        BUDGET_COLUMNS,
        ("project_code",),
        budget_rows,
    ),
    DataSet(
        "budget_transfers",
        _("การโอนเปลี่ยนแปลงงบประมาณโครงการ"),
        _("รายการโอนงบประมาณเข้า (บวก) และออก (ลบ) ของโครงการ พร้อมวันที่และเหตุผล"),
        (_("งบประมาณ"), _("การโอนเปลี่ยนแปลง"), _("การเงินการคลัง")),
        _("บาท"),
        TRANSFER_COLUMNS,
        ("transfer_id",),
        transfer_rows,
        statistical=False,
    ),
)

BY_NAME = {dataset.name: dataset for dataset in DATASETS}


def dataset_rows(dataset: DataSet) -> Iterator[tuple]:
    """The header, then the rows."""
    yield dataset.header
    yield from dataset.rows()
