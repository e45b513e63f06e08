from pathlib import Path

from django.core.management.base import BaseCommand

from reports.opendata.export import INDEX_NAME, export_to_directory


class Command(BaseCommand):
    help = (
        "Write the open data (the public data: projects, monthly progress, quarter "
        "evaluations, KPIs and their quarter results, budget and transfers) into DIR: one "
        "CSV (UTF-8 with BOM) and one metadata JSON (Thai GDC fields) per data set, and "
        f"{INDEX_NAME}. Files are written beside DIR first, then moved in."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="where the files go (created if missing)")

    def handle(self, *args, directory: Path, **options):
        manifest = export_to_directory(directory)
        for entry in manifest["datasets"]:
            self.stdout.write(f"{entry['name']}: {entry['rows']} rows, {entry['bytes']} bytes")
        self.stdout.write(f"written to {directory}")
