"""Hostile amounts in the monthly report's budget block (issue 16): committed and disbursed
of a project with a budget. Each example is refused (a Thai message beside the field,
nothing stored changed) or stored exactly as projects/money.py reads it, within the amount
after transfers."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import example, given, settings
from hypothesis import strategies as st

from projects import money
from projects.models import ProgressEntry, Project
from tests.hostile import http, values
from tests.hostile.values import HOSTILE

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_today")]

MARCH = dt.date(2026, 3, 1)
BUDGET = Decimal("1000000.00")
# Amounts no figure may be stored with (issue 16, "Done when").
NEVER = {"-1", "-0.01", "1e30", "1E3", "1,2,3", "๑๒๓", "1.001", "1000000.01", "NaN", "inf"}


def amounts() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(sorted(NEVER)),
        st.decimals(min_value=0, max_value=2 * BUDGET, places=2).map(str),
        st.decimals(min_value=0, max_value=2 * BUDGET, places=2).map(money.format_amount),
        values.numbers(),
        values.texts(),
    )


@pytest.fixture
def budget_project(project):
    Project.objects.filter(pk=project.pk).update(budget_allocated=BUDGET)
    project.refresh_from_db()
    return project


def valid_report(project) -> dict:
    steps = list(project.steps.order_by("order"))
    return {
        "completed_steps": [str(steps[0].pk), str(steps[1].pk)],
        "period": MARCH.isoformat(),
        "reported_on": "05/03/2569",
        "narrative": "จัดประชุมคณะทำงานแล้ว",
        "entry": "",
        "version": "0",
    }


def read(sent: str | None) -> Decimal | None:
    try:
        return money.parse_baht(sent.encode("utf-8", "replace").decode() if sent else "")
    except ValidationError:
        return Decimal(-1)  # refused


@settings(HOSTILE, max_examples=60)
@given(
    hostile=st.fixed_dictionaries({}, optional={"committed": amounts(), "disbursed": amounts()}),
    htmx=st.booleans(),
)
# Found by a fresh clone's make test: both over the budget.
@example(hostile={"committed": "1000000.01", "disbursed": "1000000.01"}, htmx=False)
def test_report_budget_figures(client, budget_project, staff, hostile, htmx):
    client.force_login(staff)
    data = {**valid_report(budget_project), **hostile}
    with http.rolled_back():
        before = http.snapshot(ProgressEntry)
        response = http.post(
            client,
            f"/projects/{budget_project.code}/report/",
            data,
            htmx="report-form-wrap" if htmx else None,
            form="report form, budget figures (POST)",
        )
        after = http.snapshot(ProgressEntry)
        committed, disbursed = read(hostile.get("committed")), read(hostile.get("disbursed"))
        # Not an amount: refused by the form (the budget's rules are not reached);
        # over the budget: refused by the check.
        unreadable = [n for n in ("committed", "disbursed") if read(hostile.get(n)) == -1]
        over = [n for n in ("committed", "disbursed") if hostile.get(n) in NEVER]
        # The field the check names: the disbursed amount over the budget first, else the
        # committed amount whose sum with it is (report_budget.budget_errors).
        named = None
        if disbursed is not None and disbursed > BUDGET:
            named = "disbursed"
        elif committed is not None and committed + (disbursed or 0) > BUDGET:
            named = "committed"
        refused = (unreadable or ([named] if named else over) or [None])[0]
        if before == after:
            http.assert_refused(response, before, after, field=refused)
            return
        assert refused is None, f"saved with a bad {refused}"
        entry = ProgressEntry.objects.get(project=budget_project, period=MARCH)
        assert (entry.committed, entry.disbursed) == (committed, disbursed)
        assert (entry.disbursed or 0) <= BUDGET
        assert (entry.committed or 0) + (entry.disbursed or 0) <= BUDGET
