"""An unexpected error answers the Thai 500 page (templates/500.html), not Django's
English "Server Error (500)": what happened, that what was typed may be kept by going back,
and what to do."""

import pytest
from django.test import Client, override_settings
from django.urls import path


def broken(request):
    raise RuntimeError("a bug")


urlpatterns = [path("broken/", broken)]


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_an_unexpected_error_answers_the_thai_500_page():
    client = Client(raise_request_exception=False)
    response = client.get("/broken/")
    assert response.status_code == 500
    body = response.content.decode()
    assert '<html lang="th">' in body
    assert "ระบบเกิดข้อผิดพลาด" in body
    assert "Server Error" not in body
