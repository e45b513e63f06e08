"""Forms of the evaluation screens: server-side validation with Thai messages.

Number fields are plain text inputs (inputmode=decimal) rather than type=number: they
accept Thai digits (๐–๙), do not change value under the mouse wheel, and leave every
message to the server, in Thai, next to the field.
"""

import dataclasses
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from indicators.services import EvaluationValues, IndicatorResultValues
from projects.form_helpers import (
    ErrorsDescribedMixin,
    LengthLimitsMixin,
    ThaiDecimalField,
    hidden_errors_to_form,
    limit_lengths,
)
from projects.templatetags import thai

HUNDRED = Decimal(100)


def _score_field(label):
    return ThaiDecimalField(
        label=label,
        min_value=Decimal(0),
        max_value=HUNDRED,
        max_digits=5,
        decimal_places=2,
        widget=forms.TextInput(attrs={"class": "score-input", "size": 5}),
    )


class ScoredQuarterForm(LengthLimitsMixin, ErrorsDescribedMixin, forms.Form):
    """One scored quarter row (indicators.models.ScoredQuarterRow): the criteria 2.1 / 2.2,
    a comment and the version it was loaded at. Subclasses add their own values and name
    the dataclass the service takes (``values_class``) and their fields' order."""

    values_class: type
    criterion_21 = _score_field(_("ผลประเมิน 2.1"))
    criterion_22 = _score_field(_("ผลประเมิน 2.2"))
    comment = forms.CharField(
        label=_("ความเห็น"),
        required=False,
        max_length=2000,
        widget=forms.TextInput(attrs={"class": "comment-input", "autocomplete": "off"}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def clean(self):
        cleaned = super().clean()
        hidden_errors_to_form(self)
        return cleaned

    def values(self):
        data = self.cleaned_data
        names = [f.name for f in dataclasses.fields(self.values_class)]
        return self.values_class(
            **{n: data[n].strip() if n == "comment" else data[n] for n in names}
        )

    def stored_values(self, row) -> list[tuple[str, str]]:
        """(label, value as the page shows it) of each field of ``row``, a stored row shown
        beside what was typed (the conflict message)."""
        return [
            (str(field.label), _shown(name, getattr(row, name)))
            for name, field in self.fields.items()
            if name != "version"
        ]


def _shown(name: str, value) -> str:
    if name in ("criterion_21", "criterion_22"):
        return thai.score(value)  # 0 when not scored, as the seed prints it
    if value is None or value == "":
        return "-"
    if name == "project_score":
        return thai.score(value)
    if isinstance(value, Decimal):
        return thai.pct(value)
    return str(value)


class QuarterEvaluationForm(ScoredQuarterForm):
    """One row of the evaluation screen."""

    values_class = EvaluationValues
    field_order = ["result_value", "criterion_21", "criterion_22", "project_score", "comment"]
    result_value = ThaiDecimalField(
        label=_("ผลงาน"),
        min_value=Decimal(0),
        max_digits=7,
        decimal_places=2,
        widget=forms.TextInput(attrs={"class": "score-input", "size": 6}),
    )
    project_score = _score_field(_("คะแนนโครงการ"))


class IndicatorQuarterForm(ScoredQuarterForm):
    """One quarter of a KPI: the achieved level and the criteria 2.1 / 2.2."""

    values_class = IndicatorResultValues
    field_order = ["achieved_level", "criterion_21", "criterion_22", "comment"]
    achieved_level = forms.TypedChoiceField(
        label=_("ผลงานที่ทำได้ ระดับ"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "-")] + [(str(level), str(level)) for level in range(1, 6)],
        error_messages={"invalid_choice": _("ระดับต้องเป็น 1 ถึง 5")},
    )


class IndicatorCriteriaForm(ErrorsDescribedMixin, forms.Form):
    """What each level 1–5 of a KPI means (เกณฑ์การประเมิน)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for level in range(1, 6):
            self.fields[f"level_{level}"] = forms.CharField(
                label=_("ระดับ %(level)d") % {"level": level},
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        limit_lengths(self)

    def descriptions(self) -> dict[int, str]:
        return {level: self.cleaned_data[f"level_{level}"] for level in range(1, 6)}


class QuarterReopenForm(LengthLimitsMixin, ErrorsDescribedMixin, forms.Form):
    reason = forms.CharField(
        label=_("เหตุผลที่เปิดไตรมาสอีกครั้ง"),
        max_length=1000,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={
            "required": _("กรุณาระบุเหตุผลที่เปิดไตรมาสอีกครั้ง"),
        },
    )
