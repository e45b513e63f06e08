"""The strategy tree's rules without the database: how a free-text strategy line names a
node of the BMA development plan (ด้านที่ 5 … / มิติที่ 5.5 … / เป้าหมายที่ 5.5.1 …, or the
routine work "ภารกิจงานประจำของหน่วยงาน"), and how a node's code follows from its parent's.

The one matching rule, used by the page and workbook importers, the demo loaders and
``services.strategy_links_match``. Migration 0019_strategy_tree keeps a frozen copy of
``codes_in`` and ``match_code`` (a migration must not import app code that will change);
``tests/test_strategy_match.py`` keeps the two equal.
"""

import re
from collections.abc import Iterable, Mapping

PILLAR = "pillar"
DIMENSION = "dimension"
GOAL = "goal"
ROUTINE = "routine"

# The level under each level (routine work has none).
CHILD_LEVEL = {PILLAR: DIMENSION, DIMENSION: GOAL}
PARENT_LEVEL = {DIMENSION: PILLAR, GOAL: DIMENSION}
# How many dot-separated numbers a level's code has ("5", "5.5", "5.5.1").
CODE_PARTS = {PILLAR: 1, DIMENSION: 2, GOAL: 3}

ROUTINE_TEXT = "ภารกิจงานประจำของหน่วยงาน"
ROUTINE_CODE = "R"

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_WORDS = (("ด้านที่", 1), ("มิติที่", 2), ("เป้าหมายที่", 3))
# After the word and at most one space (the text is normalised): possessive, so a long
# hostile line is read once (tests/hostile/test_regex_backtracking.py).
_CODE = re.compile(r"(\d++(?:\s?+\.\s?+\d++)*+)")


def normalise(text: str) -> str:
    """Arabic digits, single spaces, no space at either end."""
    return " ".join(text.translate(_THAI_DIGITS).split())


def codes_in(text: str) -> list[str] | None:
    """The codes a strategy line names, from the top: "ด้านที่ 5 มหานครประชาธิปไตย / มิติที่
    5.5 / เป้าหมายที่ 5.5.1" → ["5", "5.5", "5.5.1"]; the routine line → ["R"]. None when
    the line names no code, or codes that do not nest (มิติที่ 3.1 under ด้านที่ 5), or a
    code of the wrong depth for its word."""
    text = normalise(text)
    if text == ROUTINE_TEXT:
        return [ROUTINE_CODE]
    codes: list[str] = []
    for word, parts in _WORDS:
        start = text.find(word)
        if start < 0:
            continue
        after = start + len(word)
        found = _CODE.match(text, after + (text[after : after + 1] == " "))
        if found is None:
            return None
        code = "".join(found.group(1).split())
        if code.count(".") + 1 != parts:
            return None
        if codes and not code.startswith(codes[-1] + "."):
            return None
        codes.append(code)
    return codes or None


def match_code(text: str, existing: Iterable[str] | Mapping[str, object]) -> str | None:
    """The deepest code named by ``text`` that exists (in ``existing``), else None."""
    codes = codes_in(text)
    if not codes:
        return None
    known = set(existing)
    for code in reversed(codes):
        if code in known:
            return code
    return None


def expected_code_prefix(parent_code: str) -> str:
    return f"{parent_code}."


def code_fits(level: str, code: str, parent_code: str | None) -> bool:
    """Whether ``code`` is a well-formed code of ``level`` under ``parent_code``: "5" for a
    ด้าน, "5.5" under "5", "5.5.1" under "5.5"; the routine node's code is "R"."""
    if level == ROUTINE:
        return code == ROUTINE_CODE and parent_code is None
    parts = code.split(".")
    if len(parts) != CODE_PARTS.get(level, 0) or not all(p.isdigit() for p in parts):
        return False
    if level == PILLAR:
        return parent_code is None
    return parent_code is not None and code.startswith(expected_code_prefix(parent_code))
