"""Hostile input on the evaluation screens: a row of the quarterly evaluation, a KPI's
quarter result and its criteria, reopening a closed quarter."""

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from indicators.models import (
    IndicatorLevel,
    IndicatorQuarterResult,
    QuarterEvaluation,
    QuarterLock,
    QuarterLockEvent,
)
from tests.factories import (
    FiscalYearFactory,
    IndicatorFactory,
    ProjectFactory,
    QuarterLockFactory,
    UserFactory,
)
from tests.hostile import http, values
from tests.hostile.test_hostile_projects import BAD_PERCENTS, received, some_of, text_refused
from tests.hostile.values import HOSTILE

pytestmark = pytest.mark.django_db

# A result (ผลงาน) may pass 100 (e.g. 120% of a target), never these.
BAD_RESULTS = values.NEVER_A_DECIMAL | {"-1", "-0.01"}


@pytest.fixture
def evaluator(db):
    return UserFactory(evaluator=True)


@pytest.fixture
def project(db):
    return ProjectFactory(fiscal_year=FiscalYearFactory(year_be=2564))


@pytest.fixture
def indicator(project):
    return IndicatorFactory(projects=[project])


def stored():
    return http.snapshot(
        QuarterEvaluation,
        IndicatorQuarterResult,
        IndicatorLevel,
        QuarterLock,
        QuarterLockEvent,
    )


def row_fields(prefix: str) -> dict:
    return {
        f"{prefix}-result_value": values.numbers(),
        f"{prefix}-criterion_21": values.numbers(),
        f"{prefix}-criterion_22": values.numbers(),
        f"{prefix}-project_score": values.numbers(),
        f"{prefix}-comment": values.texts(),
        f"{prefix}-version": values.numbers(),
        "next": values.anything(),
    }


def first_bad(hostile: dict, prefix: str) -> str | None:
    for name in ("criterion_21", "criterion_22", "project_score"):
        if hostile.get(f"{prefix}-{name}") in BAD_PERCENTS:
            return name
    if hostile.get(f"{prefix}-result_value") in BAD_RESULTS:
        return "result_value"
    comment = hostile.get(f"{prefix}-comment")
    if comment is not None and text_refused(comment, max_length=2000):
        return "comment"
    return None


@HOSTILE
@given(data=st.data(), htmx=st.booleans())
def test_evaluation_row(client, evaluator, project, data, htmx):
    prefix = f"p{project.pk}"
    hostile = data.draw(some_of(row_fields(prefix)))
    client.force_login(evaluator)
    posted = {
        f"{prefix}-result_value": "80",
        f"{prefix}-criterion_21": "50",
        f"{prefix}-criterion_22": "40",
        f"{prefix}-project_score": "90",
        f"{prefix}-comment": "ดี",
        f"{prefix}-version": "0",
        **hostile,
    }
    with http.rolled_back():
        before = stored()
        response = http.post(
            client,
            f"/evaluation/2564/1/projects/{project.code}/",
            posted,
            htmx=f"eval-{project.pk}" if htmx else None,
            form="evaluation row (POST)",
        )
        after = stored()
        bad = first_bad(hostile, prefix)
        accepted = response.status_code == 302 or (htmx and response.status_code == 200)
        if bad or not accepted:
            assert not accepted, f"saved with a bad {bad}"
            http.assert_refused(response, before, after, field=bad and f"{prefix}-{bad}")
            return
        evaluation = QuarterEvaluation.objects.get(project=project, quarter=1)
        assert evaluation.comment == received(posted[f"{prefix}-comment"]).strip()
        if response.status_code == 302:
            # Only to this site (the "next" field cannot send people elsewhere).
            location = response["Location"]
            assert location.startswith("/") and not location.startswith("//"), location
        http.get(client, "/evaluation/2564/1/", form="evaluation row (POST)")
        http.get(
            client, f"/evaluation/projects/{project.code}/history/", form="evaluation row (POST)"
        )


def kpi_fields(prefix: str) -> dict:
    return {
        f"{prefix}-achieved_level": values.anything(),
        f"{prefix}-criterion_21": values.numbers(),
        f"{prefix}-criterion_22": values.numbers(),
        f"{prefix}-comment": values.texts(),
        f"{prefix}-version": values.numbers(),
    }


@HOSTILE
@given(data=st.data(), htmx=st.booleans())
def test_kpi_quarter_result(client, evaluator, indicator, data, htmx):
    hostile = data.draw(some_of(kpi_fields("q2")))
    client.force_login(evaluator)
    posted = {
        "q2-achieved_level": "4",
        "q2-criterion_21": "50",
        "q2-criterion_22": "40",
        "q2-comment": "ตามเป้าหมาย",
        "q2-version": "0",
        **hostile,
    }
    with http.rolled_back():
        before = stored()
        response = http.post(
            client,
            f"/indicators/{indicator.code}/2564/2/",
            posted,
            htmx="kpi-q2" if htmx else None,
            form="KPI quarter result (POST)",
        )
        after = stored()
        bad = None
        for name in ("criterion_21", "criterion_22"):
            if hostile.get(f"q2-{name}") in BAD_PERCENTS:
                bad = name
        if "q2-comment" in hostile and text_refused(hostile["q2-comment"], max_length=2000):
            bad = "comment"
        level = hostile.get("q2-achieved_level")
        if level is not None and received(level).strip() not in {"", "1", "2", "3", "4", "5"}:
            bad = "achieved_level"
        accepted = response.status_code == 302 or (htmx and response.status_code == 200)
        if bad or not accepted:
            assert not accepted, f"saved with a bad {bad}"
            http.assert_refused(response, before, after, field=bad and f"q2-{bad}")
            return
        result = IndicatorQuarterResult.objects.get(indicator=indicator, quarter=2)
        assert result.comment == received(posted["q2-comment"]).strip()
        http.get(client, f"/indicators/{indicator.code}/", form="KPI quarter result (POST)")


CRITERIA = {f"level_{level}": values.texts() for level in range(1, 6)}


@HOSTILE
@given(hostile=some_of(CRITERIA))
def test_kpi_criteria(client, evaluator, indicator, hostile):
    client.force_login(evaluator)
    posted = {f"level_{level}": f"ระดับ {level}" for level in range(1, 6)} | hostile
    with http.rolled_back():
        before = stored()
        response = http.post(
            client,
            f"/indicators/{indicator.code}/criteria/",
            posted,
            form="KPI criteria (POST)",
        )
        after = stored()
        bad = next(
            (name for name, value in hostile.items() if text_refused(value, max_length=2000)),
            None,
        )
        if bad or response.status_code != 302:
            assert response.status_code != 302, f"saved with a bad {bad}"
            http.assert_refused(response, before, after, field=bad)
            return
        saved = dict(indicator.levels.values_list("level", "description"))
        for name, value in hostile.items():
            level = int(name.removeprefix("level_"))
            expected = received(value).strip()
            assert saved.get(level, "") == expected
        http.get(client, f"/indicators/{indicator.code}/", form="KPI criteria (POST)")


@HOSTILE
@given(
    reason=values.texts(), extra=st.dictionaries(values.PLAIN_TEXT, values.anything(), max_size=2)
)
def test_quarter_reopen_and_lock(client, evaluator, project, reason, extra):
    lock = QuarterLockFactory(
        fiscal_year=project.fiscal_year,
        quarter=1,
        is_locked=True,
        locked_by=evaluator,
        locked_at=timezone.now(),
    )
    client.force_login(evaluator)
    with http.rolled_back():
        before = stored()
        response = http.post(
            client,
            "/evaluation/2564/1/reopen/",
            {**extra, "reason": reason},
            form="quarter reopen (POST)",
        )
        after = stored()
        if response.status_code == 400:  # a body over DATA_UPLOAD_MAX_MEMORY_SIZE
            http.assert_refused(response, before, after)
            return
        if text_refused(reason, max_length=1000, required=True):
            assert response.status_code == 422
            http.assert_refused(response, before, after, field="reason")
            return
        assert response.status_code == 302
        event = QuarterLockEvent.objects.filter(lock=lock).latest("pk")
        assert event.reason == received(reason).strip()
        http.get(client, "/evaluation/2564/1/history/", form="quarter reopen (POST)")
        # Closing again takes no field at all: whatever else is posted is ignored.
        response = http.post(
            client,
            "/evaluation/2564/1/lock/",
            {**extra, "reason": reason},
            form="quarter lock (POST)",
        )
        assert response.status_code == 302
        lock.refresh_from_db()
        assert lock.is_locked
