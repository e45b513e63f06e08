"""plotly.js's own styles as static files, for the Content-Security-Policy (style-src 'self',
no 'unsafe-inline'), which refuses the <style> elements plotly.js writes when it loads:

- its rules for plots (src/build/plotcss.js) go to static/vendor/plotly.css, linked as
  ``<link id="plotly.js-style-global" class="no-inline-styles">``: plotly.js sees them
  there and adds none (src/lib/dom.js, addRelatedStyleRule);
- stylesheets it carries whole (maplibre's, for maps) go to static/vendor/plotly-<name>.css,
  each linked with the id plotly.js looks for before adding its own copy.

templates/includes/plotly.html links them and loads plotly.min.js. All three are read from
the vendored bundle: after replacing static/vendor/plotly.min.js, write them again with

    .venv/bin/python -m tests.plotly_css

(tests/test_security.py fails until they agree with the bundle).
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "static" / "vendor"
BUNDLE = VENDOR / "plotly.min.js"
INCLUDE = ROOT / "templates" / "includes" / "plotly.html"

_STRING = r""""(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'"""
_NAME = r"[A-Za-z_$][\w$]*"  # a key the minifier left unquoted: Y
# The object of rules: {"X,X div": '…', …}; X is a plot, Y the notifier.
_FIRST_RULE = '{"X,X div":'
# A stylesheet added whole, unless an element with its id is there already.
_WHOLE = re.compile(
    r'document\.getElementById\("([^"]+)"\)\)\{var (\w+)=document\.createElement\("style"\);'
    rf"\2\.id=\"\1\",\2\.textContent=({_STRING})"
)


def rules(bundle: str) -> list[tuple[str, str]]:
    """(selector, declarations) in the bundle's order, selectors written out."""
    start = bundle.index(_FIRST_RULE)
    body = bundle[start : bundle.index("}", start) + 1]
    pairs = re.findall(rf"({_STRING}|{_NAME}):({_STRING})", body)
    if "{" + ",".join(f"{key}:{value}" for key, value in pairs) + "}" != body:
        raise ValueError("plotly.js's style rules are no longer one object of strings")
    return [(_selector(key.strip("\"'")), value[1:-1]) for key, value in pairs]


def _selector(key: str) -> str:
    """As plotcss.js writes it out."""
    if key.startswith(","):
        key = " " + key
    return key.replace("X", ".js-plotly-plot .plotly").replace("Y", ".plotly-notifier")


def whole_stylesheets(bundle: str) -> list[tuple[str, str, str]]:
    """(file name, element id, CSS) of each stylesheet the bundle adds whole."""
    found = []
    for match in _WHOLE.finditer(bundle):
        element_id, css = match.group(1), match.group(3)[1:-1]
        if "\\" in css:
            raise ValueError(f"escapes in the stylesheet {element_id}: read them properly")
        name = re.match(r"\.([a-z]+)", css)
        found.append((f"plotly-{name.group(1) if name else element_id[:12]}.css", element_id, css))
    return found


def files(bundle: str) -> dict[Path, str]:
    """What each of the files should hold."""
    version = re.search(r"plotly\.js v([\d.]+)", bundle)
    version = version.group(1) if version else "?"
    header = f"/* Written by tests/plotly_css.py from plotly.js {version}: do not edit."
    lines = [
        f"{header} The rules",
        "   plotly.js inserts, each at the top of its sheet: here in reverse order, as there. */",
    ]
    lines += [f"{selector}{{{declarations}}}" for selector, declarations in reversed(rules(bundle))]
    written = {VENDOR / "plotly.css": "\n".join(lines) + "\n"}
    links = [
        '<link rel="stylesheet" id="plotly.js-style-global" class="no-inline-styles" '
        "href=\"{% static 'vendor/plotly.css' %}\">"
    ]
    for name, element_id, css in whole_stylesheets(bundle):
        written[VENDOR / name] = f"{header} */\n{css}\n"
        links.append(
            f'<link rel="stylesheet" id="{element_id}" href="{{% static \'vendor/{name}\' %}}">'
        )
    written[INCLUDE] = (
        "{% load static %}{% comment %}Written by tests/plotly_css.py from plotly.js "
        f"{version}: do not edit. The styles plotly.js would write into style elements of "
        "its own, which the Content-Security-Policy refuses: with these links in the page "
        "when it loads, it adds none.{% endcomment %}"
        + "\n".join(links)
        + "\n<script src=\"{% static 'vendor/plotly.min.js' %}\" defer></script>\n"
    )
    return written


def main() -> None:
    for path, text in files(BUNDLE.read_text(encoding="utf-8")).items():
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
