"""English (issue 17): every template string has its English, no Thai is left outside the
translate tags, the compiled catalogs match their sources, and the pages follow the
language a person chose (the language menu, User.language) or their browser asks for.

The Thai text is the msgid everywhere; templates' English lives in locale/en (made by
``manage.py makemessages -l en`` with the ignores of MAKEMESSAGES below), the Python
strings' in each app's own locale/.
"""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template.base import Lexer, TokenType
from django.utils import translation
from django.utils.text import smart_split
from django.utils.translation import trans_real

from projects import thaidates
from tests.factories import UserFactory
from tests.html import page_of

ROOT = Path(settings.BASE_DIR)
TEMPLATES = ROOT / "templates"
THAI = re.compile(r"[\u0e00-\u0e7f]")
# _("…") inside {{ }} or a tag's arguments is translated (makemessages collects it).
UNDERSCORE = re.compile(r"""_\((?:"[^"]*"|'[^']*')\)""")
# How the English catalog of the templates is made (the Python strings are another
# helper's: the apps' own catalogs). "projects/*.py", not "projects/*": makemessages
# reads "dir/*" as "any folder named dir", which would skip templates/projects/ too.
MAKEMESSAGES = (
    "manage.py makemessages -l en --no-obsolete --ignore 'projects/*.py' "
    "--ignore 'indicators/*.py' --ignore 'reports/*.py' --ignore 'bmaprogress/*.py' "
    "--ignore 'tests/*' --ignore 'benchmarks/*' --ignore '.venv/*' --ignore 'node_modules/*'"
)


def template_files():
    return sorted(p for p in TEMPLATES.rglob("*") if p.is_file() and p.suffix in (".html", ".txt"))


def _unquote(text: str) -> str:
    return ast.literal_eval(text) if text[:1] in "\"'" else text


def _block_msgid(tokens, trimmed: bool) -> str:
    """The msgid makemessages writes for a blocktranslate's body: {{ x }} is %(x)s, a
    literal % is %%; ``trimmed`` joins the lines with spaces."""
    parts = []
    for token in tokens:
        if token.token_type == TokenType.VAR:
            parts.append(f"%({token.contents.strip()})s")
        else:
            parts.append(token.contents.replace("%", "%%"))
    text = "".join(parts)
    if trimmed:
        text = " ".join(line.strip() for line in text.splitlines() if line.strip())
    return text


def template_messages(path: Path):
    """(msgid, plural or None, context or None, line) of every translate and
    blocktranslate tag and every _("…") of a template, read with Django's Lexer."""
    tokens = Lexer(path.read_text(encoding="utf-8")).tokenize()
    found = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        contents = token.contents.strip()
        for literal in UNDERSCORE.findall(contents):
            found.append((_unquote(literal[2:-1]), None, None, token.lineno))
        if token.token_type != TokenType.BLOCK:
            index += 1
            continue
        bits = list(smart_split(contents))
        if bits[0] in ("translate", "trans") and bits[1] != "noop":
            context = _unquote(bits[bits.index("context") + 1]) if "context" in bits else None
            found.append((_unquote(bits[1]), None, context, token.lineno))
        elif bits[0] in ("blocktranslate", "blocktrans"):
            context = _unquote(bits[bits.index("context") + 1]) if "context" in bits else None
            singular, plural, current = [], None, None
            current = singular
            index += 1
            while tokens[index].contents.strip().split(" ")[0] not in (
                "endblocktranslate",
                "endblocktrans",
            ):
                inner = tokens[index]
                if inner.token_type == TokenType.BLOCK and inner.contents.strip() == "plural":
                    plural = current = []
                else:
                    current.append(inner)
                index += 1
            trimmed = "trimmed" in bits
            found.append(
                (
                    _block_msgid(singular, trimmed),
                    _block_msgid(plural, trimmed) if plural is not None else None,
                    context,
                    token.lineno,
                )
            )
        index += 1
    return found


def english_catalog():
    translation.activate("en")
    return trans_real.translation("en")._catalog


def test_the_template_reader_finds_what_makemessages_finds():
    """The reader above is what the next test stands on: it must find the plain, the
    blocktranslate (with variables, %% and plural) and the _() strings."""
    messages = {m[0]: m for m in template_messages(TEMPLATES / "includes" / "pager.html")}
    assert "หน้า %(n)s / %(total)s" in messages
    plan = {m[0]: m for m in template_messages(TEMPLATES / "projects" / "_plan_editor.html")}
    assert "น้ำหนักรวม %(total)s%% ยังไม่ครบ 100%%: แผนจะแสดงว่ายังไม่สมบูรณ์" in plan
    confirm = [m for m in template_messages(TEMPLATES / "imports" / "_confirm.html") if m[1]]
    assert confirm and "%(counter)s" in confirm[0][1]
    preview = {m[0] for m in template_messages(TEMPLATES / "imports" / "pages_preview.html")}
    assert "ทั้งไฟล์" in preview


def test_every_template_string_has_english():
    catalog = english_catalog()
    missing = []
    total = 0
    for path in template_files():
        for msgid, plural, context, line in template_messages(path):
            total += 1
            key = f"{context}\x04{msgid}" if context else msgid
            where = f"{path.relative_to(ROOT)}:{line}: {msgid!r}"
            if plural is None:
                english = catalog.get(key)
                if not english:
                    missing.append(where)
            elif not all(catalog.get((key, n)) for n in (0, 1)):
                missing.append(where)
    assert total > 600
    assert missing == [], f"no English (run {MAKEMESSAGES}, translate, compile)"


def test_no_thai_in_a_template_outside_translate_tags():
    """Thai text a template prints outside {% translate %} / {% blocktranslate %} stays
    Thai in English; comments may be Thai."""
    found = []
    for path in template_files():
        comment = block = 0
        for token in Lexer(path.read_text(encoding="utf-8")).tokenize():
            contents = token.contents.strip()
            name = contents.split(" ")[0] if token.token_type == TokenType.BLOCK else ""
            if name == "comment":
                comment += 1
            elif name == "endcomment":
                comment -= 1
            elif name in ("blocktranslate", "blocktrans"):
                block += 1
            elif name in ("endblocktranslate", "endblocktrans"):
                block -= 1
            if (
                token.token_type == TokenType.COMMENT
                or comment
                or block
                or name in ("translate", "trans", "blocktranslate", "blocktrans", "plural")
            ):
                continue
            if THAI.search(UNDERSCORE.sub("", token.contents)):
                found.append(f"{path.relative_to(ROOT)}:{token.lineno}: {contents[:80]!r}")
    assert found == []


def test_no_percent_sign_in_a_plain_translate():
    """makemessages writes {% translate "100%" %} as msgid "100%%" while the tag looks up
    "100%" (and "100%%" as "100%%%%"): such a string is never translated. blocktranslate
    doubles the sign on both sides."""
    plain = re.compile(r"""\{%\s*(?:translate|trans)\s+("[^"]*%[^"]*"|'[^']*%[^']*')""")
    found = [
        f"{path.relative_to(ROOT)}: {match}"
        for path in template_files()
        for match in plain.findall(path.read_text(encoding="utf-8"))
    ]
    assert found == []


# --- catalogs ---------------------------------------------------------------------------


def catalog_sources():
    paths = [*ROOT.glob("locale/*/LC_MESSAGES/*.po"), *ROOT.glob("*/locale/*/LC_MESSAGES/*.po")]
    return sorted(p for p in paths if ".venv" not in p.parts and "node_modules" not in p.parts)


def read_po(path: Path) -> dict:
    """msgid (or (msgid, n) for plural forms; context\\x04msgid with a context) → msgstr,
    for the translated, not fuzzy entries: what msgfmt puts into the .mo."""
    entries = {}
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        fields: dict = {}
        key = None
        for line in block.splitlines():
            if line.startswith("#"):
                if line.startswith("#,") and "fuzzy" in line:
                    fields["fuzzy"] = True
                continue
            match = re.match(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (\".*\")$", line)
            if match:
                key = match.group(1)
                fields[key] = ast.literal_eval(match.group(2))
            elif line.startswith('"') and key:
                fields[key] += ast.literal_eval(line)
        if not fields.get("msgid") or fields.get("fuzzy"):
            continue
        msgid = fields["msgid"]
        if "msgctxt" in fields:
            msgid = f"{fields['msgctxt']}\x04{msgid}"
        if "msgid_plural" in fields:
            for name, value in fields.items():
                if name.startswith("msgstr[") and value:
                    entries[(msgid, int(name[7:-1]))] = value
        elif fields.get("msgstr"):
            entries[msgid] = fields["msgstr"]
    return entries


def test_the_catalogs_are_found():
    assert ROOT / "locale/en/LC_MESSAGES/django.po" in catalog_sources()


@pytest.mark.parametrize("po", catalog_sources(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_compiled_catalog_matches_its_source(po):
    """A .po edited without compiling (or a .mo left behind) shows the old text."""
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo.relative_to(ROOT)} is missing: manage.py compilemessages"
    with mo.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog
    compiled = {k: v for k, v in compiled.items() if k != ""}
    assert compiled == read_po(po), f"{mo.relative_to(ROOT)} is older than its .po"


def test_the_english_catalog_keeps_every_placeholder():
    placeholder = re.compile(r"%\(\w+\)s|%%|\{\w+\}")
    wrong = []
    for key, english in read_po(ROOT / "locale/en/LC_MESSAGES/django.po").items():
        msgid = key[0] if isinstance(key, tuple) else key
        if set(placeholder.findall(msgid)) != set(placeholder.findall(english)):
            wrong.append((msgid, english))
    assert wrong == []


# --- dates ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("th", ["22/09/2564", "22 ก.ย. 2564", "22 กันยายน 2564", "กันยายน 2564", "ก.ย. 64"]),
        ("en", ["22/09/2021", "22 Sep 2021", "22 September 2021", "September 2021", "Sep 21"]),
    ],
)
def test_dates_follow_the_language(language, expected):
    import datetime as dt

    day = dt.date(2021, 9, 22)
    with translation.override(language):
        assert [
            thaidates.format_be(day),
            thaidates.format_thai_short(day),
            thaidates.format_thai_long(day),
            thaidates.month_label(day),
            thaidates.month_tick(day),
        ] == expected
        assert thaidates.fiscal_year_label(2564) == ("2021" if language == "en" else "2564")


def test_a_named_language_wins_over_the_active_one():
    import datetime as dt

    with translation.override("en"):
        assert thaidates.format_thai_long(dt.date(2026, 12, 6), lang="th") == "6 ธันวาคม 2569"
    assert thaidates.format_thai_long(dt.date(2026, 12, 6), lang="en") == "6 December 2026"


# --- pages ------------------------------------------------------------------------------


def test_the_login_page_in_english_and_in_thai(client, db):
    english = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    page = page_of(english)
    assert page.one("html").get("lang") == "en"
    assert page.text("h1") == "Log in"
    assert not THAI.search(page.text("main")), page.text("main")
    thai = page_of(client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="th"))
    assert thai.one("html").get("lang") == "th"
    assert thai.text("h1") == "เข้าสู่ระบบ"


@pytest.mark.parametrize("accept_language", ["fr-FR,fr;q=0.9", "", "ja"])
def test_a_visitor_asking_for_another_language_reads_thai(client, db, accept_language):
    page = page_of(client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE=accept_language))
    assert page.one("html").get("lang") == "th"
    assert page.text("h1") == "เข้าสู่ระบบ"


def test_the_project_page_in_english_has_ce_dates_and_in_thai_be(client, seed_project):
    """The same page, kept in the page cache (projects/pagecache.py), in Thai then in
    English: each reader gets their own language."""
    user = UserFactory(username="reader-lang")
    client.force_login(user)
    url = f"/projects/{seed_project.code}/"
    thai = client.get(url).content.decode()
    assert "22 กันยายน 2564" in thai and 'lang="th"' in thai
    client.get("/language/en/")
    english = client.get(url).content.decode()
    assert 'lang="en"' in english
    assert "22 September 2021" in english and "22 กันยายน 2564" not in english
    assert "Project progress, percent" in english and "ความคืบหน้าโครงการ ร้อยละ" not in english
    assert "Fiscal year 2021" in english or "(2021)" in english
    client.get("/language/th/")
    assert "22 กันยายน 2564" in client.get(url).content.decode()


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("th", "2564 · 22/09/2564 · 22 ก.ย. 2564 · 22 กันยายน 2564 · กันยายน 2564 · ก.ย. · 2564"),
        ("en", "2021 · 22/09/2021 · 22 Sep 2021 · 22 September 2021 · September 2021 · Sep · 2021"),
    ],
)
def test_the_template_filters_follow_the_language(language, expected):
    import datetime as dt

    from django.template import Context, Template

    template = Template(
        "{{ year|fiscal_year }} · {{ day|be_date }} · {{ day|thai_date }} · "
        "{{ day|thai_date_long }} · {{ day|thai_month }} · {{ day|month_abbr }} · "
        "{{ day.year|be_year }}"
    )
    with translation.override(language):
        rendered = template.render(Context({"year": 2564, "day": dt.date(2021, 9, 22)}))
    assert rendered == expected
