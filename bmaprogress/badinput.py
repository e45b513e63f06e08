"""Requests no page of this site can mean: a NUL character in the URL.

PostgreSQL cannot store or compare a text holding NUL (psycopg raises DataError), so a
%00 in a project code or in a filter such as ?q= reached the database and answered 500.
Form fields refuse NUL with a message next to the field (Django's CharField); the URL
has no field to show a message by, so the whole request gets the Thai 400 page before
any view, session or database is touched."""

from django.http import HttpResponseBadRequest
from django.template.loader import render_to_string
from django.utils.translation import gettext as _


def _has_nul(request) -> bool:
    if "\x00" in request.path:
        return True
    return any(
        "\x00" in key or any("\x00" in v for v in values) for key, values in request.GET.lists()
    )


class NulCharacterMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_nul(request):
            html = render_to_string(
                "400.html",
                {"message": _("ที่อยู่ของหน้าเว็บมีอักขระที่ใช้ไม่ได้ (อักขระ NUL) กรุณาตรวจสอบลิงก์แล้วลองอีกครั้ง")},
            )
            return HttpResponseBadRequest(html)
        return self.get_response(request)
