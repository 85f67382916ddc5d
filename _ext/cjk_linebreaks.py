"""Sphinx extension: drop line breaks between Chinese characters in running text.

Markdown treats a line break inside a paragraph as a space; between two Chinese
characters a browser then shows a visible gap ("网络， 还需要"). Writers may wrap
lines freely; this transform joins them in the rendered page only.
"""
import re

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform

CJK = r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
BREAK_BETWEEN_CJK = re.compile(rf"(?<=[{CJK}])[ \t]*\n[ \t]*(?=[{CJK}])")
IS_CJK = re.compile(rf"[{CJK}]")
SKIP = (nodes.literal_block, nodes.literal, nodes.math, nodes.math_block, nodes.raw)


class JoinCJKLines(SphinxTransform):
    """Remove a newline (and the spaces around it) that sits between two CJK characters."""

    default_priority = 400

    def apply(self, **kwargs) -> None:
        for text in list(self.document.findall(nodes.Text)):
            if "\n" not in text or isinstance(text.parent, SKIP):
                continue
            value = text.astext()
            if not value.strip():
                # MyST emits a soft line break as a Text node of its own: look at its neighbours.
                siblings = text.parent.children
                i = text.parent.index(text)
                before = _last_char(siblings[i - 1] if i > 0 else None)
                after = _first_char(siblings[i + 1] if i + 1 < len(siblings) else None)
                joined = "" if IS_CJK.match(before) and IS_CJK.match(after) else value
            else:
                joined = BREAK_BETWEEN_CJK.sub("", value)
            if joined != value:
                text.parent.replace(text, nodes.Text(joined))


def _last_char(node) -> str:
    text = node.astext() if node is not None else ""
    return text[-1:] or " "


def _first_char(node) -> str:
    text = node.astext() if node is not None else ""
    return text[:1] or " "


def setup(app: Sphinx) -> dict:
    app.add_transform(JoinCJKLines)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
