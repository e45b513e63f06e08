"""pg_trgm GIN indexes for the Thai partial-word search (projects/search.py), on PostgreSQL
only: SQLite has no such indexes and scans instead.

The indexes are on the raw columns: projects/search.py matches a term of Thai letters or
digits (no letter case) with LIKE and a term with Latin letters with ILIKE, and a pg_trgm
index serves both. They are not in the models' Meta (they would not exist on SQLite),
hence RunPython rather than AddIndex.
"""

from django.db import migrations

INDEXES = (
    ("project_name_trgm", "projects_project", "name"),
    ("project_code_trgm", "projects_project", "code"),
    ("entry_narrative_trgm", "projects_progressentry", "narrative"),
)


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin ("{column}" gin_trgm_ops)'
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0005_evidence_files"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
