"""Quarterly evaluation by สยป. and the KPI pages: thin views over selectors and services.

Row saves answer an htmx request with the row alone (200 saved, 422 invalid, 409 saved by
somebody else meanwhile, 423 quarter closed; the page's htmx-config swaps those codes) and
a normal POST with a redirect (PRG) or, on error, a page holding only that row, so nothing
typed is lost either way.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from indicators import rows, selectors, services
from indicators.forms import (
    IndicatorCriteriaForm,
    IndicatorQuarterForm,
    QuarterEvaluationForm,
    QuarterReopenForm,
)
from indicators.models import Indicator, IndicatorQuarterResult, QuarterEvaluation
from indicators.permissions import can_view_evaluation_summary
from projects import list_filters
from projects.models import Agency, FiscalYear, Project
from projects.permissions import can_evaluate, can_read, require
from projects.view_helpers import pick

QUARTERS = (1, 2, 3, 4)
CENT = Decimal("0.01")


def _fiscal_year_and_quarter(year: int, quarter: int) -> FiscalYear:
    if quarter not in QUARTERS:
        raise Http404(_("ไม่มีไตรมาสนี้"))
    return get_object_or_404(FiscalYear, year_be=year)


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    # A path of this site only: redirect() would take "abc" for a URL name (NoReverseMatch,
    # a 500) and "abc/x" for a path relative to the page.
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


# --- Evaluation screen -------------------------------------------------------------------


@dataclass(kw_only=True)
class EvaluationRow(rows.ScoredRow):
    project: Project
    quarter: int
    locked: bool

    @property
    def evaluation(self):
        found = getattr(self.project, "evaluations_in_quarter", None)
        return found[0] if found else None

    @property
    def result_is_default(self) -> bool:
        evaluation = self.evaluation
        stored = evaluation.result_value if evaluation else None
        return stored is None and self.project.quarter_percent is not None

    @property
    def dom_id(self) -> str:
        return f"eval-{self.project.pk}"


def _row_prefix(project: Project) -> str:
    return f"p{project.pk}"


def _two_places(value: Decimal | None) -> Decimal | None:
    # SQLite hands a Subquery's decimal back unscaled (15 rather than 15.00).
    return None if value is None else value.quantize(CENT)


def _initial(project: Project) -> dict:
    found = getattr(project, "evaluations_in_quarter", None)
    evaluation = found[0] if found else None
    default = _two_places(project.quarter_percent)
    if evaluation is None:
        return {"result_value": default, "version": 0}
    return {
        "result_value": (
            evaluation.result_value if evaluation.result_value is not None else default
        ),
        "criterion_21": evaluation.criterion_21,
        "criterion_22": evaluation.criterion_22,
        "project_score": evaluation.project_score,
        "comment": evaluation.comment,
        "version": evaluation.version,
    }


def _row_form(project: Project, data=None) -> QuarterEvaluationForm:
    form = QuarterEvaluationForm(data, initial=_initial(project), prefix=_row_prefix(project))
    return rows.row_inputs(form, label=project.code)


@login_required
@require(can_evaluate)
def evaluation_home(request):
    years = list(FiscalYear.objects.all())
    fiscal_year = selectors.default_fiscal_year(years)
    if fiscal_year is None:
        return render(request, "indicators/evaluation_empty.html")
    return redirect(
        "indicators:evaluation",
        year=fiscal_year.year_be,
        quarter=selectors.default_quarter(fiscal_year),
    )


@login_required
@require(can_evaluate)
def evaluation_quarter(request, year: int, quarter: int):
    """The evaluation screen: every project of the fiscal year, one row form each."""
    fiscal_year = _fiscal_year_and_quarter(year, quarter)
    years = list(FiscalYear.objects.all())
    agencies = list(Agency.objects.all())
    agency = pick(agencies, "code", request.GET.get("agency"))
    query = (request.GET.get("q") or "").strip()[:200]
    status = request.GET.get("status") or ""
    if status not in selectors.Status.CHOICES:
        status = selectors.Status.ALL
    projects = selectors.evaluation_projects(
        fiscal_year=fiscal_year, quarter=quarter, agency=agency, query=query, status=status
    )
    page = Paginator(projects, settings.BMA_PROJECTS_PAGE_SIZE).get_page(request.GET.get("page"))
    lock = selectors.lock_state(fiscal_year=fiscal_year, quarter=quarter)
    rows = [
        EvaluationRow(project=p, quarter=quarter, form=_row_form(p), locked=lock.is_locked)
        for p in page
    ]
    template_name = "indicators/evaluation_quarter.html"
    if request.htmx and request.htmx.target == "eval-results":
        template_name += "#results"
    return render(
        request,
        template_name,
        {
            "fiscal_year": fiscal_year,
            "quarter": quarter,
            "quarters": QUARTERS,
            "years": years,
            "agencies": agencies,
            "agency": agency,
            "query": query,
            "status": status,
            "page": page,
            "rows": rows,
            "lock": lock,
            "counts": selectors.evaluation_counts(
                fiscal_year=fiscal_year, quarter=quarter, agency=agency
            ),
            "reopen_form": QuarterReopenForm(),
        },
    )


@login_required
@require(can_evaluate)
@require_POST
def evaluation_row_save(request, year: int, quarter: int, code: str):
    fiscal_year = _fiscal_year_and_quarter(year, quarter)
    project = selectors.evaluation_row(fiscal_year=fiscal_year, quarter=quarter, code=code)
    screen = reverse("indicators:evaluation", args=[year, quarter])
    status, form, conflict, locked_now = rows.save_row(
        request,
        lambda data: _row_form(project, data),
        version_field=f"{_row_prefix(project)}-version",
        save=lambda form: services.quarter_evaluation_save(
            project=project,
            quarter=quarter,
            version=form.cleaned_data["version"],
            values=form.values(),
            user=request.user,
        ),
    )
    if status == 200 and not request.htmx:
        messages.success(
            request,
            _("บันทึกผลการประเมิน %(code)s ไตรมาสที่ %(quarter)d แล้ว")
            % {"code": project.code, "quarter": quarter},
        )
        return redirect(_safe_next(request, screen))
    if status in (200, 409):
        # Show the row as it is stored now (saved, or saved by somebody else).
        project = selectors.evaluation_row(fiscal_year=fiscal_year, quarter=quarter, code=code)
    if status == 200:
        form = _row_form(project)
    row = EvaluationRow(
        project=project,
        quarter=quarter,
        form=form,
        locked=locked_now,
        saved=status == 200,
        conflict=conflict,
        locked_now=locked_now,
    )
    context = {
        "row": row,
        "fiscal_year": fiscal_year,
        "quarter": quarter,
        "next": _safe_next(request, screen),
    }
    if request.htmx:
        return render(request, "indicators/evaluation_quarter.html#row", context, status=status)
    return render(request, "indicators/evaluation_row_page.html", context, status=status)


@login_required
@require(can_evaluate)
@require_POST
def evaluation_lock(request, year: int, quarter: int):
    fiscal_year = _fiscal_year_and_quarter(year, quarter)
    try:
        services.quarter_lock(fiscal_year=fiscal_year, quarter=quarter, user=request.user)
    except services.LockStateError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("ปิดไตรมาสที่ %(quarter)d ปีงบประมาณ %(year)d แล้ว ผลการประเมินแก้ไขไม่ได้จนกว่าจะเปิดอีกครั้ง")
            % {"quarter": quarter, "year": year},
        )
    return redirect("indicators:evaluation", year=year, quarter=quarter)


@login_required
@require(can_evaluate)
def evaluation_reopen(request, year: int, quarter: int):
    """GET: the reopen form alone (keyboard users land on it); POST: reopen with a reason."""
    fiscal_year = _fiscal_year_and_quarter(year, quarter)
    lock = selectors.lock_state(fiscal_year=fiscal_year, quarter=quarter)
    form = QuarterReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.quarter_reopen(
                fiscal_year=fiscal_year,
                quarter=quarter,
                user=request.user,
                reason=form.cleaned_data["reason"],
            )
        except services.LockStateError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("เปิดไตรมาสที่ %(quarter)d ปีงบประมาณ %(year)d อีกครั้งแล้ว")
                % {"quarter": quarter, "year": year},
            )
        return redirect("indicators:evaluation", year=year, quarter=quarter)
    return render(
        request,
        "indicators/quarter_reopen.html",
        {"fiscal_year": fiscal_year, "quarter": quarter, "lock": lock, "form": form},
        status=422 if request.method == "POST" else 200,
    )


@login_required
@require(can_view_evaluation_summary)
def evaluation_summary(request, year: int):
    fiscal_year = get_object_or_404(FiscalYear, year_be=year)
    agencies, totals = selectors.evaluation_summary(fiscal_year)
    return render(
        request,
        "indicators/evaluation_summary.html",
        {
            "fiscal_year": fiscal_year,
            "years": list(FiscalYear.objects.all()),
            "agencies": agencies,
            "totals": totals,
            "quarters": QUARTERS,
            "locked": selectors.locked_quarters(fiscal_year),
            "can_score": can_evaluate(request.user),
        },
    )


@login_required
@require(can_view_evaluation_summary)
def evaluation_summary_projects(request, year: int, quarter: int):
    """Drill-down of the summary: the projects of one quarter (and agency), read-only."""
    fiscal_year = _fiscal_year_and_quarter(year, quarter)
    agency = (
        get_object_or_404(Agency, code=request.GET["agency"]) if request.GET.get("agency") else None
    )
    status = request.GET.get("status") or ""
    if status not in selectors.Status.CHOICES:
        status = selectors.Status.ALL
    page = Paginator(
        selectors.evaluation_projects(
            fiscal_year=fiscal_year, quarter=quarter, agency=agency, status=status
        ),
        settings.BMA_PROJECTS_PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "indicators/evaluation_summary_projects.html",
        {
            "fiscal_year": fiscal_year,
            "quarter": quarter,
            "agency": agency,
            "status": status,
            "page": page,
            "can_score": can_evaluate(request.user),
        },
    )


@login_required
@require(can_view_evaluation_summary)
def evaluation_summary_home(request):
    fiscal_year = selectors.default_fiscal_year(list(FiscalYear.objects.all()))
    if fiscal_year is None:
        return render(request, "indicators/evaluation_empty.html")
    return redirect("indicators:summary", year=fiscal_year.year_be)


# --- History -----------------------------------------------------------------------------


@login_required
@require(can_read)
def project_evaluation_history(request, code: str):
    project = get_object_or_404(Project.objects.select_related("agency", "fiscal_year"), code=code)
    page = Paginator(
        selectors.project_evaluation_history(project), settings.BMA_PROJECTS_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "indicators/evaluation_history.html",
        {
            "project": project,
            "page": page,
            "entries": selectors.history_entries(
                page, QuarterEvaluation, selectors.EVALUATION_FIELDS
            ),
        },
    )


@login_required
@require(can_evaluate)
def quarter_evaluation_history(request, year: int, quarter: int):
    fiscal_year = _fiscal_year_and_quarter(year, quarter)
    page = Paginator(
        selectors.quarter_evaluation_history(fiscal_year=fiscal_year, quarter=quarter),
        settings.BMA_PROJECTS_PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "indicators/evaluation_history.html",
        {
            "fiscal_year": fiscal_year,
            "quarter": quarter,
            "page": page,
            "entries": selectors.history_entries(
                page, QuarterEvaluation, selectors.EVALUATION_FIELDS
            ),
            "lock": selectors.lock_state(fiscal_year=fiscal_year, quarter=quarter, events=50),
        },
    )


# --- KPIs --------------------------------------------------------------------------------


@login_required
@require(can_read)
def indicator_list(request):
    """The KPIs, filtered and searched; without any filter it starts on the current year
    and the staff's agency, as the project list does (projects/list_filters.py)."""
    if start := list_filters.redirect_to_start(request):
        return start
    years = list(FiscalYear.objects.all())
    agencies = list(Agency.objects.all())
    fiscal_year = pick(years, "year_be", request.GET.get("year"))
    agency = pick(agencies, "code", request.GET.get("agency"))
    query = (request.GET.get("q") or "").strip()[:200]
    kind = request.GET.get("kind") or ""
    if kind not in Indicator.Kind.values:
        kind = ""
    page = Paginator(
        selectors.indicator_list(query=query, kind=kind, fiscal_year=fiscal_year, agency=agency),
        settings.BMA_PROJECTS_PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    template_name = "indicators/indicator_list.html"
    if request.htmx and request.htmx.target == "kpi-results":
        template_name += "#results"
    return render(
        request,
        template_name,
        {
            "page": page,
            "query": query,
            "kind": kind,
            "kinds": Indicator.Kind.choices,
            "years": years,
            "fiscal_year": fiscal_year,
            "agencies": agencies,
            "agency": agency,
        },
    )


@dataclass(kw_only=True)
class IndicatorRow(rows.ScoredRow):
    indicator: Indicator
    fiscal_year: FiscalYear
    row: selectors.IndicatorQuarterRow

    @property
    def quarter(self) -> int:
        return self.row.quarter

    @property
    def locked(self) -> bool:
        return self.row.locked or self.locked_now

    @property
    def dom_id(self) -> str:
        return f"kpi-q{self.row.quarter}"


def _indicator_form(row: selectors.IndicatorQuarterRow, data=None) -> IndicatorQuarterForm:
    result = row.result
    initial = {"version": row.version}
    if result is not None:
        initial.update(
            achieved_level=result.achieved_level,
            criterion_21=result.criterion_21,
            criterion_22=result.criterion_22,
            comment=result.comment,
        )
    form = IndicatorQuarterForm(data, initial=initial, prefix=f"q{row.quarter}")
    return rows.row_inputs(form, label=_("ไตรมาสที่ %(quarter)d") % {"quarter": row.quarter})


@login_required
@require(can_read)
def indicator_detail(request, code: str):
    indicator = selectors.indicator_for_page(code)
    years = list(FiscalYear.objects.all())
    fiscal_year = pick(years, "year_be", request.GET.get("year")) or (
        selectors.indicator_default_year(indicator, years)
    )
    rows = []
    if fiscal_year is not None:
        rows = [
            IndicatorRow(
                indicator=indicator, fiscal_year=fiscal_year, row=r, form=_indicator_form(r)
            )
            for r in selectors.indicator_quarter_rows(indicator, fiscal_year)
        ]
    projects = Paginator(
        selectors.indicator_projects(indicator), settings.BMA_PROJECTS_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    scored = [item for item in rows if item.row.result and item.row.result.achieved_level]
    history = selectors.history_entries(
        selectors.indicator_result_history(indicator)[:10],
        IndicatorQuarterResult,
        selectors.INDICATOR_RESULT_FIELDS,
    )
    return render(
        request,
        "indicators/indicator_detail.html",
        {
            "indicator": indicator,
            "headline": scored[-1] if scored else None,
            "history": history,
            "levels": list(indicator.levels.all()),
            "years": years,
            "fiscal_year": fiscal_year,
            "rows": rows,
            "projects": projects,
            "can_score": can_evaluate(request.user),
        },
    )


@login_required
@require(can_evaluate)
@require_POST
def indicator_quarter_save(request, code: str, year: int, quarter: int):
    fiscal_year = _fiscal_year_and_quarter(year, quarter)
    indicator = get_object_or_404(Indicator, code=code)
    row = selectors.indicator_quarter_rows(indicator, fiscal_year)[quarter - 1]
    page = reverse("indicators:detail", args=[code]) + f"?year={year}"
    status, form, conflict, locked_now = rows.save_row(
        request,
        lambda data: _indicator_form(row, data),
        version_field=f"q{quarter}-version",
        save=lambda form: services.indicator_level_set(
            indicator=indicator,
            fiscal_year=fiscal_year,
            quarter=quarter,
            version=form.cleaned_data["version"],
            values=form.values(),
            user=request.user,
        ),
    )
    if status == 200 and not request.htmx:
        messages.success(
            request,
            _("บันทึกผลตัวชี้วัด %(code)s ไตรมาสที่ %(quarter)d แล้ว") % {"code": code, "quarter": quarter},
        )
        return redirect(page)
    if status == 200:
        row = selectors.indicator_quarter_rows(indicator, fiscal_year)[quarter - 1]
        form = _indicator_form(row)
    context = {
        "indicator": indicator,
        "fiscal_year": fiscal_year,
        "item": IndicatorRow(
            indicator=indicator,
            fiscal_year=fiscal_year,
            row=row,
            form=form,
            saved=status == 200,
            conflict=conflict,
            locked_now=locked_now,
        ),
        "can_score": True,
        "next": page,
    }
    if request.htmx:
        return render(request, "indicators/indicator_detail.html#kpi-row", context, status=status)
    return render(request, "indicators/indicator_row_page.html", context, status=status)


@login_required
@require(can_evaluate)
def indicator_criteria_edit(request, code: str):
    """เกณฑ์การประเมิน: what levels 1–5 of the KPI mean."""
    indicator = selectors.indicator_for_page(code)
    initial = {f"level_{lvl.level}": lvl.description for lvl in indicator.levels.all()}
    form = IndicatorCriteriaForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.indicator_criteria_save(
            indicator=indicator, descriptions=form.descriptions(), user=request.user
        )
        messages.success(request, _("บันทึกเกณฑ์การประเมินแล้ว"))
        return redirect("indicators:detail", code=code)
    return render(
        request,
        "indicators/indicator_criteria.html",
        {"indicator": indicator, "form": form},
        status=422 if request.method == "POST" else 200,
    )
