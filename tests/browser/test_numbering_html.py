"""Numbers on the built pages, read from the HTML files (no browser needed): as in d2l-zh, the k-th
figure of section 3.1 is 图 3.1.k and its k-th numbered equation is (3.1.k), and a reference
shows the number of what it points at.

_config.yml sets this up (numfig_secnum_depth: 2, numfig_format); tests/test_numbering.py checks
the notebooks' side (labels, captions, references). Like every test in this folder, it reads the
site from _build/html (or $BOOK_HTML_DIR) and builds it first with scripts/build.sh when it is
missing (the `site_dir` fixture of conftest.py); scripts/test.sh runs this folder after the build.
"""
from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

from scripts import book

ROOT = Path(__file__).resolve().parents[2]
SECTION = re.compile(r'<h1><span class="section-number">(\d+\.\d+)\. </span>')
FIGURE = re.compile(r'<figure[^>]* id="([^"]+)">(?:(?!</figure>).)*?<span class="caption-number">图 ([\d.]+) </span>',
                    re.S)
EQUATION = re.compile(r'<div class="math[^"]*" id="equation-([^"]+)">\s*<span class="eqno">\(([\d.]+)\)')
REFERENCE = re.compile(r'<a class="reference internal" href="([^"]*)#([^"]+)">(?:<span class="std std-numref">)?'
                       r'([^<]*)(?:</span>)?</a>')
# dollarmath's label: "(name)" after the closing $$ of a display, at the end of the line
EQUATION_LABEL = re.compile(r"\$\$[ \t]*\(([^()\s]+)\)[ \t]*$", re.M)


def _article(html: str) -> str:
    start = html.index("<article")
    return html[start:html.index("</article>", start)]


def _sections(site: Path) -> dict[str, Path]:
    """Section page (docname) -> its HTML file, for every notebook of the toc."""
    pages = {p.relative_to(ROOT).with_suffix("").as_posix(): p for p in book.notebooks()}
    return {name: site / f"{name}.html" for name in pages}


def _notebook_counts(name: str) -> tuple[int, int, int]:
    """(named figures, numbered equations, named figures in the 练习 section) of a notebook."""
    cells = json.loads((ROOT / f"{name}.ipynb").read_text(encoding="utf-8"))["cells"]
    figures = equations = in_exercises = 0
    exercises = False
    for cell in cells:
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            equations += len(EQUATION_LABEL.findall(source))
            exercises = exercises or bool(re.search(r"^## 练习", source, re.M))
        elif cell["metadata"].get("mystnb", {}).get("figure", {}).get("name"):
            figures += 1
            in_exercises += exercises
    return figures, equations, in_exercises


def test_figures_and_equations_are_numbered_section_dot_k(site_dir):
    problems, figures, equations = [], 0, 0
    for name, page in _sections(site_dir).items():
        html = page.read_text(encoding="utf-8")
        section = SECTION.search(html)
        assert section, f"{name}: no section number in the title"
        want_figures, want_equations, _ = _notebook_counts(name)
        got_figures = [number for _, number in FIGURE.findall(_article(html))]
        got_equations = [number for _, number in EQUATION.findall(html)]
        for kind, got, want in (("figures", got_figures, want_figures), ("equations", got_equations, want_equations)):
            expected = [f"{section.group(1)}.{k}" for k in range(1, want + 1)]
            if got != expected:
                problems.append(f"{name}: {kind} numbered {got}, expected {expected}")
        figures, equations = figures + len(got_figures), equations + len(got_equations)
    assert problems == [], "\n".join(problems)
    assert figures >= 50 and equations >= 80, f"only {figures} numbered figures and {equations} equations"


def test_references_show_the_number_of_their_target(site_dir):
    """{numref} shows 图 3.1.2 and {eq} shows (3.1.2), the number of the figure or equation linked."""
    numbers, references = {}, []
    for name, page in _sections(site_dir).items():
        html = page.read_text(encoding="utf-8")
        here = page.resolve()
        numbers.update({(here, anchor): f"图 {number}" for anchor, number in FIGURE.findall(html)})
        numbers.update({(here, f"equation-{label}"): f"({number})" for label, number in EQUATION.findall(html)})
        references += [(name, page, href, anchor, unescape(text)) for href, anchor, text in REFERENCE.findall(html)
                       if anchor.startswith(("fig-", "equation-"))]
    assert len(references) > 150, f"only {len(references)} references to figures and equations"
    problems = []
    for name, page, href, anchor, text in references:
        target = ((page.parent / href).resolve() if href else page.resolve(), anchor)
        if numbers.get(target) != text:
            problems.append(f"{name}: the reference to {href}#{anchor} reads {text!r}, not {numbers.get(target)!r}")
    assert problems == [], "\n".join(problems)


def test_figures_in_folded_answers_keep_their_numbers(site_dir):
    """_ext/answers.py moves an answer's cells into <details>: its figures are still numbered."""
    folded, expected = 0, 0
    for name, page in _sections(site_dir).items():
        html = page.read_text(encoding="utf-8")
        for answer in re.findall(r'<details class="answer".*?</details>', html, re.S):
            folded += answer.count('<span class="caption-number">图 ')
        expected += _notebook_counts(name)[2]
    assert expected >= 5 and folded == expected, f"{folded} numbered figures in answers, expected {expected}"


def test_chapter_pages_link_their_sections_from_the_text(site_dir):
    """The chapter overview (not only the sidebar) links every section of the chapter."""
    problems = []
    for name in book.toc_files():
        if not name.endswith("/index"):
            continue
        article = _article((site_dir / f"{name}.html").read_text(encoding="utf-8"))
        folder = name.rsplit("/", 1)[0]
        sections = [s for s in _sections(site_dir) if s.rsplit("/", 1)[0] == folder]
        missing = [s for s in sections if f'href="{s.rsplit("/", 1)[1]}.html"' not in article]
        if not sections or missing:
            problems.append(f"{name}: sections {missing or 'none'} not linked from the text")
    assert problems == [], "\n".join(problems)
