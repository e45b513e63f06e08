"""The BMA 20-year development plan's seven ด้าน and the routine node, then every existing
free-text strategy link matched to the deepest node its text names (the rest stay
unmatched, listed in the admin as ลิงก์ยุทธศาสตร์ที่ยังไม่จับคู่).

``codes_in`` and ``match_code`` are a frozen copy of projects/strategy.py, as a migration
must not import code that changes later; tests/test_strategy_match.py keeps them equal.
"""

import re

from django.db import migrations

ROUTINE_TEXT = "ภารกิจงานประจำของหน่วยงาน"
ROUTINE_CODE = "R"

PILLARS = [
    ("1", "มหานครปลอดภัย"),
    ("2", "มหานครสีเขียว สะดวกสบาย"),
    ("3", "มหานครสำหรับทุกคน"),
    ("4", "มหานครกระชับ"),
    ("5", "มหานครประชาธิปไตย"),
    ("6", "มหานครแห่งเศรษฐกิจและการเรียนรู้"),
    ("7", "การบริหารจัดการเมืองมหานคร"),
]

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_WORDS = (("ด้านที่", 1), ("มิติที่", 2), ("เป้าหมายที่", 3))
_CODE = re.compile(r"\s*(\d+(?:\s*\.\s*\d+)*)")


def normalise(text):
    return " ".join(text.translate(_THAI_DIGITS).split())


def codes_in(text):
    text = normalise(text)
    if text == ROUTINE_TEXT:
        return [ROUTINE_CODE]
    codes = []
    for word, parts in _WORDS:
        start = text.find(word)
        if start < 0:
            continue
        found = _CODE.match(text, start + len(word))
        if found is None:
            return None
        code = re.sub(r"\s+", "", found.group(1))
        if code.count(".") + 1 != parts:
            return None
        if codes and not code.startswith(codes[-1] + "."):
            return None
        codes.append(code)
    return codes or None


def match_code(text, existing):
    codes = codes_in(text)
    if not codes:
        return None
    known = set(existing)
    for code in reversed(codes):
        if code in known:
            return code
    return None


def forwards(apps, schema_editor):
    StrategyNode = apps.get_model("projects", "StrategyNode")
    StrategyLink = apps.get_model("projects", "StrategyLink")
    for order, (code, name) in enumerate(PILLARS, start=1):
        StrategyNode.objects.get_or_create(
            code=code, defaults={"level": "pillar", "name": name, "order": order}
        )
    StrategyNode.objects.get_or_create(
        code=ROUTINE_CODE,
        defaults={"level": "routine", "name": ROUTINE_TEXT, "order": len(PILLARS) + 1},
    )
    nodes = dict(StrategyNode.objects.values_list("code", "pk"))
    by_node = {}
    for link_id, text in StrategyLink.objects.filter(node__isnull=True).values_list("pk", "text"):
        code = match_code(text, nodes)
        if code is not None:
            by_node.setdefault(nodes[code], []).append(link_id)
    for node_id, link_ids in by_node.items():
        for start in range(0, len(link_ids), 500):
            StrategyLink.objects.filter(pk__in=link_ids[start : start + 500]).update(
                node_id=node_id
            )


def backwards(apps, schema_editor):
    # The links keep their text; the nodes go with the table (0019 reversed).
    apps.get_model("projects", "StrategyLink").objects.update(node=None)


class Migration(migrations.Migration):
    dependencies = [("projects", "0019_strategy_tree")]

    operations = [migrations.RunPython(forwards, backwards)]
