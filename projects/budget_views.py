"""Transfers of a project's budget from its page (บันทึกการโอนเปลี่ยนแปลงงบประมาณ, issue 16):
the agency's staff and administrators (permissions.can_edit_project). With htmx the answer
is the budget block alone; without, the project page again (PRG) or the form with errors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from projects import budgets, permissions
from projects.budget_forms import BudgetTransferForm
from projects.models import Project


@login_required
@require_POST
def budget_transfer(request, code):
    project = get_object_or_404(Project.objects.select_related("budget_type"), code=code)
    if not permissions.can_edit_project(request.user, project):
        raise PermissionDenied
    form = BudgetTransferForm(request.POST)
    saved = False
    if form.is_valid():
        data = form.cleaned_data
        try:
            budgets.budget_transfer_create(
                user=request.user,
                project=project,
                transferred_on=data["transferred_on"],
                amount=form.signed_amount(),
                reason=data["reason"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            saved = True
    elif not form.has_error("amount") and not form.has_error("direction"):
        # Another field is wrong: say also what is wrong with the amount, at once.
        for message in budgets.transfer_amount_errors(project, form.signed_amount()):
            form.add_error("amount", message)
    if saved and not request.htmx:
        messages.success(request, _("บันทึกการโอนเปลี่ยนแปลงงบประมาณแล้ว"))
        return redirect(reverse("projects:detail", args=[project.code]) + "#budget")
    context = {
        "project": project,
        "budget": budgets.budget_summary(project),
        "transfer_form": BudgetTransferForm() if saved else form,
        "transfer_saved": saved,
    }
    if request.htmx:
        return render(request, "projects/_budget.html", context)
    return render(request, "projects/budget_transfer.html", context)
