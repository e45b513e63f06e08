"""The import services (issue 8): the entry points of the page importer and of the
annual-plan workbook, called by the import views and ``manage.py import_bma_page``.

They live here, not in projects/services.py, so that the core imports no importer. Like
the core's services they are keyword-only and write in one transaction, or with
``dry_run`` only say what would change.
"""

from collections.abc import Sequence

from projects.imports import page_import, workbook_import, workbook_write


def bma_page_import(*, page: bytes | str, dry_run: bool, source: str = "", user=None):
    """Create or update the project of one saved page of today's system, in one
    transaction; with ``dry_run`` only say what would change. Returns an ImportPlan
    (changes: created / updated / deleted / unchanged / kept, problems in Thai). A page
    with problems writes nothing; importing the same page twice changes nothing."""
    return page_import.page_import(page=page, dry_run=dry_run, source=source, user=user)


def bma_pages_import(*, pages: Sequence[tuple[str, bytes | str]], dry_run: bool, user=None):
    """``bma_page_import`` for several (name, content) files: all in one transaction, or
    nothing at all when any file has a problem (two files of one project included)."""
    return page_import.pages_import(pages=pages, dry_run=dry_run, user=user)


def plan_spreadsheet_import(
    *,
    data: bytes | None = None,
    read_result=None,
    agency,
    fiscal_year,
    dry_run: bool,
    user,
    expected_digest: str | None = None,
):
    """Create or update the agency's projects of ``fiscal_year`` from an annual-plan
    workbook, in one transaction; with ``dry_run`` only say what would change. Returns a
    PlanImport (per project: created / updated / unchanged / kept; problems by sheet, row
    and column in Thai). Any problem writes nothing; the same file twice changes nothing.
    The workbook comes as its bytes (``data``) or as the rows read from it at the upload
    (``read_result``, a ReadResult: the file is not parsed again).
    ``expected_digest`` (a preview's digest) refuses a confirmation made from a preview
    the database has moved on from. PermissionDenied unless the user may import for the
    agency."""
    return workbook_import.plan_import(
        data=data,
        read_result=read_result,
        agency=agency,
        fiscal_year=fiscal_year,
        dry_run=dry_run,
        user=user,
        expected_digest=expected_digest,
    )


def plan_spreadsheet_export(*, agency, fiscal_year) -> bytes:
    """The agency's plan of ``fiscal_year`` as the import template, filled: importing it
    back changes nothing."""
    return workbook_write.export_workbook(agency=agency, fiscal_year=fiscal_year)
