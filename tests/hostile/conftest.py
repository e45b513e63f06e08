"""The count of hostile inputs tried per form, printed at the end of the run and written to
test-results/hostile-inputs.json."""

import json
from pathlib import Path

from tests.hostile.http import tried

RESULTS = Path(__file__).resolve().parent.parent.parent / "test-results"


def pytest_terminal_summary(terminalreporter):
    if not tried:
        return
    terminalreporter.section("hostile inputs tried")
    width = max(len(name) for name in tried)
    for name, count in sorted(tried.items()):
        terminalreporter.write_line(f"{name:<{width}}  {count:>6}")
    terminalreporter.write_line(f"{'total':<{width}}  {sum(tried.values()):>6}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "hostile-inputs.json").write_text(
        json.dumps(dict(sorted(tried.items())), ensure_ascii=False, indent=1)
    )
