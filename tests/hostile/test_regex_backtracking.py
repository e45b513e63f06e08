"""Every regular expression of the app runs in linear time, whatever text it is given.

A page of today's system once took 92 s to import: its step line ":" + 5,000 spaces + "x"
sent ``^:\\s*(?P<weight>[^%]*?)\\s*%$`` through every way of sharing the spaces between its
three quantifiers (issue 12, item 4). Uploaded pages and workbooks and the text people
type reach these patterns, so none may backtrack more than a bounded amount per
character.

The patterns are collected, not listed: every ``re.compile`` of the app is at module level
(the first test keeps it so), and the timing test takes every pattern of those modules.
Each pattern gets lines of 100,000 characters built from a string that follows the
pattern (a "witness": its literals, one character of each class), cut at each place, with
a long run of one character (a space, a tab, a Thai letter or digit, a colon, and each
character of the witness that stands alone: the pattern's own punctuation and classes) and an ending that makes the match fail. A pattern that backtracks
quadratically takes minutes on such a line; a linear one, milliseconds.
"""

import ast
import importlib
import re
import time
from pathlib import Path
from re import _constants as sre
from re import _parser as sre_parse

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
PACKAGES = ("projects", "indicators", "reports", "bmaprogress")
LENGTH = 100_000
SECONDS = 0.5  # per line of LENGTH characters: a bound on complexity, not a speed target
# Characters tried as long runs, besides those of each pattern's witness.
RUN_CHARACTERS = " \tx1๑ก:"
# What follows the run: nothing, something no pattern ends with, a line break and more.
ENDINGS = ("", "\x01", "\nx")


def app_modules() -> dict[str, ast.Module]:
    modules = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            modules[name.removesuffix(".__init__")] = ast.parse(path.read_text(), str(path))
    return modules


def _is_re_call(node) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "re"
        and node.func.attr != "escape"
    )


def test_every_regex_is_compiled_at_module_level():
    """So that the timing test below sees it: no ``re.search(r"…", text)`` in a function."""
    inline = []
    for name, tree in app_modules().items():
        for top in tree.body:
            if isinstance(top, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                inline += [
                    f"{name}:{node.lineno} re.{node.func.attr}"
                    for node in ast.walk(top)
                    if _is_re_call(node)
                ]
    assert inline == [], "\n".join(inline)


def _patterns_in(value, name: str, depth: int = 0):
    """(name, pattern) of a module attribute: a pattern, or patterns kept in a dict,
    tuple or list (two levels deep, e.g. {part: (pattern, pattern)})."""
    if isinstance(value, re.Pattern):
        yield name, value
    elif depth < 2 and isinstance(value, dict | tuple | list):
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, item in items:
            yield from _patterns_in(item, f"{name}[{key!r}]", depth + 1)


def app_patterns() -> dict[str, re.Pattern]:
    patterns = {}
    for name, tree in app_modules().items():
        if not any(_is_re_call(node) for node in ast.walk(tree)):
            continue
        module = importlib.import_module(name)
        for attribute, value in vars(module).items():
            patterns.update(_patterns_in(value, f"{name}.{attribute}"))
    return patterns


PATTERNS = app_patterns()


def test_the_patterns_of_uploaded_text_are_collected():
    for name in (
        "projects.imports.page_steps._STEP_WEIGHT",
        "projects.imports.page_entries._ENTRY_HEAD",
        "projects.imports.workbook_columns._NUMBERED_LINE",
        "projects.thaidates._DMY",
    ):
        assert name in PATTERNS


# --- a witness of each pattern, cut into pieces -------------------------------------------

_CATEGORIES = {
    sre.CATEGORY_DIGIT: str.isdigit,
    sre.CATEGORY_NOT_DIGIT: lambda c: not c.isdigit(),
    sre.CATEGORY_SPACE: str.isspace,
    sre.CATEGORY_NOT_SPACE: lambda c: not c.isspace(),
    sre.CATEGORY_WORD: lambda c: c.isalnum() or c == "_",
    sre.CATEGORY_NOT_WORD: lambda c: not (c.isalnum() or c == "_"),
}
_CANDIDATES = "x1 ก:./-%*()@a\t"


def _in_class(char: str, items) -> bool:
    negate, found = False, False
    for op, arg in items:
        if op is sre.NEGATE:
            negate = True
        elif op is sre.LITERAL:
            found |= char == chr(arg)
        elif op is sre.RANGE:
            found |= arg[0] <= ord(char) <= arg[1]
        elif op is sre.CATEGORY:
            found |= _CATEGORIES[arg](char)
    return found != negate


def _one_of(items) -> str:
    for char in _CANDIDATES:
        if _in_class(char, items):
            return char
    for op, arg in items:  # e.g. control characters only
        if op is sre.LITERAL or op is sre.RANGE:
            return chr(arg if op is sre.LITERAL else arg[0])
    raise AssertionError(f"no character for the class {items}: extend _CANDIDATES")


def _pieces(items) -> list[str]:
    """A string the parsed pattern ``items`` matches, as a list of pieces: each run of
    literals is one piece, every other element its own."""
    pieces: list[str] = []
    literal = ""
    for op, arg in items:
        if op is sre.LITERAL:
            literal += chr(arg)
            continue
        if literal:
            pieces.append(literal)
            literal = ""
        if op is sre.NOT_LITERAL:
            pieces.append("x" if chr(arg) != "x" else "y")
        elif op is sre.ANY:
            pieces.append("x")
        elif op is sre.IN:
            pieces.append(_one_of(arg))
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
            low, _high, body = arg
            pieces += _pieces(body) * max(low, 1)
        elif op is sre.SUBPATTERN:
            pieces += _pieces(arg[-1])
        elif op is sre.ATOMIC_GROUP:
            pieces += _pieces(arg)
        elif op is sre.BRANCH:
            pieces += _pieces(arg[1][0])
        elif op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
            continue
        else:
            raise AssertionError(f"no witness for {op} in a pattern: extend _pieces")
    if literal:
        pieces.append(literal)
    return pieces


def hostile_lines(pattern: re.Pattern):
    """(label, line of a given length) pairs: the witness cut after each piece, a run of
    one character, an ending."""
    pieces = _pieces(sre_parse.parse(pattern.pattern, pattern.flags))
    characters = dict.fromkeys(
        RUN_CHARACTERS + "".join(piece for piece in pieces if len(piece) == 1)
    )
    heads = dict.fromkeys("".join(pieces[:cut]) for cut in range(len(pieces) + 1))
    for head in heads:
        for character in characters:
            for ending in ENDINGS:

                def line(length, head=head, character=character, ending=ending):
                    return head + character * (length - len(head) - len(ending)) + ending

                yield f"{head!r} + {character!r} × n + {ending!r}", line


def _seconds(call, line) -> float:
    """The shortest of three runs: a busy machine makes a run slow, not three."""
    times = []
    for _ in range(3):
        started = time.perf_counter()
        call(line)
        times.append(time.perf_counter() - started)
        if times[-1] < 0.001:
            break
    return min(times)


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_each_regex_is_linear_on_100_kb_hostile_lines(name):
    pattern = PATTERNS[name]
    # A bytes pattern (what is read from a zip's XML) is given the line's bytes.
    if isinstance(pattern.pattern, bytes):
        subject = lambda text: text.encode("utf-8", "surrogatepass")  # noqa: E731
    else:
        subject = lambda text: text  # noqa: E731
    slow = []
    for label, line in hostile_lines(pattern):
        for call in (pattern.search, pattern.fullmatch):
            # Shorter lines first, with the bound scaled down: a quadratic pattern fails
            # there in a second instead of running for minutes on the long line.
            for length in (1_000, 10_000, LENGTH):
                bound = max(SECONDS * length / LENGTH, 0.05)
                seconds = _seconds(call, subject(line(length)))
                if seconds > bound:
                    slow.append(f"{call.__name__}({label}), n = {length:,}: {seconds:.2f} s")
                    break
            if slow:
                break
        if slow:
            break
    assert slow == [], f"{name} = {pattern.pattern!r} backtracks"


def test_the_92_second_step_line_of_issue_12():
    from projects.imports import page_parser

    page = (ROOT / "fixtures" / "pages" / "bma-project-page-01000000-2462.txt").read_text()
    step = ":จัดทำแผนการดำเนินการตามโครงการ\n:5%\n"
    assert step in page
    hostile = page.replace(step, step.replace(":5%", ":" + " " * 5_000 + "x"), 1)
    started = time.perf_counter()
    result = page_parser.parse(hostile)
    assert time.perf_counter() - started < SECONDS
    assert [problem.field for problem in result.problems] == ["ขั้นตอน 1 น้ำหนัก"]
