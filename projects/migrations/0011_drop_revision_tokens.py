# Kept pages are keyed by versions held in the cache (projects/pagecache.py), not by
# revision tokens in the database: the "site" and "projects" rows that every writer locked
# until its commit, and each project's revision column, go.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0010_entries_newest_month_first'),
    ]

    operations = [
        migrations.DeleteModel(
            name='RevisionToken',
        ),
        migrations.RemoveField(
            model_name='project',
            name='revision',
        ),
    ]
