"""A new project from the screen (โครงการใหม่): the form, then the plan editor.

Many projects at once come from the annual-plan workbook (/imports/plan/). The project is
created by projects.services.project_create and its KPIs are linked by indicators' own
service, both in one transaction here: the projects app's core knows nothing of KPIs.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from indicators import services as indicator_services
from indicators.models import Indicator
from projects import permissions, services, thaidates
from projects.forms import ProjectCreateForm
from projects.models import Agency, FiscalYear


@login_required
def project_create(request):
    """GET: the empty form (``?agency=`` picks the agency for an administrator); with htmx,
    only the KPIs offered for the agency and year chosen. POST: create, then the plan
    editor; on bad input the form again with what was typed and the errors by field."""
    user = request.user
    if not permissions.can_create_projects(user):
        raise PermissionDenied
    params = request.POST if request.method == "POST" else request.GET
    choose_agency = permissions.is_admin(user)
    agency = _agency(user, params.get("agency"), choose_agency=choose_agency)
    fiscal_year = _fiscal_year(params.get("fiscal_year"))
    offered = _offered_indicators(agency, fiscal_year)
    if request.method == "POST":
        form = ProjectCreateForm(request.POST, choose_agency=choose_agency, indicators=offered)
        if form.is_valid():
            data = form.cleaned_data
            agency = data.get("agency", agency)
            try:
                with transaction.atomic():
                    project = services.project_create(
                        user=user,
                        agency=agency,
                        fiscal_year=data["fiscal_year"],
                        code=data["code"],
                        name=data["name"],
                        responsible=data["responsible"],
                        responsible_phone=data["responsible_phone"],
                        rationale=data["rationale"],
                        targets=data["targets"],
                        objectives=data["objectives"],
                        strategy_links=data["strategy_links"],
                        budget_code=data["budget_code"],
                        organisation_code=data["organisation_code"],
                        budget_allocated=data["budget_allocated"],
                        budget_type=data["budget_type"],
                        budget_source=data["budget_source"],
                    )
                    indicator_services.project_indicators_add(
                        project=project,
                        indicators=[i for i in offered if i.pk in set(data["indicators"])],
                        user=user,
                    )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("สร้างโครงการ %(code)s แล้ว ขั้นต่อไป: เพิ่มขั้นตอนการดำเนินงาน ให้น้ำหนักรวมครบ 100%%")
                    % {"code": project.code},
                )
                return redirect("projects:plan_edit", code=project.code)
        else:
            _add_code_errors(form, agency)
        _link_duplicate(form)
    else:
        form = ProjectCreateForm(
            choose_agency=choose_agency,
            indicators=offered,
            initial={
                "agency": agency.code if agency else None,
                "fiscal_year": fiscal_year.year_be if fiscal_year else None,
                "code": f"{agency.code}-" if agency else "",
                "indicators": params.getlist("indicators"),
            },
        )
    checked = {str(value) for value in form["indicators"].value() or []}
    context = {
        "form": form,
        "agency": agency,
        "choose_agency": choose_agency,
        "fiscal_year": fiscal_year,
        "offered": [(indicator, str(indicator.pk) in checked) for indicator in offered],
    }
    template_name = "projects/project_form.html"
    if request.method == "GET" and request.htmx and request.htmx.target == "kpi-slot":
        template_name += "#kpis"
    return render(request, template_name, context)


def _agency(user, raw: str | None, *, choose_agency: bool) -> Agency | None:
    """The agency of the new project: the one named for an administrator (none yet: the
    form asks), always their own for staff, who may not name another agency (403; a
    code of no agency is left alone)."""
    named = Agency.objects.filter(code=raw).first() if raw and len(raw) <= 8 else None
    if choose_agency:
        return named
    if named is not None and named.pk != user.agency_id:
        raise PermissionDenied
    return user.agency


def _fiscal_year(raw: str | None) -> FiscalYear | None:
    """The year named, else the current fiscal year (if it is in the system)."""
    if raw is None:
        year_be = thaidates.fiscal_year_of(timezone.localdate())
    elif raw.isascii() and raw.isdigit() and len(raw) == 4:
        year_be = int(raw)
    else:
        return None
    return FiscalYear.objects.filter(year_be=year_be).first()


def _offered_indicators(agency, fiscal_year) -> list[Indicator]:
    if agency is None or fiscal_year is None:
        return []
    return list(
        Indicator.objects.supportable_by(agency=agency, fiscal_year=fiscal_year).order_by("code")
    )


def _add_code_errors(form, agency) -> None:
    """The form refused something else: say too what is wrong with the code, if it is,
    so that all is said at once (the service says it again when the code is saved)."""
    code = form.cleaned_data.get("code")
    agency = form.cleaned_data.get("agency", agency)
    if not code or agency is None:
        return
    fiscal_year = form.cleaned_data.get("fiscal_year")
    year_be = fiscal_year.year_be if fiscal_year else thaidates.fiscal_year_of(timezone.localdate())
    for error in services.project_code_errors(agency=agency, code=code, year_be=year_be):
        form.add_error("code", error)


def _link_duplicate(form) -> None:
    """The message of a taken code names the project that has it, as a link to its page."""
    errors = form.errors.get("code")
    if not errors:
        return
    for index, error in enumerate(errors.data):
        if isinstance(error, ValidationError) and error.code == "duplicate":
            code = error.params["code"]
            url = reverse("projects:detail", args=[code])
            errors.data[index] = format_html(
                '{} <a href="{}">{}</a>', _("มีโครงการรหัสนี้แล้ว:"), url, code
            )
