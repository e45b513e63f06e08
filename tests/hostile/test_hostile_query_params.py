"""Hostile query parameters and path segments on every page of the site.

The pages are those of tests/test_permissions_matrix.py (every URL pattern outside the
admin): each GET page is opened by a role allowed to see it, with a few parameters drawn
from every name a view reads (list filters q/year/agency/page, dashboard filters,
evaluation filters, history paging, the report form's preview fields, exports…) set to
hostile values, as a normal request and as an htmx one. The answer is never a 5xx, never
shows a payload unescaped, and changes nothing stored."""

from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.models import QuarterEvaluation
from projects.models import EvidenceFile, PlanStep, ProgressEntry, Project
from reports.models import ReportJob
from tests.factories import UserFactory
from tests.hostile import http, values
from tests.hostile.values import HOSTILE
from tests.test_permissions_matrix import ALLOWED, MATRIX, path_of, world  # noqa: F401

# Every query parameter a view of this site reads (grep request.GET in the apps), and
# the report form's fields, which the live preview reads from the query string.
PARAMETERS = [
    "q",
    "year",
    "agency",
    "page",
    "status",
    "sort",
    "order",
    "kind",
    "period",
    "date",
    "copy",
    "month",
    "compact",
    "digits",
    "next",
    "entry",
    "fiscal_year",
    "reported_on",
    "completed_steps",
    "in_progress_step",
    "partial_percent",
    "percent",
    "version",
    "node",
    "group",
]
HTMX_TARGETS = [None, True, "history-more", "eval-results", "kpi-results", "report-preview"]

GET_PAGES = sorted(key for key, (method, _, _) in MATRIX.items() if method == "get")
# A PDF takes a second or more to draw: fewer examples there.
SLOW = {"print:project_pdf": 3, "dashboard:export": 4, "imports:plan_export": 4}

# A URL carries at most a few kilobytes to the app: gunicorn refuses a request line over
# 4,094 bytes (and browsers and proxies stop near there). Query values are cut to 4,000
# characters, already past that; the 1 MB texts go to the forms' bodies.
URL_SIZED = values.anything().map(lambda value: value[:4000])
PARAMETER_VALUES = st.dictionaries(
    st.one_of(st.sampled_from(PARAMETERS), values.PLAIN_TEXT),
    st.one_of(URL_SIZED, st.lists(URL_SIZED, min_size=2, max_size=3)),
    min_size=1,
    max_size=4,
)


def stored():
    return http.snapshot(
        ProgressEntry, EvidenceFile, PlanStep, Project, QuarterEvaluation, ReportJob
    )


def allowed_roles(key: str) -> list[str]:
    return [role for role, outcome in MATRIX[key][2].items() if outcome == ALLOWED]


# The nastiest values, each sent in every parameter at once on every page, alternately as
# a normal and as an htmx request: len(WORST) requests a page (the session summary prints
# them as "GET <page> (worst values)").
WORST = [
    "\x00",
    "\ud800",
    values.Big("9" * 5000),
    "' OR 1=1 --",
    '"><img src=x onerror=alert("h10")>',
    "0001-01",
    "9999-12-31",
    "ก่" * 2000,
]


@pytest.fixture(autouse=True)
def no_rate_limits(settings):
    """Hundreds of requests from one address: the public pages' and the API's rate limits
    (429, tested in tests/test_public.py and tests/test_api_tokens.py) would answer them
    before the views this test is about."""
    settings.BMA_PUBLIC_RATE = settings.BMA_PUBLIC_PDF_RATE = "100000/m"
    settings.BMA_API_RATES = dict.fromkeys(settings.BMA_API_RATES, "100000/minute")


@pytest.mark.parametrize("key", GET_PAGES)
def test_query_parameters(client, world, key):  # noqa: F811 (the imported fixture)
    method, spec, _expected = MATRIX[key]
    path = path_of(key, spec, world).partition("?")[0]  # the parameters are the test's
    roles = [r for r in allowed_roles(key) if r != "anonymous"] or ["admin"]
    for index, value in enumerate(WORST):
        client.force_login(world["users"][roles[index % len(roles)]])
        with http.rolled_back():
            before = stored()
            response = http.get(
                client,
                path,
                dict.fromkeys(PARAMETERS, value),
                htmx=bool(index % 2) and key not in SLOW,
                form=f"GET {key} (worst values)",
            )
            expected = (400,) if value == "\x00" else (200, 302, 400, 404, 410)
            assert response.status_code in expected, (value, response.status_code)
            assert stored() == before

    @settings(HOSTILE, max_examples=SLOW.get(key, 5))
    @given(
        role=st.sampled_from(roles),
        params=PARAMETER_VALUES,
        htmx=st.sampled_from(HTMX_TARGETS),
    )
    def attempt(role, params, htmx):
        client.force_login(world["users"][role])
        with http.rolled_back():
            before = stored()
            response = http.get(client, path, params, htmx=htmx, form=f"GET {key}")
            assert response.status_code in (200, 302, 400, 404, 410), response.status_code
            assert stored() == before

    attempt()


# Pages whose URL holds a free string (a project or KPI code, an upload's token, an export
# format) or a number: hostile values in the path itself.
PATHS = [
    "/projects/{}/",
    "/projects/{}/steps/",
    "/projects/{}/steps/timeline/",
    "/projects/{}/report/",
    "/projects/{}/report/preview/",
    "/projects/{}/changes/",
    "/projects/{}/print/",
    "/projects/{}/evidence/1/",
    "/indicators/{}/",
    "/indicators/{}/criteria/",
    "/evaluation/projects/{}/history/",
    "/imports/pages/{}/",
    "/imports/plan/{}/",
    "/dashboard/export.{}",
]
NUMBER_PATHS = [
    "/evaluation/{}/1/",
    "/evaluation/2564/{}/",
    "/evaluation/{}/summary/",
    "/evaluation/{}/{}/history/",
    "/reports/jobs/{}/",
    "/projects/x/evidence/{}/",
]


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(admin=True))
    return client


def segment(value: str) -> str:
    return quote(value.encode("utf-8", "surrogatepass"), safe="")


@settings(HOSTILE, max_examples=40)
@given(template=st.sampled_from(PATHS), value=URL_SIZED)
def test_path_segments(admin_client, template, value):
    with http.rolled_back():
        before = stored()
        response = http.get(admin_client, template.format(segment(value)), form="URL path segments")
        # 405: a "/" in the value (%2F is decoded) can make the path another view's, one
        # that takes POST only (/indicators/0/0/0/ saves a KPI's quarter).
        assert response.status_code in (200, 302, 400, 404, 405, 410), response.status_code
        assert stored() == before


@settings(HOSTILE, max_examples=25)
@given(
    template=st.sampled_from(NUMBER_PATHS),
    number=st.one_of(
        st.integers(min_value=0, max_value=10**40),
        st.sampled_from([0, 5, 2147483648, 9223372036854775808, 10**30, 10**100]),
    ),
)
def test_number_path_segments(admin_client, template, number):
    with http.rolled_back():
        before = stored()
        path = template.replace("{}", str(number))
        response = http.get(admin_client, path, form="URL path segments")
        assert response.status_code in (200, 302, 404), response.status_code
        assert stored() == before
