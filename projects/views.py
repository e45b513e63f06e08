import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from indicators import selectors as evaluation_selectors
from projects import (
    approvals,
    evidence,
    list_filters,
    months,
    pagecache,
    permissions,
    reporting,
    selectors,
    services,
    thaidates,
    uploads,
    view_helpers,
)
from projects.budget_forms import BudgetTransferForm
from projects.forms import (
    MonthReopenForm,
    PreviewForm,
    ProgressReportForm,
)
from projects.models import (
    Agency,
    FiscalYear,
    ProgressEntry,
    Project,
    ReportSubmission,
    weights_total,
)


def _project_context(project: Project) -> dict:
    """What the project page shows of ``project`` (from selectors.project_head): its own
    lists from projects' selectors, its KPI and quarter blocks from indicators'."""
    project = selectors.with_page_lists(project)
    points = selectors.progress_points(project)
    blocks = evaluation_selectors.project_blocks(project, points)
    return {
        **view_helpers.project_charts(project, points),
        "page_title": _project_title(project),
        "quarters": blocks.quarters,
        "headline": blocks.headline,
        "indicators": blocks.indicators,
    }


def _project_title(project) -> str:
    """The project page's title (the page's <title>)."""
    name = project.name
    if len(name) > 60:  # (Truncator counts no combining marks: shorter is never cut)
        name = Truncator(name).chars(60)
    return f"{project.code} {name}"


def _kept_for_readers(request, project) -> bool:
    """Whether this view of ``project`` is answered from the body kept for readers
    (projects/pagecache.py): the first page of a read-only view, not an htmx request. The
    agency's staff and สยป. get forms in the body and are rendered each time."""
    user = request.user
    return (
        not request.GET
        and not request.htmx
        and not permissions.can_report_progress(user, project)
        and not permissions.can_reopen_month(user, project)
    )


@login_required
def project_detail(request, code):
    template_name = "projects/project_detail.html"
    project = _page_project(code)
    if _kept_for_readers(request, project):
        parts = (
            "project",
            project.pk,
            view_helpers.today(),  # planned progress, "behind schedule" and the quarters depend on it
            settings.BMA_BEHIND_THRESHOLD,
            settings.BMA_BEHIND_AGAINST,  # which plan "behind" is measured against
            _reader_key(request.user, project),
        )

        def render_body():
            context = _project_context(selectors.project_head(code))
            _add_history_context(request, context)
            return render_to_string(template_name + "#body", context, request)

        scopes = (pagecache.SITE, pagecache.project(project.pk))
        body = pagecache.kept(parts, scopes, render_body)
        return render(
            request,
            template_name,
            {"kept_body": body, "page_title": _project_title(project)},
        )
    if request.htmx and request.htmx.target == "history-more":
        # "ดูเพิ่มเติม": only the next page of the history (which needs only the code).
        context = {"project": project}
        template_name += "#history"
    else:
        context = _project_context(selectors.project_head(code))
    _add_history_context(request, context, full=not template_name.endswith("#history"))
    return render(request, template_name, context)


def _page_project(code: str) -> Project:
    """The project of the page's address: what the page asks of it before its body (id,
    code, name, agency), kept under the lists' version (projects/pagecache.py), which every
    write to a project changes: one query less on every view. An unknown code is not kept."""
    return pagecache.kept(
        ("project-of", pagecache.digest(code)),
        (pagecache.PROJECTS,),
        lambda: get_object_or_404(Project.objects.only("code", "name", "agency_id"), code=code),
    )


def _reader_context(user, project) -> dict:
    """What of a project page depends on who reads it beyond the forms: links to evidence
    files and the change history. Each is a part of the kept page's key (_reader_key)."""
    return {
        "can_open_evidence": permissions.can_open_evidence(user, project),
        "can_view_changes": permissions.can_view_project_changes(user, project),
        "can_see_submissions": permissions.can_see_submissions(user, project),
        # The strategy path links to the dashboard filtered by each node.
        "can_view_dashboards": permissions.can_view_dashboards(user),
    }


def _reader_key(user, project) -> str:
    """What the kept body of ``project``'s page shows by who reads it, one digit per rule:
    a body is shared only by readers for whom every rule says the same."""
    rules = [permissions.can_evaluate(user), *_reader_context(user, project).values()]
    return "".join(str(int(rule)) for rule in rules)


def _add_history_context(request, context: dict, *, full: bool = True) -> None:
    """The page of reports asked for and, for the whole page, the ticked steps and the
    report section."""
    project = context["project"]
    history = selectors.progress_history(project, request.GET.get("page"))
    reporting.attach_evidence(history)
    context["history"] = history
    context.update(_reader_context(request.user, project))
    _add_submissions(context, full=full)
    if full:
        context["done_steps"] = reporting.done_steps(project, history=history)
        context["report"] = _report_context(request, project)
        if permissions.can_edit_project(request.user, project):  # never a kept body's reader
            context["transfer_form"] = BudgetTransferForm()


def _add_submissions(context: dict, *, full: bool = True) -> None:
    """For the agency's own staff and heads: the reports not yet approved, with their
    history, and who approved each report of the history page (where the agency's
    reports need approval: two queries)."""
    if not (context["can_see_submissions"] and context["project"].agency.reports_need_approval):
        return
    reporting.attach_approvals(context["history"])
    if full:
        context["submissions"] = reporting.open_submissions(context["project"])
        context["show_submissions"] = True


@login_required
def project_list(request):
    """The projects, filtered and searched. What it shows is the same for everybody: it is
    kept (projects/pagecache.py) under the query string. Without
    any filter it starts on the current year and the staff's agency (list_filters)."""
    if start := list_filters.redirect_to_start(request):
        return start
    template_name = "projects/project_list.html"
    part = "#results" if request.htmx else "#body"
    # A list of one agency links to its plan workbook for those who may export it.
    exports = permissions.internal_scope(request.user) if request.GET.get("agency") else "-"
    body = pagecache.kept(
        ("list", part, pagecache.query(request), exports),
        (pagecache.SITE, pagecache.PROJECTS),
        lambda: render_to_string(template_name + part, _project_list_context(request), request),
    )
    if request.htmx:
        return HttpResponse(body)
    return render(request, template_name, {"kept_body": body})


def _project_list_context(request) -> dict:
    years = list(FiscalYear.objects.all())
    agencies = list(Agency.objects.all())
    fiscal_year = view_helpers.pick(years, "year_be", request.GET.get("year"))
    agency = view_helpers.pick(agencies, "code", request.GET.get("agency"))
    query = (request.GET.get("q") or "").strip()[:200]
    paginator = Paginator(
        selectors.project_list(fiscal_year=fiscal_year, agency=agency, query=query),
        settings.BMA_PROJECTS_PAGE_SIZE,
    )
    return {
        "page": paginator.get_page(request.GET.get("page")),
        "years": years,
        "agencies": agencies,
        "fiscal_year": fiscal_year,
        "agency": agency,
        "query": query,
        # Part of the kept list's key (project_list: the reader's internal_scope).
        "can_export_plan": agency is not None and permissions.can_export_plan(request.user, agency),
    }


# --- Monthly reporting: the report form, its preview and its save ---------------------


def _preview_rows(computed, steps) -> list[dict]:
    """How the percent was reached, one line per step that counts."""
    by_order = {str(step.order): step for step in steps}
    rows = []
    for order, contribution in computed.parts if computed else ():
        step = by_order.get(order)
        partial = step is not None and contribution != step.weight
        rows.append({"step": step, "contribution": contribution, "partial": partial})
    return rows


def _report_context(request, project, *, form=None, conflict=None, saved=None, period=None) -> dict:
    """What the report section (templates/projects/_report_form.html) needs: the form for
    those who may report, the reopening of locked months for สยป.; for a closed year
    (months.year_closed) one line instead of the form, to all but administrators."""
    user = request.user
    context = {
        "can_report": permissions.can_report_progress(user, project),
        "can_reopen": permissions.can_reopen_month(user, project),
    }
    if not (context["can_report"] or context["can_reopen"]):
        return context
    today = view_helpers.today()
    # Reports on their way to approval (issue 15): the agency's own form shows them.
    context["approval"] = approval = project.agency.reports_need_approval
    # One pass over deadlines, reports and reopenings for the year's months.
    states = months.year_states(project, today=today, with_submissions=approval)
    context["year_closed"] = months.year_closed(states.values()) and not any(
        permissions.can_report_month(user, project, state) for state in states.values()
    )
    if context["can_report"] and not context["year_closed"]:
        context.update(
            _report_form_context(request, project, form=form, period=period, states=states)
        )
        context.update(conflict=conflict, saved=saved)
    if context["can_reopen"]:
        reopenable = reporting.locked_months(project, today=today, states=states)
        context["reopen_form"] = MonthReopenForm(
            months=reopenable,
            initial={"until": thaidates.format_be(today + dt.timedelta(days=7))},
        )
        context["reopenable"] = reopenable
    context["reopenings"] = reporting.recent_reopenings(project)
    return context


def _report_form_context(request, project, *, form, period, states) -> dict:
    """The report form and its preview. Without a bound form it starts from the query
    string: ``period`` (the month to report, else the earliest month still to report:
    reporting.default_period), ``date`` (else the report's own date, or today for a new
    one) and ``copy=last`` (take the texts of the latest report). ``states``: the year's
    months (months.year_states)."""
    today = view_helpers.today()
    steps = list(project.steps.all())
    choices = reporting.report_months(project, today=today)
    raw = form["period"].value() if form is not None else request.GET.get("period")
    period = period or view_helpers.period_param(raw)
    approval = project.agency.reports_need_approval
    if period is not None and period not in states:
        more = months.month_states(project, [period], today=today, with_submissions=approval)
        states = {**states, **more}
    context = {}
    if form is None:
        latest = reporting.latest_entry(project)
        period = period or reporting.default_period(
            project, user=request.user, today=today, states=states
        )
        entry = reporting.entry_for_period(project, period)
        submission = states[period].submission if period in states else None
        copy_from = latest if request.GET.get("copy") == "last" else None
        form = ProgressReportForm(
            initial={
                **reporting.report_initial(
                    submission or entry,
                    today=today,
                    ticks_from=latest,
                    copy_from=copy_from,
                    reported_on=view_helpers.date_param(request.GET.get("date")),
                ),
                "period": period.isoformat(),
                "entry": entry.pk if entry else None,
                "version": entry.version if entry else 0,
                "submission_version": submission.version if submission else None,
            },
            steps=steps,
            months=choices,
            budget=project.has_budget,
        )
        context["copied_from"] = copy_from if copy_from is not None and copy_from != entry else None
    else:
        entry = reporting.entry_for_period(project, period or ProgressEntry.period_of(today))
    facts = _preview(project, request.user, steps, form, choices, today=today, states=states)
    state = facts["check"].state
    context["submission"] = state.submission
    context.update(
        form=form,
        steps=steps,
        ticked=_ticked(form),
        plan_total=weights_total(steps),
        entry=entry if form["entry"].value() else None,
        state=state,
        # The month is closed to this person (past its deadline, not reopened, not admin).
        closed=not permissions.can_report_month(request.user, project, state),
        facts=facts,
    )
    return context


def _ticked(form) -> set[int]:
    if "completed_steps" not in form.fields:
        return set()
    values = form["completed_steps"].value() or []
    # Step ids as posted; a digit string too long for int() (4,300 digits) is no step.
    return {int(v) for v in values if str(v).isdigit() and len(str(v)) <= 20}


def _preview(project, user, steps, form, choices, *, today, states=None) -> dict:
    """The live preview of what ``form`` holds now: the percent and how it was reached, and
    what the save would say of it, asked of the save's own check
    (services.progress_entry_check); and whether the month already has another report."""
    data = _preview_input(form, steps, choices, today=today)
    approval = project.agency.reports_need_approval
    if approval and services.report_period(data) not in (states or {}):
        # The month's open submission: a returned report stays open past the deadline.
        period = services.report_period(data)
        states = months.month_states(project, [period], today=today, with_submissions=True)
    check = services.progress_entry_check(
        project=project, user=user, steps=steps, data=data, today=today, states=states
    )
    entry, loaded = check.state.entry, form["entry"].value()
    return {
        "check": check,
        "rows": _preview_rows(check.computed, steps),
        "partial": data.partial_percent,
        # With approval a change to the month's approved report is a new submission.
        "other_entry": (
            entry
            if entry is not None and str(entry.pk) != str(loaded or "") and not approval
            else None
        ),
    }


def _preview_input(form, steps, choices, *, today) -> services.ReportInput:
    """What the form holds now, read leniently (PreviewForm): nothing is required."""
    if form.is_bound:
        query = form.data
    else:
        query = QueryDict(mutable=True)
        for key, value in form.initial.items():
            if key == "completed_steps":
                query.setlist(key, [str(v) for v in value or []])
            elif value is not None:
                query[key] = str(value)
    preview_form = PreviewForm(query, steps=steps, months=choices, budget=form.budget)
    preview_form.is_valid()
    data = preview_form.cleaned_data
    return services.ReportInput(
        reported_on=data.get("reported_on") or today,
        period=data.get("period"),
        completed_step_ids=data.get("completed_steps") or [],
        in_progress_step_id=data.get("in_progress_step"),
        partial_percent=data.get("partial_percent"),
        manual_percent=data.get("percent") if not steps else None,
        lower_reason=data.get("lower_reason") or "",
        committed=data.get("committed"),
        disbursed=data.get("disbursed"),
        budget_lower_reason=data.get("budget_lower_reason") or "",
    )


@csrf_exempt
@login_required
def project_report(request, code):
    """รายงานผลการดำเนินงาน: the form on its own page (GET, and the normal-POST fallback);
    from the project page it is posted with htmx and answers with the updated fragments.

    ``csrf_exempt`` only so that the evidence files are bounded before the body is read
    (projects/uploads.py), after the permission check; the token is checked by
    ``csrf_protect`` on ``_project_report``."""
    project = reporting.project_for_report(code)
    if not permissions.can_report_progress(request.user, project):
        raise PermissionDenied
    if request.method == "POST":
        refused = uploads.read_body(request, evidence.upload_limits())
        if refused is not None:
            return _report_body_refused(request, project, refused)
    return _project_report(request, project)


def _report_body_refused(request, project, refused: str):
    """Django stopped reading the body: nothing of it is kept, the CSRF token in it neither,
    so nothing is saved and no check is needed. Too many files: the form again, as first
    shown, with the reason by the evidence field. Fields too big: the Thai 400 page, as for
    every form (which field it was is not known any more)."""
    if refused == uploads.TOO_MUCH_DATA:
        raise RequestDataTooBig("Request body exceeded settings.DATA_UPLOAD_MAX_MEMORY_SIZE.")
    limit = evidence.upload_limits().files
    message = _("ส่งไฟล์ได้ครั้งละไม่เกิน %(count)s ไฟล์ กรุณาเลือกไฟล์ใหม่ไม่เกิน %(count)s ไฟล์")
    message %= {"count": limit}
    report = _report_context(request, project)
    if "form" in report:  # not in a closed year, which shows no form
        report["form"].errors["evidence"] = report["form"].error_class([message])
    context = {"project": project, "report": report, "standalone": not request.htmx}
    if request.htmx:
        return render(request, "projects/_report_form.html#report-form", context)
    return render(request, "projects/report_page.html", context)


@csrf_protect
def _project_report(request, project):
    form = conflict = None
    if request.method == "POST":
        steps = list(project.steps.all())
        choices = reporting.report_months(project, today=view_helpers.today())
        form = ProgressReportForm(
            request.POST, request.FILES, steps=steps, months=choices, budget=project.has_budget
        )
        if form.is_valid() and project.agency.reports_need_approval:
            return _submission_post(request, project, form, steps=steps, choices=choices)
        if form.is_valid():
            try:
                entry = services.progress_entry_submit(
                    project=project,
                    user=request.user,
                    data=form.to_input(),
                    loaded_entry_id=form.cleaned_data.get("entry"),
                    loaded_version=form.cleaned_data.get("version") or 0,
                    evidence=form.cleaned_data.get("evidence") or [],
                    today=view_helpers.today(),
                )
            except ValidationError as error:
                form.add_error(None, error)
            except services.EditConflict as error:
                conflict = error.current
                # Keep what was typed; the next save knowingly replaces the stored entry.
                data = request.POST.copy()
                data["entry"] = str(conflict.pk)
                data["version"] = str(error.version)
                form = ProgressReportForm(
                    data, steps=steps, months=choices, budget=project.has_budget
                )
                form.is_valid()
            else:
                return _report_saved(request, project, entry)
    context = {
        "project": project,
        "report": _report_context(request, project, form=form, conflict=conflict),
        "standalone": not request.htmx,
    }
    if request.htmx:
        return render(request, "projects/_report_form.html#report-form", context)
    return render(request, "projects/report_page.html", context)


def _submission_post(request, project, form, *, steps, choices):
    """Save the report as a draft, or send it to the head (approvals.report_save)."""
    conflict = message = period = None
    sending = form.cleaned_data.get("action") == "submit"
    try:
        submission = approvals.report_save(
            project=project,
            data=form.to_input(),
            user=request.user,
            today=view_helpers.today(),
            loaded_version=form.cleaned_data.get("submission_version"),
            submit=sending,
            uploaded=form.cleaned_data.get("evidence") or [],
        )
    except ValidationError as error:
        form.add_error(None, error)
    except services.EditConflict as error:
        conflict = error.current
        # Keep what was typed; the next save knowingly replaces the stored submission.
        data = request.POST.copy()
        is_submission = isinstance(conflict, ReportSubmission)
        data["submission_version"] = str(error.version) if is_submission else ""
        form = ProgressReportForm(data, steps=steps, months=choices, budget=project.has_budget)
        form.is_valid()
    else:
        month = thaidates.month_label(submission.period)
        if sending:
            message = _("ส่งรายงานเดือน%(month)s ให้หัวหน้าหน่วยงานอนุมัติแล้ว") % {"month": month}
        else:
            message = _("บันทึกร่างแล้ว: รายงานเดือน%(month)s (ยังไม่ได้ส่งให้หัวหน้าหน่วยงาน)") % {
                "month": month
            }
        if not request.htmx:
            messages.success(request, message)
            return redirect(reverse("projects:detail", args=[project.code]) + "#report")
        form, period = None, submission.period
    context = {
        "project": project,
        "report": _report_context(
            request,
            project,
            form=form,
            conflict=conflict,
            saved=message if form is None else None,
            period=period if form is None else None,
        ),
        "standalone": not request.htmx,
    }
    if request.htmx and message:
        # The form again and, out of band, the reports not yet approved with their history.
        context.update(_reader_context(request.user, project), oob=True)
        context["submissions"] = reporting.open_submissions(project)
        context["show_submissions"] = True
        return render(request, "projects/_submission_saved.html", context)
    if request.htmx:
        return render(request, "projects/_report_form.html#report-form", context)
    return render(request, "projects/report_page.html", context)


def _report_saved(request, project, entry):
    message = _("บันทึกรายงานเดือน%(month)s แล้ว: ความคืบหน้าร้อยละ %(percent)s") % {
        "month": thaidates.month_label(entry.period),
        "percent": f"{entry.percent:.2f}",
    }
    if not request.htmx:
        messages.success(request, message)
        return redirect(reverse("projects:detail", args=[project.code]) + "#history-section")
    # The form again (now editing the saved entry), and out-of-band: gauge, latest report
    # date, history, plan, S-curve, budget and change history: the page is current without a
    # reload.
    fresh = selectors.with_report_lists(selectors.project_head(project.code))
    context = view_helpers.project_charts(fresh, selectors.progress_points(fresh))
    context["history"] = history = selectors.progress_history(fresh, 1)
    reporting.attach_evidence(history)
    context["done_steps"] = reporting.done_steps(fresh, history=history)
    context["report"] = _report_context(request, fresh, saved=message, period=entry.period)
    context.update(_reader_context(request.user, fresh))
    _add_submissions(context)
    context["oob"] = True
    return render(request, "projects/_report_saved.html", context)


@login_required
def report_preview(request, code):
    """The percent computed from what the form holds now, and how: for the live preview."""
    project = reporting.project_for_report(code)
    if not permissions.can_report_progress(request.user, project):
        raise PermissionDenied
    today = view_helpers.today()
    steps = list(project.steps.all())
    choices = reporting.report_months(project, today=today)
    form = PreviewForm(request.GET, steps=steps, months=choices, budget=project.has_budget)
    facts = _preview(project, request.user, steps, form, choices, today=today)
    return render(
        request, "projects/_report_form.html#report-preview", {"project": project, "facts": facts}
    )
