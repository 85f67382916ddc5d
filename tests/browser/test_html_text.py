"""Text of the built pages, read from the HTML files (no browser needed): Chinese typography and labels.

A line break of the source between two Chinese characters must not show as a space, and quotes
around Chinese text must open and close (“…”), never ”…” (_ext/cjk_linebreaks.py does both).
Code, outputs and maths are left out: spaces and straight quotes are right there.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

CJK = "\u2014\u2018\u2019\u201c\u201d\u2026\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
GAP = re.compile(rf"[{CJK}]\s+[{CJK}]")
STRAIGHT_QUOTE_BY_CJK = re.compile(rf'[{CJK}]"|"[{CJK}]')
SKIPPED_TAGS = {"pre", "code", "script", "style", "kbd", "samp"}
SKIPPED_CLASSES = {"math", "cell_input", "cell_output", "output", "headerlink", "toctree-toggle"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "dt", "dd", "td", "th", "figcaption", "summary", "caption", "div"}


class ProseText(HTMLParser):
    """The running text of a page's article and footer, one string per block element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, skipped) of open elements
        self.inside = 0  # depth of <article> / <footer> elements open
        self.blocks: list[str] = []
        self.current: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        classes = set((dict(attrs).get("class") or "").split())
        skipped = tag in SKIPPED_TAGS or bool(classes & SKIPPED_CLASSES) or (self.stack and self.stack[-1][1])
        if tag in ("article", "footer"):
            self.inside += 1
        if tag in BLOCKS:
            self._flush()
        if skipped and not (self.stack and self.stack[-1][1]) and self.inside:
            self.current.append("x")  # inline code or maths reads as a Latin word
        self.stack.append((tag, bool(skipped)))

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        while self.stack:
            open_tag, _ = self.stack.pop()
            if open_tag in ("article", "footer"):
                self.inside -= 1
            if open_tag == tag:
                break
        if tag in BLOCKS:
            self._flush()

    def handle_data(self, data):
        if self.inside and not (self.stack and self.stack[-1][1]):
            self.current.append(data)

    def _flush(self):
        text = "".join(self.current).strip()
        if text:
            self.blocks.append(text)
        self.current = []


def prose_blocks(html_file: Path) -> list[str]:
    parser = ProseText()
    parser.feed(html_file.read_text(encoding="utf-8"))
    parser._flush()
    return parser.blocks


def typography_problems(blocks: list[str]) -> list[str]:
    problems = []
    for block in blocks:
        for gap in GAP.finditer(block):
            problems.append(f"space between Chinese characters: {block[max(0, gap.start() - 12):gap.end() + 12]!r}")
        for quote in STRAIGHT_QUOTE_BY_CJK.finditer(block):
            problems.append(f"straight quote by Chinese text: {block[max(0, quote.start() - 12):quote.end() + 12]!r}")
        curly = "".join(c for c in block if c in "“”")
        if curly != "“”" * (len(curly) // 2):
            problems.append(f"quotes that do not open and close in turn ({curly}): {block[:60]!r}")
    return problems


def _pages(site: Path) -> list[Path]:
    return sorted([site / "intro.html", *site.glob("chapters/*/*.html")])


def test_the_check_finds_a_gap_a_straight_quote_and_two_closing_quotes():
    assert typography_problems(["网络，还需要“激活函数”。"]) == []
    assert typography_problems(["Python 的 list 与 torch 张量"]) == []  # spaces around Latin text stay
    assert len(typography_problems(["网络， 还需要"])) == 1
    assert len(typography_problems(['称为"丢弃"法'])) == 2
    assert len(typography_problems(["称为”丢弃”法"])) == 1


def test_no_gap_between_chinese_characters_and_quotes_that_open_and_close(site_dir):
    pages = _pages(site_dir)
    assert len(pages) > 30, f"expected the front page and every section under {site_dir}"
    problems = [f"{page.relative_to(site_dir)}: {p}" for page in pages for p in typography_problems(prose_blocks(page))]
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("page", ["intro.html"])
def test_footer_credit_has_no_gaps(site_dir, page):
    blocks = prose_blocks(site_dir / page)
    credit = [b for b in blocks if b.startswith("改编自")]
    assert credit, "the footer credit is missing"
    assert typography_problems(credit) == []


ENGLISH_LABELS = ["Link to this heading", "Launch on", "Open issue", "Open an issue", "Repository",
                  "Launch interactive content", "System Settings", "Color mode", "Issue on page",
                  "Toggle primary sidebar", "Toggle secondary sidebar", 'aria-label="Main"',
                  'aria-label="Page"', "Toggle hidden content",
                  "Link to this equation", "Link to this image"]


def test_interface_labels_are_chinese(site_dir):
    """Buttons, tooltips and the issue template in mainland Chinese (_ext/zh_interface.py)."""
    problems = []
    for page in _pages(site_dir):
        html = page.read_text(encoding="utf-8")
        problems += [f"{page.relative_to(site_dir)}: {label!r}" for label in ENGLISH_LABELS if label in html]
        if "列印" in html:
            problems.append(f"{page.relative_to(site_dir)}: Taiwan's 列印 (mainland: 打印)")
    toggle = (site_dir / "_static" / "togglebutton.js").read_text(encoding="utf-8")
    if "Toggle hidden content" in toggle:
        problems.append("_static/togglebutton.js: 'Toggle hidden content'")
    assert problems == [], "\n".join(problems)


def test_mathjax_ships_only_what_the_pages_load(site_dir):
    """tex-chtml.js with its fonts and extensions, not all of MathJax (_ext/mathjax_subset.py).

    The browser tests' failed-request checks catch a file the pages need that went missing.
    """
    mathjax = site_dir / "_static" / "mathjax"
    assert (mathjax / "tex-chtml.js").is_file()
    assert (mathjax / "output" / "chtml" / "fonts" / "woff-v2" / "MathJax_Main-Regular.woff").is_file()
    assert not (mathjax / "tex-svg-full.js").exists() and not (mathjax / "output" / "svg").exists()
    size = sum(f.stat().st_size for f in mathjax.rglob("*") if f.is_file())
    assert size < 8_000_000, f"MathJax takes {size / 1e6:.1f} MB of the site"


def test_every_page_links_the_downloads(site_dir):
    """The download menu of each section offers the zip of all notebooks (_ext/notebook_zip.py)
    and the PDF of the whole book (scripts/build_pdf.py); the front page links both."""
    for download in ["d2l-notebooks.zip", "d2l-pytorch.pdf"]:
        assert (site_dir / "downloads" / download).is_file()
        pages = sorted(site_dir.glob("chapters/*/*.html"))
        unlinked = [str(p.relative_to(site_dir)) for p in pages
                    if f'href="../../downloads/{download}"' not in p.read_text(encoding="utf-8")]
        assert unlinked == [], download
        assert f'href="downloads/{download}"' in (site_dir / "intro.html").read_text(encoding="utf-8")
