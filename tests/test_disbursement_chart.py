"""The disbursement chart of a project (issue 16, projects/disbursement.py): disbursed %
and progress % by month against the year's quarter targets, by hand; on the project page
with Plotly, and saying so when the year has no targets."""

import datetime as dt
import json
from decimal import Decimal

import pytest

from projects import disbursement, money
from projects.models import BudgetTransfer, BudgetType, DisbursementTarget
from tests.factories import FiscalYearFactory, ProgressEntryFactory, ProjectFactory, UserFactory
from tests.html import page_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def year():
    return FiscalYearFactory(year_be=2569)


@pytest.fixture
def project(year):
    investment = BudgetType.objects.get_or_create(name="งบลงทุน")[0]
    project = ProjectFactory(
        fiscal_year=year, budget_allocated=Decimal("2000000"), budget_type=investment
    )
    # After transfers: 2,000,000 − 400,000 = 1,600,000.
    BudgetTransfer.objects.create(
        project=project, transferred_on=dt.date(2025, 11, 1), amount=-400000, reason="โอนออก"
    )
    ProgressEntryFactory(
        project=project,
        reported_on=dt.date(2025, 11, 5),
        period=dt.date(2025, 10, 1),
        percent=Decimal("10"),
        disbursed=Decimal("160000"),
    )
    ProgressEntryFactory(
        project=project,
        reported_on=dt.date(2025, 11, 25),
        percent=Decimal("20"),
        disbursed=None,  # not reported
    )
    ProgressEntryFactory(
        project=project,
        reported_on=dt.date(2025, 12, 25),
        percent=Decimal("35.5"),
        disbursed=Decimal("533333.33"),
    )
    return project


def targets(year, **by_quarter):
    for key, percent in by_quarter.items():
        quarter, _sep, type_name = key.partition("_")
        budget_type = BudgetType.objects.get(name=type_name) if type_name else None
        DisbursementTarget.objects.create(
            fiscal_year=year,
            quarter=int(quarter.removeprefix("q")),
            budget_type=budget_type,
            percent=Decimal(percent),
        )


def test_the_months_percents_by_hand(project):
    chart = disbursement.disbursement_chart(project)

    assert chart.budget == Decimal("1600000.00")
    assert [(m.day, m.disbursed_percent, m.progress_percent) for m in chart.months] == [
        (dt.date(2025, 10, 31), Decimal("10.00"), Decimal("10.00")),
        (dt.date(2025, 11, 30), None, Decimal("20.00")),
        # 533,333.33 / 1,600,000 = 33.3333…%
        (dt.date(2025, 12, 31), Decimal("33.33"), Decimal("35.50")),
    ]
    assert [m.period.month for m in chart.disbursed] == [10, 12]
    assert chart.targets == []


def test_the_budget_types_targets_where_set_else_the_overall_ones(project, year):
    targets(year, q1="20", q2="45", q3="70", q4="100", q1_งบลงทุน="15", q3_งบลงทุน="60")
    DisbursementTarget.objects.create(
        fiscal_year=FiscalYearFactory(year_be=2570), quarter=1, percent=Decimal("99")
    )

    got = [(t.quarter, t.ends_on, t.percent) for t in disbursement.quarter_targets(project)]

    assert got == [
        (1, dt.date(2025, 12, 31), Decimal("15.00")),
        (2, dt.date(2026, 3, 31), Decimal("45.00")),
        (3, dt.date(2026, 6, 30), Decimal("60.00")),
        (4, dt.date(2026, 9, 30), Decimal("100.00")),
    ]


def test_a_project_without_a_budget_has_no_chart(year):
    assert disbursement.disbursement_chart(ProjectFactory(fiscal_year=year)) is None


def test_a_budget_of_zero_gives_no_percent():
    assert money.percent_of(Decimal("5"), Decimal("0")) is None


def test_the_figure_draws_the_targets_the_disbursed_and_the_progress(project, year):
    targets(year, q1="20", q2="45")

    figure = disbursement.disbursement_figure(disbursement.disbursement_chart(project))

    target, disbursed, progress = figure["data"]
    assert target["x"] == ["2025-10-01", "2025-12-31", "2026-03-31"]
    assert target["y"] == [0.0, 20.0, 45.0]
    assert disbursed["x"] == ["2025-10-01", "2025-10-31", "2025-12-31"]
    assert disbursed["y"] == [0.0, 10.0, 33.33]
    assert progress["y"] == [0.0, 10.0, 20.0, 35.5]


def test_the_project_page_shows_the_chart_and_says_when_there_are_no_targets(client, project, year):
    client.force_login(UserFactory(agency=project.agency))

    page = page_of(client.get(f"/projects/{project.code}/"))

    assert page.all("#disbursement [data-figure=disbursement-figure]")
    assert "ยังไม่ได้กำหนดเป้าหมายการเบิกจ่ายรายไตรมาส" in page.text("#disbursement")
    figure = json.loads(page.one("#disbursement-figure").text)
    assert len(figure["data"]) == 2  # no target line

    targets(year, q1="20")
    page = page_of(client.get(f"/projects/{project.code}/"))
    assert "ยังไม่ได้กำหนดเป้าหมาย" not in page.text("#disbursement")
    assert len(json.loads(page.one("#disbursement-figure").text)["data"]) == 3


def test_a_project_without_a_budget_has_no_disbursement_section(client, year):
    project = ProjectFactory(fiscal_year=year)
    client.force_login(UserFactory(agency=project.agency))

    assert not page_of(client.get(f"/projects/{project.code}/")).all("#disbursement")


# --- The print view and the PDF: the same chart as SVG -------------------------------------


def test_the_svg_draws_the_same_points(project, year):
    from reports import charts

    targets(year, q1="20")
    chart = disbursement.disbursement_chart(project)

    curve = charts.disbursement_curve(chart, as_of=dt.date(2026, 3, 5))

    start, end = dt.date(2025, 10, 1), dt.date(2026, 9, 30)
    span = (end - start).days

    def at(day, percent):
        x = round(charts.PLOT_LEFT + (day - start).days / span * charts.PLOT_WIDTH, 2)
        y = round(charts.PLOT_TOP + charts.PLOT_HEIGHT - percent / 100 * charts.PLOT_HEIGHT, 2)
        return f"{x},{y}"

    assert curve.targets == f"{at(start, 0)} {at(dt.date(2025, 12, 31), 20)}"
    assert curve.disbursed == " ".join(
        [at(start, 0), at(dt.date(2025, 10, 31), 10), at(dt.date(2025, 12, 31), 33.33)]
    )
    assert curve.progress.count(",") == 4  # the start and three months


def test_the_print_view_carries_the_chart_and_says_when_there_are_no_targets(client, project):
    client.force_login(UserFactory(agency=project.agency))

    page = page_of(client.get(f"/projects/{project.code}/print/"))

    assert page.all("figure.disbursement svg polyline.line-disbursed")
    assert not page.all("figure.disbursement polyline.line-targets")
    assert "ยังไม่ได้กำหนดเป้าหมายการเบิกจ่ายรายไตรมาส" in page.text("figure.disbursement")


def test_the_print_view_of_a_project_without_a_budget_has_no_chart(client, year):
    project = ProjectFactory(fiscal_year=year)
    client.force_login(UserFactory(agency=project.agency))

    assert not page_of(client.get(f"/projects/{project.code}/print/")).all("figure.disbursement")


def test_the_pdf_carries_the_chart_with_the_targets(client, project, year):
    from tests.pdfs import nfkc, pdf_text

    targets(year, q1="20", q2="45")
    client.force_login(UserFactory(agency=project.agency))

    response = client.get(f"/projects/{project.code}/print.pdf")

    assert response.status_code == 200
    text = pdf_text(response.content)
    assert nfkc("การเบิกจ่ายเทียบกับเป้าหมายรายไตรมาส") in text
    assert nfkc("ไตรมาสที่ 2: ร้อยละ 45.00") in text
    # The history printed with each month's figures.
    assert nfkc("เบิกจ่ายสะสม 533,333.33 บาท") in text
