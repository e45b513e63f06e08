"""Every project with steps gets an approved version 1 of its plan, its baseline, copied
from its current steps (issue 18). Written in bulk, a few thousand projects at a time."""

from django.db import migrations
from django.utils import timezone

CHUNK = 2000


def create_baselines(apps, schema_editor):
    Project = apps.get_model("projects", "Project")
    PlanStep = apps.get_model("projects", "PlanStep")
    PlanVersion = apps.get_model("projects", "PlanVersion")
    PlanVersionStep = apps.get_model("projects", "PlanVersionStep")
    now = timezone.now()
    ids = list(
        Project.objects.filter(steps__isnull=False, plan_versions__isnull=True)
        .distinct()
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        versions = PlanVersion.objects.bulk_create(
            PlanVersion(
                project_id=pk, number=1, state="approved", is_baseline=True, decided_at=now
            )
            for pk in chunk
        )
        version_of = {v.project_id: v.pk for v in versions}
        if any(pk is None for pk in version_of.values()):  # a backend without RETURNING
            version_of = dict(
                PlanVersion.objects.filter(project_id__in=chunk).values_list("project_id", "pk")
            )
        steps = PlanStep.objects.filter(project_id__in=chunk).values_list(
            "pk", "project_id", "order", "title", "weight", "starts_on", "ends_on"
        )
        PlanVersionStep.objects.bulk_create(
            (
                PlanVersionStep(
                    version_id=version_of[project_id],
                    source_step_id=pk,
                    order=order,
                    title=title,
                    weight=weight,
                    starts_on=starts_on,
                    ends_on=ends_on,
                )
                for pk, project_id, order, title, weight, starts_on, ends_on in steps.iterator(
                    chunk_size=5000
                )
            ),
            batch_size=5000,
        )


def remove_versions(apps, schema_editor):
    apps.get_model("projects", "PlanVersion").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("projects", "0021_plan_versions")]

    operations = [migrations.RunPython(create_baselines, remove_versions)]
