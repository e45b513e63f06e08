"""The importers: pages of today's system and the annual-plan workbook (issue 8).

Nothing in the core (models, services, selectors, rule modules) imports this package;
its views, URLs (``imports:``) and the management commands ``import_bma_page`` and
``cleanup_imports`` are its callers.
"""
