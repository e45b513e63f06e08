"""Where people land (issue 14, item 6): after logging in and at the site's root, staff on
their agency's monthly status (หน่วยงานของฉัน), สยป. on the current quarter's
evaluation, executives and administrators on the dashboard; ``?next=`` still wins."""

import pytest
from django.urls import reverse
from django.utils import timezone

from projects import thaidates
from tests.factories import AgencyFactory, FiscalYearFactory, UserFactory, current_fiscal_year_be


@pytest.fixture
def users(db):
    FiscalYearFactory(year_be=current_fiscal_year_be())
    agency = AgencyFactory()
    return {
        "staff": UserFactory(agency=agency),
        "head": UserFactory(head=True, agency=agency),
        "staff without agency": UserFactory(agency=None),
        "evaluator": UserFactory(evaluator=True),
        "manager": UserFactory(manager=True),
        "admin": UserFactory(admin=True),
    }


def current_quarter_url() -> str:
    today = timezone.localdate()
    return reverse(
        "indicators:evaluation",
        args=[thaidates.fiscal_year_of(today), thaidates.quarter_of(today)],
    )


EXPECTED = {
    "staff": lambda: reverse("projects:my_agency"),
    "head": lambda: reverse("projects:my_agency"),
    "staff without agency": lambda: reverse("projects:list"),
    "evaluator": current_quarter_url,
    "manager": lambda: reverse("dashboard:index"),
    "admin": lambda: reverse("dashboard:index"),
}


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_each_role_lands_on_its_page(client, users, role):
    client.force_login(users[role])
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == EXPECTED[role]()
    assert client.get(response["Location"], follow=True).status_code == 200


def test_logging_in_goes_home(client, users):
    response = client.post(
        reverse("login"), {"username": users["manager"].username, "password": "demo"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home") == "/"


def test_next_still_wins(client, users):
    response = client.post(
        reverse("login") + "?next=/indicators/",
        {"username": users["staff"].username, "password": "demo", "next": "/indicators/"},
    )
    assert response["Location"] == "/indicators/"


def test_anonymous_visitors_are_asked_to_log_in(client, db, settings):
    """While the public site is off (tests/test_public.py: the public list when on)."""
    settings.BMA_PUBLIC_SITE = False
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("login") + "?next=/"


def test_an_evaluator_without_this_years_row_lands_on_the_latest_year(client, db):
    FiscalYearFactory(year_be=2564)
    client.force_login(UserFactory(evaluator=True))
    response = client.get("/")
    assert response["Location"] == reverse("indicators:evaluation", args=[2564, 4])
