"""HTML → PDF with WeasyPrint, offline.

One ``FontConfiguration`` and one parsed copy of static/css/report.css are shared by every
render in a process (parsing the stylesheet and loading the Sarabun faces is most of the
cost of a small PDF). Resources are read from the static folders on disk only: the URL
fetcher refuses anything else, so a PDF never waits on the network.

Agency reports are rendered in parts by several workers; ``merge_parts`` joins them and
stamps "หน้า X / Y" on every page from a WeasyPrint overlay, because no part knows the
page numbers of the others.
"""

import functools
import io
import logging
import threading
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.contrib.staticfiles import finders
from django.utils.translation import get_language, gettext

# WeasyPrint logs every step of every render (and of its own import) at INFO: keep its
# warnings only. Set before the import below.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

from fontTools.ttLib import TTFont  # noqa: E402
from weasyprint import CSS, HTML  # noqa: E402
from weasyprint.document import Document  # noqa: E402
from weasyprint.pdf import fonts as pdf_fonts  # noqa: E402
from weasyprint.text.fonts import FontConfiguration  # noqa: E402
from weasyprint.urls import URLFetcher  # noqa: E402

STYLESHEET = "css/report.css"

# WeasyPrint's font configuration is not meant to be shared between threads at once; the
# development server is threaded, so renders in one process take turns.
_render_lock = threading.Lock()


# --- Searchable Thai ---------------------------------------------------------------------
# WeasyPrint maps each glyph to the text of the first cluster it draws it in. SARA AM (ำ)
# is one character drawn as two glyphs (NIKHAHIT + SARA AA), and after a tone mark the
# font draws NIKHAHIT and the tone mark as one ligature in a merged cluster: then า got
# the text of the whole cluster, or the marks none, and every later า copied out of the
# PDF read wrong ("ดำเนินงาน" could not be found). Mapping every Thai glyph of the font
# (its cmap, and the variants and ligatures its GSUB makes of them) to its own text up
# front keeps each glyph right: ำ reads back as ํ + า and น้ำ as น ้ ํ า, both equal to
# the original after NFKC.
_THAI = range(0x0E01, 0x0E5C)
_NIKHAHIT = "\u0e4d"


def _glyph_texts(font: TTFont) -> dict[str, str]:
    texts = {name: chr(code) for code, name in (font.getBestCmap() or {}).items() if code in _THAI}
    if "GSUB" not in font:
        return texts
    subtables = []
    for lookup in font["GSUB"].table.LookupList.Lookup:
        for table in lookup.SubTable:
            table = getattr(table, "ExtSubTable", table)
            if table.LookupType in (1, 4):
                subtables.append(table)
    for _round in range(4):  # variants of ligatures of variants…
        for table in subtables:
            if table.LookupType == 1:
                for base, variant in table.mapping.items():
                    if base in texts:
                        texts.setdefault(variant, texts[base])
            else:
                for first, ligatures in table.ligatures.items():
                    for ligature in ligatures:
                        parts = [first, *ligature.Component]
                        if all(part in texts for part in parts):
                            text = "".join(texts[part] for part in parts)
                            if _NIKHAHIT in text and len(text) > 1:
                                # Canonical order: the tone mark first, as typed.
                                text = text.replace(_NIKHAHIT, "") + _NIKHAHIT
                            texts.setdefault(ligature.LigGlyph, text)
    return texts


@functools.lru_cache(maxsize=16)
def _thai_glyphs(file_content: bytes) -> tuple[tuple[int, str], ...]:
    font = TTFont(io.BytesIO(file_content), lazy=True)
    return tuple((font.getGlyphID(name), text) for name, text in _glyph_texts(font).items())


def _map_thai_glyphs(original_init):
    @functools.wraps(original_init)
    def init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        for glyph, char in _thai_glyphs(self.file_content):
            self.to_unicode.setdefault(glyph, char)

    init.maps_thai_glyphs = True
    return init


if not getattr(pdf_fonts.Font.__init__, "maps_thai_glyphs", False):
    pdf_fonts.Font.__init__ = _map_thai_glyphs(pdf_fonts.Font.__init__)


def _static_roots() -> list[Path]:
    roots = [Path(d).resolve() for d in settings.STATICFILES_DIRS]
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT).resolve())
    return roots


class LocalFetcher(URLFetcher):
    """Only files under the static folders (fonts, the stylesheet) and data: URLs."""

    def __init__(self):
        super().__init__(allowed_protocols=["file", "data"])
        self._roots = _static_roots()

    def fetch(self, url, headers=None):
        if url.startswith("file:"):
            path = Path(unquote(urlparse(url).path)).resolve()
            if not any(path.is_relative_to(root) for root in self._roots):
                raise ValueError(f"not a static file: {url}")
        return super().fetch(url, headers)


@functools.cache
def font_config() -> FontConfiguration:
    return FontConfiguration()


@functools.cache
def stylesheet() -> CSS:
    path = finders.find(STYLESHEET)
    if not path:
        raise FileNotFoundError(STYLESHEET)
    return CSS(filename=path, font_config=font_config(), url_fetcher=LocalFetcher())


def stylesheets() -> list[CSS]:
    """report.css, then the page numbers in the active language: report.css says "หน้า",
    the later sheet of the same origin wins (its named pages without numbers keep none)."""
    return [stylesheet(), _page_numbers(gettext("หน้า"))]


@functools.lru_cache(maxsize=8)
def _page_numbers(label: str) -> CSS:
    label = label.replace("\\", "").replace('"', "")
    rules = " ".join(
        f'@page {name} {{ @bottom-right {{ content: "{label} " counter(page{style}) " / "'
        f" counter(pages{style}); }} }}"
        for name, style in (("", ""), ("thai", ", thai"))
    )
    return CSS(string=rules, font_config=font_config())


@functools.cache
def base_url() -> str:
    """Relative URLs in report HTML resolve inside the first static folder."""
    return Path(finders.find(STYLESHEET)).parent.parent.as_uri() + "/"


def render_document(html: str) -> Document:
    """Lay out ``html`` (a report template's output in PDF mode) into pages."""
    with _render_lock:
        return HTML(string=html, base_url=base_url(), url_fetcher=LocalFetcher()).render(
            font_config=font_config(), stylesheets=stylesheets()
        )


def render_pdf(html: str) -> bytes:
    with _render_lock:
        document = HTML(string=html, base_url=base_url(), url_fetcher=LocalFetcher()).render(
            font_config=font_config(), stylesheets=stylesheets()
        )
        return document.write_pdf()


def write_document(document: Document) -> bytes:
    with _render_lock:
        return document.write_pdf()


# --- Joining parts ---------------------------------------------------------------------------


def _overlay_html(pages: int, *, thai_digits: bool) -> str:
    """The page numbers of a joined report (in the active language: ``stylesheets``)."""
    body_class = "page-overlay thai-digits" if thai_digits else "page-overlay"
    blank = '<div class="overlay-page"></div>'
    return (
        f'<!doctype html><html lang="{get_language() or "th"}"><head><meta charset="utf-8">'
        f'</head><body class="{body_class}">{blank * pages}</body></html>'
    )


def merge_parts(parts: Sequence[bytes], *, thai_digits: bool = False) -> tuple[bytes, int]:
    """One PDF from the parts in order, numbered "หน้า X / Y"; returns it and its page count.

    Each page of the overlay becomes a form XObject drawn over its page by one short added
    content stream: the parts' own content streams are neither parsed nor rewritten.
    """
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    for part in parts:
        writer.append(PdfReader(io.BytesIO(part)))
    total = len(writer.pages)
    overlay = PdfReader(io.BytesIO(render_pdf(_overlay_html(total, thai_digits=thai_digits))))
    if len(overlay.pages) != total:
        raise RuntimeError(f"page-number overlay has {len(overlay.pages)} pages, not {total}")

    def stream(data: bytes):
        content = DecodedStreamObject()
        content.set_data(data)
        return writer._add_object(content)

    save, restore = stream(b"q\n"), stream(b"\nQ\nq /BmaPageNumber Do Q\n")
    for page, numbers in zip(writer.pages, overlay.pages, strict=True):
        form = DecodedStreamObject()
        form.set_data(numbers.get_contents().get_data())
        form.update(
            {
                NameObject("/Type"): NameObject("/XObject"),
                NameObject("/Subtype"): NameObject("/Form"),
                NameObject("/BBox"): ArrayObject(numbers.mediabox),
                NameObject("/Resources"): numbers["/Resources"].get_object().clone(writer),
            }
        )
        form.flate_encode()
        resources = DictionaryObject(page["/Resources"].get_object())
        xobjects = DictionaryObject(resources.get("/XObject", DictionaryObject()).get_object())
        xobjects[NameObject("/BmaPageNumber")] = writer._add_object(form.flate_encode())
        resources[NameObject("/XObject")] = xobjects
        page[NameObject("/Resources")] = resources
        contents = page.get("/Contents")
        contents = (
            list(contents.get_object())
            if isinstance(contents.get_object(), ArrayObject)
            else [contents]
        )
        page[NameObject("/Contents")] = ArrayObject([save, *contents, restore])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), total
