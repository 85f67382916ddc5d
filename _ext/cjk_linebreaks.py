"""Sphinx extension: Chinese typography in running text.

1. Markdown treats a line break inside a paragraph as a space; between two Chinese characters
   (or Chinese punctuation such as “ ” ‘ ’ … —) a browser then shows a visible gap ("网络， 还需要").
   Writers may wrap lines freely; this transform joins them in the rendered page only.
2. Straight double quotes in a paragraph with Chinese text ("词") become “词”. Docutils' smart
   quotes cannot do it (after a Chinese character every quote looks like a closing one: ”词”),
   so they are turned off in _config.yml and done here: in a paragraph, title or caption with
   an even number of straight quotes outside code and maths, they open and close in turn.
"""
import re

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform

CJK = r"\u2014\u2018\u2019\u201c\u201d\u2026\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
BREAK_BETWEEN_CJK = re.compile(rf"(?<=[{CJK}])[ \t]*\n[ \t]*(?=[{CJK}])")
IS_CJK = re.compile(rf"[{CJK}]")
# Chinese quotes are full width: spaces written between them and Chinese text go.
SPACE_BY_QUOTE = re.compile(rf"(?<=[{CJK}])\s+(?=“)|(?<=”)\s+(?=[{CJK}])")
SKIP = (nodes.literal_block, nodes.literal, nodes.math, nodes.math_block, nodes.raw)


class JoinCJKLines(SphinxTransform):
    """Remove a newline (and the spaces around it) between two CJK characters; curl quotes."""

    default_priority = 400

    def apply(self, **kwargs) -> None:
        for text in list(self.document.findall(nodes.Text)):
            if isinstance(text.parent, SKIP):
                continue
            value = text.astext()
            joined = value
            if "\n" in value and not value.strip():
                # MyST emits a soft line break as a Text node of its own: look at its neighbours.
                siblings = text.parent.children
                i = _index(text)
                before = _last_char(siblings[i - 1] if i > 0 else None)
                after = _first_char(siblings[i + 1] if i + 1 < len(siblings) else None)
                joined = "" if IS_CJK.match(before) and IS_CJK.match(after) else value
            elif "\n" in value:
                joined = BREAK_BETWEEN_CJK.sub("", value)
            joined = SPACE_BY_QUOTE.sub("", joined)
            if joined != value:
                _replace(text, joined)
        for block in list(self.document.findall(_is_text_block)):
            _curl_quotes(block)


def _is_text_block(node) -> bool:
    return isinstance(node, (nodes.paragraph, nodes.title, nodes.caption))


def _curl_quotes(block: nodes.Element) -> None:
    texts = [t for t in block.findall(nodes.Text)
             if not any(isinstance(a, SKIP) for a in _ancestors(t, block))]
    if sum(t.count('"') for t in texts) % 2 or not IS_CJK.search(block.astext()):
        return
    opening = True
    for text in texts:
        if '"' not in text:
            continue
        out = []
        for char in text.astext():
            if char == '"':
                out.append("“" if opening else "”")
                opening = not opening
            else:
                out.append(char)
        _replace(text, SPACE_BY_QUOTE.sub("", "".join(out)))


def _ancestors(node, stop):
    node = node.parent
    while node is not None and node is not stop:
        yield node
        node = node.parent


def _index(text: nodes.Text) -> int:
    """Position of `text` among its siblings, found by identity: equal Text nodes ("\n")
    compare equal, so Element.index() and Element.replace() would pick the first of them."""
    return next(k for k, child in enumerate(text.parent.children) if child is text)


def _replace(text: nodes.Text, value: str) -> None:
    text.parent[_index(text)] = nodes.Text(value)


def _last_char(node) -> str:
    text = node.astext() if node is not None else ""
    return text[-1:] or " "


def _first_char(node) -> str:
    text = node.astext() if node is not None else ""
    return text[:1] or " "


def setup(app: Sphinx) -> dict:
    app.add_transform(JoinCJKLines)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
