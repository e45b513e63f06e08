"""Read rendered pages with CSS selectors (tinyhtml5 + cssselect2, both WeasyPrint's own)."""

import re

import cssselect2
import tinyhtml5


class Page:
    def __init__(self, content: bytes | str):
        if isinstance(content, bytes):
            content = content.decode()
        self.root = cssselect2.ElementWrapper.from_html_root(tinyhtml5.parse(content))

    def all(self, selector: str) -> list:
        return [wrapper.etree_element for wrapper in self.root.query_all(selector)]

    def one(self, selector: str):
        found = self.all(selector)
        assert len(found) == 1, f"{selector!r}: {len(found)} elements, expected one"
        return found[0]

    def texts(self, selector: str) -> list[str]:
        return [text_of(element) for element in self.all(selector)]

    def text(self, selector: str = "body") -> str:
        return " ".join(self.texts(selector))


def text_of(element) -> str:
    """The element's text as a person reads it: tags dropped, ``<br>`` a space, whitespace
    collapsed."""
    parts: list[str] = []

    def walk(node):
        parts.append(node.text or "")
        for child in node:
            if child.tag.rpartition("}")[2] == "br":
                parts.append(" ")
            walk(child)
            parts.append(child.tail or "")

    walk(element)
    return re.sub(r"\s+", " ", "".join(parts)).strip()


def page_of(response) -> Page:
    return Page(response.content)
