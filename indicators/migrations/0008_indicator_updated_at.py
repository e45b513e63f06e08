"""Indicator.updated_at, for the API's updated_since (issue 17): existing KPIs get the time
of the migration."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0007_public_flags"),
    ]

    operations = [
        migrations.AddField(
            model_name="indicator",
            name="updated_at",
            field=models.DateTimeField(
                auto_now=True, default=django.utils.timezone.now, verbose_name="แก้ไขล่าสุด"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="historicalindicator",
            name="updated_at",
            field=models.DateTimeField(
                blank=True,
                default=django.utils.timezone.now,
                editable=False,
                verbose_name="แก้ไขล่าสุด",
            ),
            preserve_default=False,
        ),
    ]
