"""Hostile input on the budget transfer form of the project page (issue 16): every field,
as a normal and as an htmx post, by the agency's staff. Refused: a Thai message (next to
the field when it is one field's) and no transfer stored; accepted: the transfer holds
exactly what was sent and the amount after transfers is 0 or more."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from projects import thaidates
from projects.models import BudgetTransfer, Project
from projects.money import parse_baht
from tests.hostile import http, values
from tests.hostile.test_hostile_projects import received, some_of, text_refused
from tests.hostile.values import HOSTILE

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_today")]

ALLOCATED = Decimal("1000000.00")
FIELDS = {
    "transferred_on": values.dates(),
    "direction": st.one_of(values.anything(), st.sampled_from(["in", "out"])),
    "amount": st.one_of(values.numbers(), st.sampled_from(values.AMOUNTS)),
    "reason": values.texts(),
}


def amount_of(sent: str) -> Decimal | None:
    try:
        return parse_baht(received(sent))
    except ValidationError:
        return None


def date_of(sent: str) -> dt.date | None:
    try:
        return thaidates.parse_date(received(sent).strip()[:40])
    except ValueError:
        return None


@HOSTILE
@given(hostile=some_of(FIELDS), htmx=st.booleans())
def test_transfer(client, project, staff, hostile, htmx):
    Project.objects.filter(pk=project.pk).update(budget_allocated=ALLOCATED)
    client.force_login(staff)
    data = {
        "transferred_on": "01/03/2569",
        "direction": "out",
        "amount": "1,000.00",
        "reason": "ปรับแผนการจ่ายเงิน",
        **hostile,
    }
    with http.rolled_back():
        before = http.snapshot(BudgetTransfer)
        response = http.post(
            client,
            f"/projects/{project.code}/budget/transfers/",
            data,
            htmx="budget" if htmx else None,
            form="budget transfer (POST)",
        )
        after = http.snapshot(BudgetTransfer)
        amount, on = amount_of(data["amount"]), date_of(data["transferred_on"])
        reason = received(data["reason"]).strip()
        bad = (
            "amount"
            if not amount or (data["direction"] == "out" and amount > ALLOCATED)
            else "transferred_on"
            if on is None
            else "reason"
            if text_refused(data["reason"], max_length=500, required=True)
            else None
        )
        if bad or data["direction"] not in ("in", "out") or before == after:
            http.assert_refused(response, before, after, field=bad)
            return
        transfer = BudgetTransfer.objects.get(project=project)
        sign = -1 if data["direction"] == "out" else 1
        assert (transfer.amount, transfer.transferred_on, transfer.reason) == (
            sign * amount,
            on,
            reason,
        )
        project.refresh_from_db()
        assert project.budget_after_transfers() >= 0
