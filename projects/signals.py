"""What the core says about its own writes, for those who keep copies of what pages show
(projects/pagecache.py). The core sends; it imports no cache.

``rows_written``: rows of ``sender`` (a model) were written without ``Model.save()`` or
``delete()``, so no ``post_save``/``post_delete`` went out: ``QuerySet.update()``,
``bulk_create()``, ``bulk_history_create()``, SQL. ``project_ids`` names the projects the
rows belong to, or is None when they are many or unknown (an import, the demo data).
Send it inside the writer's transaction; receivers act once it commits.
"""

from django.dispatch import Signal

rows_written = Signal()
