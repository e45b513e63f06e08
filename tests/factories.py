"""factory-boy factories for every model of projects/ and indicators/.

Defaults are plain, valid and Thai where people read them. Dates fall in the project's
fiscal year; the fiscal year defaults to the current one (the one the demo and the
monthly workflows use). Examples:

    project = ProjectFactory(fiscal_year__year_be=2564)
    PlanStepFactory.create_batch(4, project=project, weight=Decimal(25))
    ProgressEntryFactory(project=project, reported_on=dt.date(2021, 9, 22), percent=100)
    UserFactory(role=User.Role.STAFF, agency=project.agency)
    UserFactory(evaluator=True)          # no agency
    IndicatorFactory(projects=[project])

Agencies report directly (``reports_need_approval=False``), as before issue 15: tests of
approval say so, ``AgencyFactory(reports_need_approval=True)`` or ``UserFactory(head=True)``.
"""

import datetime as dt
from decimal import Decimal

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from indicators.models import (
    Indicator,
    IndicatorLevel,
    IndicatorQuarterResult,
    QuarterEvaluation,
    QuarterLock,
    QuarterLockEvent,
)
from projects import thaidates
from projects.models import (
    Agency,
    ApprovalDelegation,
    EvidenceFile,
    FiscalYear,
    MonthReopening,
    PlanStep,
    ProgressEntry,
    Project,
    ProjectObjective,
    ReportingDeadline,
    ReportSubmission,
    ReportTransition,
    StrategyLink,
    User,
)

DEMO_PASSWORD = "demo"


def current_fiscal_year_be() -> int:
    return thaidates.fiscal_year_of(timezone.localdate())


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("code",)

    # Eight digits like the BMA's: 0100 0000 is the council secretariat, keep clear of it.
    code = factory.Sequence(lambda n: f"{n + 5000:04d}0000")
    name = factory.Sequence(lambda n: f"สำนักงานทดสอบที่ {n + 1}")
    short_name = factory.Sequence(lambda n: f"สนท.{n + 1}")
    reports_need_approval = False


class FiscalYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FiscalYear
        django_get_or_create = ("year_be",)

    year_be = factory.LazyFunction(current_fiscal_year_be)


class UserFactory(factory.django.DjangoModelFactory):
    """Agency staff by default; traits ``evaluator``, ``manager`` and ``admin`` have no agency."""

    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    class Params:
        evaluator = factory.Trait(role=User.Role.EVALUATOR, agency=None)
        manager = factory.Trait(role=User.Role.MANAGER, agency=None)
        admin = factory.Trait(role=User.Role.ADMIN, agency=None, is_staff=True)
        head = factory.Trait(role=User.Role.HEAD)

    username = factory.Sequence(lambda n: f"user{n + 1}")
    first_name = factory.Sequence(lambda n: f"ผู้ใช้{n + 1}")
    last_name = "ทดสอบ"
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.test")
    role = User.Role.STAFF
    agency = factory.SubFactory(AgencyFactory)
    password = factory.django.Password(DEMO_PASSWORD)


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project
        django_get_or_create = ("code",)

    agency = factory.SubFactory(AgencyFactory)
    fiscal_year = factory.SubFactory(FiscalYearFactory)
    code = factory.LazyAttributeSequence(lambda o, n: f"{o.agency.code}-{n + 1:04d}")
    name = factory.Sequence(lambda n: f"โครงการทดสอบที่ {n + 1}")
    responsible = "นางสาวทดสอบ ใจดี"
    responsible_phone = "1234"
    rationale = "เพื่อทดสอบระบบติดตามความคืบหน้าโครงการ"
    budget_code = factory.LazyAttribute(lambda o: o.agency.code)
    organisation_code = factory.LazyAttribute(lambda o: o.agency.code)
    targets = "-"


class ProjectObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectObjective

    project = factory.SubFactory(ProjectFactory)
    order = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"วัตถุประสงค์ข้อที่ {n + 1}")


class StrategyLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StrategyLink

    project = factory.SubFactory(ProjectFactory)
    order = factory.Sequence(lambda n: n + 1)
    text = "**** ภารกิจงานประจำของหน่วยงาน ****"


class PlanStepFactory(factory.django.DjangoModelFactory):
    """A step of one month from the start of the project's fiscal year."""

    class Meta:
        model = PlanStep

    project = factory.SubFactory(ProjectFactory)
    order = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"ขั้นตอนทดสอบที่ {n + 1}")
    weight = Decimal("10.00")
    starts_on = factory.LazyAttribute(lambda o: o.project.fiscal_year.starts_on)
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + dt.timedelta(days=30))


class ProgressEntryFactory(factory.django.DjangoModelFactory):
    """A monthly report; ``period`` is the first day of ``reported_on``'s month."""

    class Meta:
        model = ProgressEntry

    project = factory.SubFactory(ProjectFactory)
    reported_on = factory.LazyAttribute(
        lambda o: o.project.fiscal_year.starts_on + dt.timedelta(days=21)
    )
    period = factory.LazyAttribute(lambda o: ProgressEntry.period_of(o.reported_on))
    percent = Decimal("10.00")
    narrative = factory.Sequence(lambda n: f"ดำเนินการตามแผน รายงานครั้งที่ {n + 1}")
    problems = "ไม่มี"
    obstacles = "ไม่มี"


class IndicatorFactory(factory.django.DjangoModelFactory):
    """A KPI; ``IndicatorFactory(projects=[p1, p2])`` links it to projects."""

    class Meta:
        model = Indicator
        django_get_or_create = ("code",)
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"5000-{n + 1:03d}")
    label = factory.Sequence(lambda n: f"อ.{n + 1}/1")
    name = factory.Sequence(lambda n: f"ระดับความสำเร็จของตัวชี้วัดทดสอบที่ {n + 1}")
    kind = Indicator.Kind.STRATEGIC
    result_level = Indicator.ResultLevel.OUTPUT
    unit = Indicator.Unit.LEVEL
    target_level = 5
    achieved_level = None

    @factory.post_generation
    def projects(self, create, extracted, **kwargs):
        if create and extracted:
            self.projects.add(*extracted)


class QuarterEvaluationFactory(factory.django.DjangoModelFactory):
    """สยป.'s scores for one quarter; all None means not scored yet."""

    class Meta:
        model = QuarterEvaluation

    project = factory.SubFactory(ProjectFactory)
    quarter = 1
    result_value = None
    criterion_21 = None
    criterion_22 = None
    project_score = None


class IndicatorLevelFactory(factory.django.DjangoModelFactory):
    """What level N of a KPI means (เกณฑ์การประเมิน)."""

    class Meta:
        model = IndicatorLevel

    indicator = factory.SubFactory(IndicatorFactory)
    level = 1
    description = factory.LazyAttribute(lambda o: f"ดำเนินการได้ระดับ {o.level}")


class IndicatorQuarterResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndicatorQuarterResult

    indicator = factory.SubFactory(IndicatorFactory)
    fiscal_year = factory.SubFactory(FiscalYearFactory)
    quarter = 1
    achieved_level = None
    criterion_21 = None
    criterion_22 = None


class QuarterLockFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuarterLock
        django_get_or_create = ("fiscal_year", "quarter")

    fiscal_year = factory.SubFactory(FiscalYearFactory)
    quarter = 1
    is_locked = False


class QuarterLockEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuarterLockEvent

    lock = factory.SubFactory(QuarterLockFactory)
    action = QuarterLockEvent.Action.LOCK
    by = factory.SubFactory(UserFactory, evaluator=True)
    reason = ""


class ReportingDeadlineFactory(factory.django.DjangoModelFactory):
    """Moves one month's deadline: by default the report of October 2020 is due 15 Nov."""

    class Meta:
        model = ReportingDeadline
        django_get_or_create = ("period",)

    period = dt.date(2020, 10, 1)
    due_on = factory.LazyAttribute(lambda o: thaidates.add_months(o.period, 1).replace(day=15))
    note = "วันหยุดราชการ"


class MonthReopeningFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MonthReopening

    project = factory.SubFactory(ProjectFactory)
    period = factory.LazyAttribute(lambda o: o.project.fiscal_year.starts_on)
    until = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=7))
    reason = "หน่วยงานขอแก้ไขรายงาน"
    reopened_by = factory.SubFactory(UserFactory, evaluator=True)


class EvidenceFileFactory(factory.django.DjangoModelFactory):
    """A small PDF attached to an entry; the file lands in MEDIA_ROOT (use the ``settings``
    fixture to point MEDIA_ROOT at ``tmp_path``)."""

    class Meta:
        model = EvidenceFile

    entry = factory.SubFactory(ProgressEntryFactory)
    original_name = "หนังสือเชิญ.pdf"
    content_type = "application/pdf"
    extension = ".pdf"
    file = factory.LazyAttribute(lambda o: ContentFile(b"%PDF-1.4\n%%EOF\n", name="evidence.pdf"))
    size = factory.LazyAttribute(lambda o: o.file.size)
    uploaded_by = factory.SubFactory(UserFactory)


class ReportSubmissionFactory(factory.django.DjangoModelFactory):
    """A month's report on its way to approval, a draft by default. Any state may be set
    directly (``state=ReportSubmission.State.APPROVED`` with its ``entry``): the moves
    themselves are projects/approvals.py's. A sent one has its ``submitted_at``."""

    class Meta:
        model = ReportSubmission

    project = factory.SubFactory(
        ProjectFactory, agency=factory.SubFactory(AgencyFactory, reports_need_approval=True)
    )
    period = factory.LazyAttribute(lambda o: o.project.fiscal_year.starts_on)
    reported_on = factory.LazyAttribute(lambda o: o.period + dt.timedelta(days=20))
    percent = Decimal("40.00")
    narrative = "ดำเนินการตามแผน รอหัวหน้าหน่วยงานอนุมัติ"
    state = ReportSubmission.State.DRAFT
    submitted_at = factory.LazyAttribute(
        lambda o: None if o.state == ReportSubmission.State.DRAFT else timezone.now()
    )
    created_by = factory.SubFactory(UserFactory, agency=factory.SelfAttribute("..project.agency"))
    updated_by = factory.SelfAttribute("created_by")


class ReportTransitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportTransition

    submission = factory.SubFactory(ReportSubmissionFactory)
    from_state = ""
    to_state = ReportSubmission.State.DRAFT
    by = factory.SelfAttribute("submission.created_by")


# --- Approval of monthly reports (issue 15) ---------------------------------------------------


class SubmittedReportFactory(factory.django.DjangoModelFactory):
    """A month's report submitted to the head of its agency (ส่งแล้ว รออนุมัติ), made
    directly (not through approvals.report_save): by default October's of the project's
    year, submitted on time by a staff member of its agency."""

    class Meta:
        model = ReportSubmission

    project = factory.SubFactory(ProjectFactory)
    period = factory.LazyAttribute(lambda o: o.project.fiscal_year.starts_on)
    state = ReportSubmission.State.SUBMITTED
    reported_on = factory.LazyAttribute(lambda o: o.period + dt.timedelta(days=21))
    percent = Decimal("20.00")
    narrative = factory.Sequence(lambda n: f"ดำเนินการตามแผน รอหัวหน้าอนุมัติ ครั้งที่ {n + 1}")
    problems = "ไม่มี"
    obstacles = "ไม่มี"
    submitted_by = factory.SubFactory(UserFactory, agency=factory.SelfAttribute("..project.agency"))
    submitted_at = factory.LazyFunction(timezone.now)
    created_by = factory.SelfAttribute("submitted_by")
    updated_by = factory.SelfAttribute("submitted_by")


class ApprovalDelegationFactory(factory.django.DjangoModelFactory):
    """A head hands approval to a deputy of the same agency, from today for a week."""

    class Meta:
        model = ApprovalDelegation

    agency = factory.SubFactory(AgencyFactory)
    head = factory.SubFactory(
        UserFactory, role=User.Role.HEAD, agency=factory.SelfAttribute("..agency")
    )
    deputy = factory.SubFactory(UserFactory, agency=factory.SelfAttribute("..agency"))
    starts_on = factory.LazyFunction(timezone.localdate)
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + dt.timedelta(days=6))


def project_with_steps(weights=(20, 30, 50), *, year_be=2569, **project_fields):
    """A project of fiscal year ``year_be`` whose plan has one step per weight, in order:
    the reporting tests' usual project (their fixtures add the agency's staff)."""
    project = ProjectFactory(fiscal_year=FiscalYearFactory(year_be=year_be), **project_fields)
    for order, weight in enumerate(weights, start=1):
        PlanStepFactory(project=project, order=order, weight=Decimal(weight))
    return project


def strategy_top_levels() -> dict:
    """The seven ด้าน and the routine node by code, as migration 0020 makes them (made
    again here: a transactional test's flush empties the table for the tests after it)."""
    import importlib

    from projects.models import StrategyNode

    migration = importlib.import_module("projects.migrations.0020_strategy_links_match")
    nodes = {}
    for order, (code, name) in enumerate(migration.PILLARS, start=1):
        nodes[code], _created = StrategyNode.objects.get_or_create(
            code=code, defaults={"level": "pillar", "name": name, "order": order}
        )
    nodes["R"], _created = StrategyNode.objects.get_or_create(
        code="R", defaults={"level": "routine", "name": migration.ROUTINE_TEXT, "order": 8}
    )
    return nodes
