"""The background open-data export (django-tasks; ``manage.py db_worker`` runs it)."""

from django_tasks import task

from reports.opendata import services


@task()
def build_open_data(export_id: int) -> int:
    """Build one export; returns the rows written in all."""
    export = services.open_data_export_build(export_id=export_id)
    return sum(entry["rows"] for entry in export.manifest.get("datasets", []))
