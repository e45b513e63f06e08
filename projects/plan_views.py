"""The plan's pages: the steps in order, on the year's months, and the plan editor."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from projects import permissions, plan_editing, plan_versions, reporting, selectors, services
from projects.forms import PlanFormSet, PlanVersionForm


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
def plan_edit(request, code):
    """Add, change, reorder and remove the plan's steps, with the running sum of weights.
    Posted with htmx, a refusal answers with the editor alone and a save with a redirect the
    browser follows (HX-Redirect); without JavaScript, the page and a redirect."""
    project = reporting.project_for_report(code)
    if not permissions.can_edit_plan(request.user, project):
        raise PermissionDenied
    conflict = None
    if request.method == "POST":
        version_form = PlanVersionForm(request.POST)
        formset = PlanFormSet(request.POST, prefix="steps")
        if version_form.is_valid() and formset.is_valid():
            try:
                result = plan_editing.plan_save(
                    project=project,
                    user=request.user,
                    loaded_version=version_form.cleaned_data["plan_version"],
                    rows=formset.to_rows(),
                    reason=version_form.cleaned_data["reason"],
                )
            except services.EditConflict as error:
                conflict = {"steps": error.current, "last": reporting.last_plan_change(project)}
                data = request.POST.copy()
                data["plan_version"] = str(error.version)
                version_form = PlanVersionForm(data)
                formset = PlanFormSet(data, prefix="steps")
                formset.is_valid()
            except ValidationError as error:
                if hasattr(error, "error_dict") and "reason" in error.error_dict:
                    version_form.add_error("reason", error.error_dict["reason"])
                else:
                    formset._non_form_errors = formset.error_class(error.messages)
            else:
                messages.success(
                    request,
                    _("บันทึกแผนการดำเนินงานแล้ว (เพิ่ม %(a)s แก้ไข %(c)s ลบ %(r)s ขั้นตอน)")
                    % {"a": result.added, "c": result.changed, "r": result.removed},
                )
                page = reverse("projects:detail", args=[code]) + "#plan"
                if request.htmx:
                    return HttpResponseClientRedirect(page)
                return redirect(page)
    else:
        steps = list(project.steps.all())
        version_form = PlanVersionForm(initial={"plan_version": project.plan_version})
        formset = PlanFormSet(
            prefix="steps",
            initial=[
                {
                    "step_id": s.pk,
                    "order": s.order,
                    "title": s.title,
                    "weight": s.weight,
                    "starts_on": s.starts_on,
                    "ends_on": s.ends_on,
                }
                for s in steps
            ],
        )
    rows = _plan_rows(formset)
    # Over htmx (static/js/forms.js), only the editor: a refusal is shown in place.
    template = "projects/_plan_editor.html" if request.htmx else "projects/plan_edit.html"
    return render(
        request,
        template,
        {
            "project": project,
            "formset": formset,
            "version_form": version_form,
            "conflict": conflict,
            "rows": rows,
            "total": rows[-1]["running"] if rows else Decimal(0),
            "baseline": plan_versions.baseline_of(project),
            "open_version": plan_versions.open_version_of(project),
        },
    )


def _plan_rows(formset) -> list[dict]:
    """Each form with the running sum of weights up to it, as the page first shows it."""
    running = Decimal(0)
    rows = []
    for form in formset.forms:
        raw = form["weight"].value()
        deleted = form["DELETE"].value() in (True, "on", "true", "1")
        try:
            weight = Decimal(str(raw)) if raw not in (None, "") else Decimal(0)
        except (ArithmeticError, ValueError):
            weight = Decimal(0)
        if not weight.is_finite():
            # NaN, sNaN, Infinity: refused by the form; the sum (sNaN raised) counts 0.
            weight = Decimal(0)
        if not deleted:
            running += weight
        rows.append({"form": form, "running": running})
    return rows
