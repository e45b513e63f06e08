# Sessions are Django's own again (django.contrib.sessions: the django_session table, read
# through the cache when REDIS_URL is set). The sessions of the custom table go with it:
# everybody logs in once more after this migration.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0011_drop_revision_tokens'),
    ]

    operations = [
        migrations.DeleteModel(
            name='Session',
        ),
    ]
