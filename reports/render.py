"""Report data → HTML → PDF. The templates are the same for the browser view and the PDF;
``pdf=True`` leaves out the on-screen toolbar and the stylesheet link (WeasyPrint gets
the parsed stylesheet from reports/pdf.py)."""

import datetime as dt
import re

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from projects import thaidates
from reports import pdf
from reports.selectors import AgencyReport, ProjectReport

# Digits in text, but not inside character references such as &#x27; or &#39;.
_TEXT_DIGITS = re.compile(r"&#?\w+;|\d+")
# A tag ends at its ">" and has no "<" inside (Django escapes both in attributes): a
# stray "<" is text, and a line of "<" is read in linear time.
_TAG = re.compile(r"(<[^<>]*>)")
_TAG_NAME = re.compile(r"</?([a-zA-Z0-9]*)")


def _map_text(html: str, change, *, skip: tuple[str, ...]) -> str:
    """Apply ``change`` to the text between the tags of ``html``, except inside the
    elements named in ``skip``; tags and attributes stay as they are."""
    out = []
    skipping = None
    for piece in _TAG.split(html):
        if piece.startswith("<"):
            name = _TAG_NAME.match(piece)[1].lower()
            if skipping is None and name in skip and not piece.startswith("</"):
                skipping = name
            elif skipping == name and piece.startswith("</"):
                skipping = None
            out.append(piece)
        elif skipping or not piece:
            out.append(piece)
        else:
            out.append(change(piece))
    return "".join(out)


def thai_digits_html(html: str) -> str:
    """Write the digits of the text of ``html`` as Thai digits (๐–๙), as BMA plan
    documents do; tags, attributes, character references and <style> stay as they are."""

    def change(text):
        return _TEXT_DIGITS.sub(
            lambda m: m[0] if m[0].startswith("&") else thaidates.thai_digits(m[0]), text
        )

    return _map_text(html, change, skip=("style", "script"))


# Compound names that libthai's dictionary would split (กรุงเทพ|มหา|นคร): kept whole.
UNBREAKABLE = ("กรุงเทพมหานคร",)
_UNBREAKABLE = re.compile("|".join(re.escape(word) for word in UNBREAKABLE))


def keep_names_whole(html: str) -> str:
    """Wrap the names in UNBREAKABLE, in the text of ``html``, in a no-wrap span."""
    return _map_text(
        html,
        lambda text: _UNBREAKABLE.sub(r'<span class="nw">\g<0></span>', text),
        skip=("style", "script", "title", "svg", "textarea"),
    )


def _finish(html: str, thai_digits: bool) -> str:
    html = keep_names_whole(html)
    return thai_digits_html(html) if thai_digits else html


def project_print_html(
    report: ProjectReport,
    *,
    pdf_mode: bool,
    thai_digits: bool = False,
    printed_at: dt.datetime | None = None,
    request=None,
    public: bool = False,
) -> str:
    """``public``: the visitors' print (issue 17, reports.public_selectors): no responsible
    person, no evaluator, no signature block, no links to the logged-in pages."""
    context = {
        "report": report,
        "pdf": pdf_mode,
        "public": public,
        "thai_digits": thai_digits,
        "printed_at": timezone.localtime(printed_at),
        "doc_title": _("พิมพ์ข้อมูล %(code)s") % {"code": report.project.code},
    }
    html = render_to_string("reports/project_print.html", context, request=request)
    return _finish(html, thai_digits)


def project_pdf(
    report: ProjectReport,
    *,
    thai_digits: bool = False,
    printed_at: dt.datetime | None = None,
    public: bool = False,
) -> bytes:
    return pdf.render_pdf(
        project_print_html(
            report, pdf_mode=True, thai_digits=thai_digits, printed_at=printed_at, public=public
        )
    )


def agency_part_html(
    report: AgencyReport,
    *,
    front: bool,
    sections: bool,
    signatures: bool,
    thai_digits: bool = False,
    numbered: bool = True,
    printed_at: dt.datetime | None = None,
    requested_by=None,
) -> str:
    """The cover and summary (``front``) and/or one section per project (``sections``).

    Parts rendered apart are joined by reports.pdf.merge_parts, which numbers the pages:
    ``numbered=False`` keeps each part's own numbers off.
    """
    context = {
        "report": report,
        "pdf": True,
        "front": front,
        "sections": sections,
        "signatures": signatures,
        "thai_digits": thai_digits,
        "numbered": numbered,
        "printed_at": timezone.localtime(printed_at),
        "requested_by": requested_by,
        "doc_title": report.title,
    }
    return _finish(render_to_string("reports/agency_report.html", context), thai_digits)
