"""Quarter evaluations and KPI quarter results are one kind of row, a scored quarter row:
one abstract model, one form base, one save helper and one conflict message."""

from decimal import Decimal

import pytest

from indicators.forms import IndicatorQuarterForm, QuarterEvaluationForm, ScoredQuarterForm
from indicators.models import IndicatorQuarterResult, QuarterEvaluation, ScoredQuarterRow
from tests.factories import UserFactory

SHARED = {
    "quarter",
    "criterion_21",
    "criterion_22",
    "comment",
    "evaluated_by",
    "evaluated_at",
    "version",
}


def test_both_rows_share_the_base_fields():
    base = {f.name for f in ScoredQuarterRow._meta.get_fields()}
    assert base == SHARED
    for model in (QuarterEvaluation, IndicatorQuarterResult):
        assert issubclass(model, ScoredQuarterRow)
        assert {f.name for f in model._meta.get_fields()} >= SHARED
    assert issubclass(QuarterEvaluationForm, ScoredQuarterForm)
    assert issubclass(IndicatorQuarterForm, ScoredQuarterForm)


@pytest.mark.django_db
def test_the_conflict_message_lists_the_stored_values_of_either_row():
    who = UserFactory(evaluator=True)
    evaluation = QuarterEvaluation(
        quarter=1,
        result_value=Decimal("15.00"),
        criterion_21=Decimal("60.00"),
        criterion_22=None,
        project_score=None,
        comment="",
        evaluated_by=who,
    )
    assert QuarterEvaluationForm().stored_values(evaluation) == [
        ("ผลงาน", "15.00"),
        ("ผลประเมิน 2.1", "60"),
        ("ผลประเมิน 2.2", "0"),
        ("คะแนนโครงการ", "-"),
        ("ความเห็น", "-"),
    ]
    result = IndicatorQuarterResult(
        quarter=2, achieved_level=3, criterion_21=Decimal("87.50"), comment="ดี"
    )
    assert IndicatorQuarterForm().stored_values(result) == [
        ("ผลงานที่ทำได้ ระดับ", "3"),
        ("ผลประเมิน 2.1", "87.5"),
        ("ผลประเมิน 2.2", "0"),
        ("ความเห็น", "ดี"),
    ]


def test_values_come_out_as_the_services_dataclass():
    form = IndicatorQuarterForm(
        {
            "achieved_level": "4",
            "criterion_21": "๘๐",
            "criterion_22": "",
            "comment": " ok ",
            "version": "2",
        }
    )
    assert form.is_valid(), form.errors
    values = form.values()
    assert (values.achieved_level, values.criterion_21, values.criterion_22, values.comment) == (
        4,
        Decimal("80"),
        None,
        "ok",
    )
