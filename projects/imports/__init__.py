"""The importers (issue 8): pages of today's system saved as text, and the annual-plan
workbook. Upload → preview → confirm; all or nothing; the same file twice changes nothing.

    services.py           the entry points: bma_page_import, bma_pages_import,
                          plan_spreadsheet_import, plan_spreadsheet_export
    page_parser.py        a saved page → the page as data and its problems (no database);
                          the page's parts are read by page_top.py (header block and
                          text sections), page_entries.py, page_steps.py and
                          page_indicators.py (KPIs, quarter table), all over
                          page_lines.py; what they return is in page_data.py
    page_import.py        a parsed page compared with the database, then written
    workbook_columns.py   the workbook's sheets and columns, and how each cell is read
    workbook_read.py      the file → rows, bounded (through projects/archives.py)
    workbook_rows.py      the rows and problems read, kept as JSON with the upload
    workbook_import.py    the rows compared with the database, then written
    workbook_write.py     the template and the export
    month_columns.py      a month's reports of an agency in one workbook (issue 18):
                          its sheets, columns and version token; month_data.py the
                          months open and the projects' rows, month_write.py the
                          download, month_read.py the upload read (bounded),
                          month_import.py the preview and the confirmation (through the
                          report form's services), month_views.py the pages
    changes.py            what an import does to one row (both importers)
    batches.py            uploads kept between the preview and the confirmation
    forms.py, views.py, urls.py
                          the import pages (/imports/, URL namespace ``imports``)

Nothing in the core (models, services, selectors, rule modules) imports this package
(tests/test_layout.py); its callers are its views, the root URLconf and the commands
``import_bma_page`` and ``cleanup_imports``. What it shares with evidence files and
exports stays beside them: projects/archives.py (bounded archive reader),
projects/uploads.py (bounded upload handler), projects/spreadsheets.py (safe cell writer).
"""
