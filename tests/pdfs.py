"""Read generated PDFs the way a person (or a search) would: poppler's pdftotext and
pdffonts, and pypdf. Thai text is compared after NFKC, because pdftotext returns ำ
(U+0E33) as ํ + า."""

import io
import subprocess
import unicodedata

from pypdf import PdfReader


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def pdf_text(data: bytes, *, layout: bool = False) -> str:
    """The text in reading order (``-raw``: the order it was written, so that Thai marks
    placed with a text rise stay with their letters), or as laid out on the page."""
    args = ["pdftotext", "-enc", "UTF-8", "-layout" if layout else "-raw", "-", "-"]
    result = subprocess.run(args, input=data, capture_output=True, check=True)
    return nfkc(result.stdout.decode())


def pdf_pages(data: bytes) -> list[str]:
    """The text of each page (pdftotext separates pages with a form feed)."""
    pages = pdf_text(data).split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def page_count(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


def pdf_fonts(data: bytes) -> list[dict]:
    """pdffonts' table: name, type, embedded."""
    result = subprocess.run(["pdffonts", "-"], input=data, capture_output=True, check=True)
    rows = result.stdout.decode().splitlines()[2:]
    fonts = []
    for row in rows:
        parts = row.split()
        # name type... encoding emb sub uni object ID: the last five columns are fixed.
        fonts.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4], "uni": parts[-3]})
    return fonts
