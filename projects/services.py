"""Business rules of the projects app (see each block)."""

from collections.abc import Sequence

# --- Import of project pages of today's system (issue 8) ---------------------------------
# Owner: the page importer. The parser is projects/bma_page.py, the comparison with the
# database projects/bma_import.py; these two functions are the entry points.


def bma_page_import(*, page: bytes | str, dry_run: bool, source: str = "", user=None):
    """Create or update the project of one saved page of today's system, in one
    transaction; with ``dry_run`` only say what would change. Returns an ImportPlan
    (changes: created / updated / deleted / unchanged / kept, problems in Thai). A page
    with problems writes nothing; importing the same page twice changes nothing."""
    from projects import bma_import

    return bma_import.page_import(page=page, dry_run=dry_run, source=source, user=user)


def bma_pages_import(*, pages: Sequence[tuple[str, bytes | str]], dry_run: bool, user=None):
    """``bma_page_import`` for several (name, content) files: all in one transaction, or
    nothing at all when any file has a problem (two files of one project included)."""
    from projects import bma_import

    return bma_import.pages_import(pages=pages, dry_run=dry_run, user=user)
