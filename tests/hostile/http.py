"""Sending hostile requests and judging the answers.

The rules every answer must follow (issue 7, "bad input"):
- never a 5xx;
- a page never carries a payload unescaped (no ``<script>alert``, no ``onerror=`` in a
  tag, no ``javascript:`` link);
- a refused form comes back with a Thai message next to the field (or in the form's
  error list) and the stored data is unchanged (``snapshot`` before and after).

``tried`` counts the hostile requests per form or page; tests/hostile/conftest.py prints
the counts at the end of the run and writes them to test-results/hostile-inputs.json.
"""

import re
from collections import Counter
from contextlib import contextmanager
from urllib.parse import urlencode

from django.db import transaction
from django.forms.models import model_to_dict

from tests.html import Page, text_of

tried: Counter = Counter()

THAI = re.compile(r"[\u0e01-\u0e5b]")

# What an unescaped payload from tests/hostile/values.py would look like in a page.
UNESCAPED = re.compile(
    r"<script>alert|<img src=x onerror|<svg onload|<iframe srcdoc|"
    r"""href=["']?javascript:|src=["']?javascript:|</textarea><script|</title><script"""
    r"|</script><script>alert",
    re.IGNORECASE,
)

ERROR_SELECTORS = (
    ".field__error",
    ".errorlist li",
    "[role=alert]",
    ".message--error",
    ".form-error",
    ".error",
)


def _pairs(data: dict) -> list[tuple[str, str]]:
    pairs = []
    for key, value in data.items():
        if value is None:
            continue
        for item in value if isinstance(value, list | tuple) else [value]:
            pairs.append((key, str(item)))
    return pairs


def query(data: dict) -> str:
    """A query string; lone surrogates go as their (invalid) UTF-8 bytes."""
    return urlencode(_pairs(data), errors="surrogatepass")


def get(client, path: str, params: dict | None = None, *, htmx: str | None = None, form: str):
    tried[form] += 1
    url = f"{path}?{query(params)}" if params else path
    headers = _htmx_headers(htmx)
    response = client.get(url, headers=headers)
    assert_answer(response)
    return response


def post(client, path: str, data: dict, *, files: dict | None = None, htmx=None, form: str):
    """A POST as a browser sends it: urlencoded, or multipart when files are given."""
    tried[form] += 1
    headers = _htmx_headers(htmx)
    if files is None:
        body = query(data).encode("ascii")
        response = client.post(
            path, body, content_type="application/x-www-form-urlencoded", headers=headers
        )
    else:
        # Values go as bytes (a lone surrogate as its invalid UTF-8), each in a list: the
        # test client would send a bare bytes value as one part per byte.
        fields = {
            key: [
                str(v).encode("utf-8", "surrogatepass")
                for v in (value if isinstance(value, list | tuple) else [value])
            ]
            for key, value in data.items()
            if value is not None
        }
        response = client.post(path, {**fields, **files}, headers=headers)
    assert_answer(response)
    return response


def _htmx_headers(htmx) -> dict:
    if not htmx:
        return {}
    headers = {"HX-Request": "true"}
    if isinstance(htmx, str):
        headers["HX-Target"] = htmx
    return headers


def assert_answer(response) -> None:
    assert response.status_code < 500, f"server error {response.status_code}"
    if response.streaming:
        # Read to the end: the test client's wrapper then closes the file (response.close()
        # here would send request_finished, which closes the test's database connection).
        response.streamed = b"".join(response.streaming_content)
    if "html" in response.get("Content-Type", "") and not response.streaming:
        assert_escaped(response.content.decode("utf-8", "replace"))


def assert_escaped(html: str) -> None:
    found = UNESCAPED.search(html)
    assert found is None, (
        f"unescaped payload in the page: …{html[max(0, found.start() - 80) : found.end() + 80]}…"
    )


def page_of(response) -> Page:
    """The page, or an htmx fragment; a table row fragment is parsed inside a table (an
    HTML parser drops a <tbody> or <tr> found outside one)."""
    html = response.content.decode("utf-8", "replace")
    if re.match(r"\s*<(tbody|tr)\b", html):
        html = f"<table>{html}</table>"
    return Page(html)


def thai_errors(response) -> list[str]:
    """The Thai error messages a page shows (field errors, error lists, alerts)."""
    page = page_of(response)
    messages = []
    for selector in ERROR_SELECTORS:
        messages += [text_of(element) for element in page.all(selector)]
    return [message for message in messages if THAI.search(message)]


def assert_refused(response, before: dict, after: dict, *, field: str | None = None) -> None:
    """A refusal: a 4xx or the form again, a Thai message (next to ``field`` when given),
    and nothing stored changed."""
    assert response.status_code in (200, 400, 403, 404, 409, 410, 413, 422, 423), (
        response.status_code
    )
    assert before == after, "stored data changed although the input was refused"
    if response.status_code == 400:
        assert has_thai(response.content.decode("utf-8", "replace")), "a 400 page not in Thai"
    if response.status_code in (200, 409, 422, 423):
        errors = thai_errors(response)
        assert errors, "refused without a Thai message"
        if field is not None:
            assert error_near(page_of(response), field), (
                f"no error marked next to the field {field}: {errors}"
            )


def error_near(page: Page, field: str) -> bool:
    """An error element named after the field (id_<field>_error), or an invalid field
    container holding the input of that name (prefixed names count: p12-comment)."""
    for element in page.all("[id$=_error], [id$=_errors]"):
        if field in element.get("id", ""):
            return True
    for element in page.all(".field--invalid, [aria-invalid=true]"):
        names = [node.get("name") or "" for node in element.iter()]
        if any(name == field or name.endswith("-" + field) for name in names):
            return True
    return False


def snapshot(*models) -> dict:
    """Every row of the given models, as plain values, in primary-key order."""
    return {
        model._meta.label: [
            {
                **model_to_dict(obj, fields=[f.name for f in obj._meta.concrete_fields]),
                "pk": obj.pk,
            }
            for obj in model._default_manager.order_by("pk")
        ]
        for model in models
    }


@contextmanager
def rolled_back():
    """One hypothesis example in a savepoint that is always rolled back: every example
    starts from the same stored data."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def has_thai(text: str) -> bool:
    return bool(THAI.search(text))
