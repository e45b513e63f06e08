"""The top bar's menu is kept as a {% cache %} fragment (base.html, the "template_fragments"
cache): one copy for everyone with the same rights on the same page. These tests fail when
its key misses what the menu shows: who may see which item, and which item is the current
page."""

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.factories import AgencyFactory, FiscalYearFactory, UserFactory, current_fiscal_year_be
from tests.html import page_of, text_of

MY_AGENCY = "หน่วยงานของฉัน"
EVALUATE = "ประเมินผล"
IMPORTS = "นำเข้าข้อมูล"


def menu(client, user, url):
    client.force_login(user)
    response = client.get(url, follow=True)
    assert response.status_code == 200
    return {
        text_of(link): link.get("aria-current") for link in page_of(response).all("nav.mainnav a")
    }


@pytest.fixture
def people(db):
    FiscalYearFactory(year_be=current_fiscal_year_be())
    return {
        "staff": UserFactory(agency=AgencyFactory()),
        "evaluator": UserFactory(evaluator=True),
        "admin": UserFactory(admin=True),
    }


@override_settings(BMA_PAGE_CACHE_SECONDS=300)
def test_each_role_gets_its_own_menu_on_the_same_page(client, people):
    url = reverse("indicators:list")
    staff = menu(client, people["staff"], url)
    evaluator = menu(client, people["evaluator"], url)
    admin = menu(client, people["admin"], url)
    again = menu(client, people["staff"], url)

    assert MY_AGENCY in staff and EVALUATE not in staff
    assert EVALUATE in evaluator and MY_AGENCY not in evaluator
    assert IMPORTS in admin and IMPORTS not in evaluator
    assert again == staff


@override_settings(BMA_PAGE_CACHE_SECONDS=300)
def test_the_current_page_is_marked_on_each_page(client, people):
    staff = people["staff"]
    on_kpis = menu(client, staff, reverse("indicators:list"))
    on_agency = menu(client, staff, reverse("projects:my_agency"))
    on_projects = menu(client, staff, reverse("projects:list"))  # the same app as my agency

    assert on_kpis["ตัวชี้วัด"] == "page" and on_kpis[MY_AGENCY] is None
    assert on_agency[MY_AGENCY] == "page" and on_agency["ตัวชี้วัด"] is None
    assert on_projects[MY_AGENCY] is None
