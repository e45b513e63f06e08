from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from projects import selectors
from projects.charts import gauge_figure
from projects.models import Agency, FiscalYear, Project


def _project_context(code: str) -> dict:
    project = selectors.project_for_page(code)
    points = selectors.progress_points(project)
    quarters = selectors.quarter_rows(project, points)
    return {
        "project": project,
        "plan": selectors.plan_summary(project),
        "quarters": quarters,
        "headline": selectors.headline_evaluation(quarters),
        "indicators": list(project.indicators.all()),
        "gauge": gauge_figure(project.latest_percent),
        "scurve": selectors.project_scurve(project, points),
    }


@login_required
def project_detail(request, code):
    template_name = "projects/project_detail.html"
    if request.htmx and request.htmx.target == "history-more":
        # "ดูเพิ่มเติม": only the next page of the history.
        project = get_object_or_404(Project, code=code)
        context = {"project": project}
        template_name += "#history"
    else:
        context = _project_context(code)
        project = context["project"]
    history = selectors.progress_history(project, request.GET.get("page"))
    context["history"] = history
    return render(request, template_name, context)


@login_required
def plan_procedure(request, code):
    """(คลิก) ขั้นตอนการปฏิบัติงานของโครงการ: the steps in order with running weight."""
    project = selectors.project_for_page(code)
    return render(
        request,
        "projects/plan_procedure.html",
        {"project": project, "plan": selectors.plan_summary(project)},
    )


@login_required
def plan_timeline(request, code):
    """(ทดสอบ) แสดงขั้นตอนการดำเนินงานโครงการ: the steps on the months of the fiscal year."""
    project = selectors.project_for_page(code)
    plan = selectors.plan_summary(project)
    return render(
        request,
        "projects/plan_timeline.html",
        {"project": project, "plan": plan, "timeline": selectors.plan_timeline(project, plan)},
    )


@login_required
def project_list(request):
    years = list(FiscalYear.objects.all())
    agencies = list(Agency.objects.all())
    fiscal_year = _pick(years, "year_be", request.GET.get("year"))
    agency = _pick(agencies, "code", request.GET.get("agency"))
    query = (request.GET.get("q") or "").strip()[:200]
    paginator = Paginator(
        selectors.project_list(fiscal_year=fiscal_year, agency=agency, query=query),
        settings.BMA_PROJECTS_PAGE_SIZE,
    )
    page = paginator.get_page(request.GET.get("page"))
    template_name = "projects/project_list.html"
    if request.htmx:
        template_name += "#results"
    return render(
        request,
        template_name,
        {
            "page": page,
            "years": years,
            "agencies": agencies,
            "fiscal_year": fiscal_year,
            "agency": agency,
            "query": query,
        },
    )


def _pick(options, attribute, raw):
    """The option whose attribute equals the raw GET value, or None."""
    if not raw:
        return None
    for option in options:
        if str(getattr(option, attribute)) == raw:
            return option
    return None
