"""The page importer's patterns, rewritten to run in linear time (issue 12, item 4), read
every line as the plain patterns they replace did: the same lines match, with the same
groups. The plain patterns are kept here only as the reference; on short lines they are
quick.

Lines have no line break: the importer applies these patterns to one stripped line.
"""

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projects.imports import page_entries, page_indicators, page_steps, page_top

# The patterns as they were before the rewrite (projects/bma_page.py, commit 3fafc8a).
PLAIN = {
    "_AGENCY_LINE": r"^(?P<name>.*?)\s*:\s*\((?P<year>[^()]*)\)$",
    "_ENTRY_HEAD": (
        r"^\((?P<number>[^()]*)\)\s*ความคืบหน้าโครงการฯ\s*ร้อยละ\s*(?P<percent>.*?)\s*"
        r"\((?P<date>[^()]*)\)$"
    ),
    "_STEP_WEIGHT": r"^:\s*(?P<weight>[^%]*?)\s*%$",
    "_STEP_LINK": r"^\((?:ทดสอบ|คลิก)\)\s*(?P<title>.*?)\s*:\s*(?P<code>\S*)$",
    "_STRATEGY": r"^\*+\s*(?P<text>.*?)\s*\*+\s*%?$",
    "_KPI_TARGET": r"^ค่าเป้าหมาย\s*(?P<unit>\S*)\s*:\s*(?P<value>.*)$",
    "_KPI_ACHIEVED": r"^ผลงานที่ทำได้\s*(?P<unit>\S*)\s*:\s*(?P<value>.*)$",
    "_PHONE": r"^(?P<name>.*?)\s*(?:โทร(?:ศัพท์)?\.?|Tel\.?)\s*:?\s*(?P<phone>[\d\s\-,#/]+.*)$",
}
# Where each pattern lives now (one module per part of the page).
MODULES = {
    "_AGENCY_LINE": page_top,
    "_ENTRY_HEAD": page_entries,
    "_STEP_WEIGHT": page_steps,
    "_STEP_LINK": page_steps,
    "_STRATEGY": page_top,
    "_KPI_TARGET": page_indicators,
    "_KPI_ACHIEVED": page_indicators,
    "_PHONE": page_top,
}
# Groups the importer reads from each (the link's title is not read, so not kept).
READ = {
    "_AGENCY_LINE": ("name", "year"),
    "_ENTRY_HEAD": ("number", "percent", "date"),
    "_STEP_WEIGHT": ("weight",),
    "_STEP_LINK": ("code",),
    "_STRATEGY": ("text",),
    "_KPI_TARGET": ("unit", "value"),
    "_KPI_ACHIEVED": ("unit", "value"),
    "_PHONE": ("name", "phone"),
}
# Lines are made of each pattern's parts in order (any of them may be missing) with
# short runs of the characters around its quantifiers before, between and after them.
COMMON = [" ", "  ", "\t", "\u00a0", ":", "x", "ก", "1", "-", "%", "*", "(", ")", ".", "/"]
PARTS = {
    "_AGENCY_LINE": [["สำนัก", "x"], [":"], ["(", "(2564)"], [")"]],
    "_ENTRY_HEAD": [["(1)", "("], [")"], ["ความคืบหน้าโครงการฯ"], ["ร้อยละ"], ["50.00"], ["("], [")"]],
    "_STEP_WEIGHT": [[":"], ["5", "5.5"], ["%"]],
    "_STEP_LINK": [["(คลิก)", "(ทดสอบ)"], ["ขั้นตอน"], [":", " : "], ["01000000-2462", "x"]],
    "_STRATEGY": [["*", "****"], ["ภารกิจ"], ["*", "****"], ["%"]],
    "_KPI_TARGET": [["ค่าเป้าหมาย"], ["ระดับ", "x:y"], [":", " : "], ["5"]],
    "_KPI_ACHIEVED": [["ผลงานที่ทำได้"], ["ระดับ"], [":", " : "], ["-"]],
    "_PHONE": [["นางสุดา"], ["โทร", "โทรศัพท์", "Tel", "โทร.", "Tel."], [":", " : "], ["1234"]],
}
FILL = st.one_of(
    st.just(""),
    st.sampled_from([" ", "  ", " \t "]),
    st.lists(st.sampled_from(COMMON), max_size=3).map("".join),
)


def lines(name: str) -> st.SearchStrategy[str]:
    parts = [st.sampled_from(choices * 4 + [""]) for choices in PARTS[name]]
    shaped = st.tuples(FILL, *[st.tuples(part, FILL).map("".join) for part in parts])
    loose = st.lists(st.sampled_from(COMMON + sum(PARTS[name], [])), max_size=10)
    return st.one_of(shaped, loose).map("".join)


def read(pattern: re.Pattern, name: str, line: str):
    match = pattern.match(line)
    if match is None:
        return None
    # A pattern's branch without a group reads as the group's empty text.
    return {group: match.group(group) or "" for group in READ[name]}


@pytest.mark.parametrize("name", sorted(PLAIN))
def test_the_linear_pattern_reads_lines_as_the_plain_one(name):
    plain = re.compile(PLAIN[name])
    linear = getattr(MODULES[name], name)

    @settings(
        max_examples=800,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(line=lines(name))
    def same(line):
        assert read(linear, name, line) == read(plain, name, line), repr(line)

    same()


@pytest.mark.parametrize(
    ("name", "line"),
    [
        ("_STRATEGY", "**"),
        ("_STRATEGY", "*"),
        ("_STRATEGY", "** a * **"),
        ("_STRATEGY", "**** ภารกิจงานประจำของหน่วยงาน ****%"),
        ("_STEP_LINK", "(คลิก) a : b:c"),
        ("_STEP_LINK", "(คลิก) a:b c"),
        ("_STEP_LINK", "(คลิก):x"),
        ("_STEP_WEIGHT", ":   %"),
        ("_STEP_WEIGHT", ": 5 5 %"),
        ("_AGENCY_LINE", "สำนัก : a : (2564)"),
        ("_KPI_TARGET", "ค่าเป้าหมาย a:b : 5"),
        ("_KPI_TARGET", "ค่าเป้าหมาย ระดับ: 5"),
        ("_PHONE", "นาย โทร :x"),
        ("_PHONE", "นางสุดา โทร. 1234"),
        ("_PHONE", "นายโทร1234"),
    ],
)
def test_edge_lines_read_as_before(name, line):
    assert read(getattr(MODULES[name], name), name, line) == read(
        re.compile(PLAIN[name]), name, line
    )
