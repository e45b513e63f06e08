"""Django's own Thai catalog leaves some form messages in English (a NUL character, a text
over its length, a wrong password…): locale/th/LC_MESSAGES/django.po translates them.
These tests check that the compiled .mo says what the .po says, and that a refused field
reads Thai."""

import re
from pathlib import Path

from django import forms
from django.utils import translation
from django.utils.translation import gettext, ngettext, pgettext

PO = Path(__file__).resolve().parent.parent.parent / "locale" / "th" / "LC_MESSAGES" / "django.po"
ENTRY = re.compile(
    r'^(?:msgctxt "(?P<ctx>.+)"\n)?msgid "(?P<id>.+)"\n(?:msgid_plural "(?P<plural>.+)"\n)?'
    r'msgstr(?:\[0\])? "(?P<str>.+)"$',
    re.MULTILINE,
)


def entries():
    return [m.groupdict() for m in ENTRY.finditer(PO.read_text(encoding="utf-8"))]


def test_the_compiled_catalog_says_what_the_po_says():
    found = entries()
    assert len(found) >= 20
    with translation.override("th"):
        for entry in found:
            if entry["ctx"]:
                assert pgettext(entry["ctx"], entry["id"]) == entry["str"], entry["id"]
            elif entry["plural"]:
                assert ngettext(entry["id"], entry["plural"], 1) == entry["str"], entry["id"]
                assert ngettext(entry["id"], entry["plural"], 5) == entry["str"], entry["id"]
            else:
                assert gettext(entry["id"]) == entry["str"], entry["id"]


def test_a_nul_character_and_an_overlong_text_are_refused_in_thai():
    class Form(forms.Form):
        text = forms.CharField(max_length=5)

    with translation.override("th"):
        assert Form({"text": "ก\x00"}).errors["text"] == [
            "มีอักขระที่ใช้ไม่ได้ (อักขระ NUL) กรุณาลบออกแล้วลองอีกครั้ง"
        ]
        assert Form({"text": "กขคงจฉ"}).errors["text"] == ["ยาวได้ไม่เกิน 5 ตัวอักษร (กรอกมา 6 ตัวอักษร)"]
