"""The one optimistic-lock helper (projects/locking.py), and that every versioned save uses
it: monthly reports, the plan, quarter evaluations and KPI results."""

import re
from pathlib import Path

import pytest

from projects.locking import EditConflict, claim_version
from projects.models import Project
from tests.factories import ProjectFactory

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_claim_bumps_the_version_and_writes_the_values():
    project = ProjectFactory(name="เดิม")
    claim_version(
        Project.objects.filter(pk=project.pk),
        field="plan_version",
        loaded=1,
        values={"name": "ใหม่"},
        stored=lambda: pytest.fail("claimed at the loaded version"),
    )
    project.refresh_from_db()
    assert (project.plan_version, project.name) == (2, "ใหม่")


@pytest.mark.django_db
def test_a_stale_claim_writes_nothing_and_raises_what_is_stored():
    project = ProjectFactory(name="เดิม")
    Project.objects.filter(pk=project.pk).update(plan_version=5)
    with pytest.raises(EditConflict) as caught:
        claim_version(
            Project.objects.filter(pk=project.pk),
            field="plan_version",
            loaded=1,
            values={"name": "ใหม่"},
            stored=lambda: EditConflict("stored", version=5),
        )
    assert (caught.value.current, caught.value.version) == ("stored", 5)
    project.refresh_from_db()
    assert (project.plan_version, project.name) == (5, "เดิม")


def test_no_module_claims_a_version_by_hand():
    """A claim is an UPDATE filtered on the loaded version; only locking.py writes one.
    (Imports and the admin bump a plan's version unconditionally, to refuse an editor left
    open meanwhile: a bump, not a claim.)"""
    claim = re.compile(r"filter\([^)]*version[^)]*\)\s*\.update\(", re.S)
    found = [
        str(path.relative_to(ROOT))
        for app in ("projects", "indicators", "reports")
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts and claim.search(path.read_text(encoding="utf-8"))
    ]
    assert found == []
