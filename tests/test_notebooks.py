"""Static checks of the stored notebooks: one clean run each, the book's page shape, the toc.

(The check that notebook code has CPU-independent bits is in tests/test_portability.py.)
"""
import ast
import json
import re

import pytest

from scripts import book

ROOT = book.ROOT
NOTEBOOKS = book.notebooks()


def _load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def _source(cell):
    return "".join(cell["source"])


def test_toc_and_chapters_agree():
    listed = book.toc_files()
    for name in listed:
        assert (ROOT / f"{name}.md").exists() or (ROOT / f"{name}.ipynb").exists(), f"{name} is in _toc.yml but missing"
    on_disk = {p.relative_to(ROOT).with_suffix("").as_posix() for p in NOTEBOOKS}
    assert on_disk <= set(listed), f"notebooks not in _toc.yml: {sorted(on_disk - set(listed))}"
    assert len(listed) == 1 + 5 + 31  # front page, 4 chapter pages and the appendix, 30 sections + 1


def test_binder_installs_the_notebook_stack_the_outputs_were_stored_with():
    """Stored outputs (figure reprs, warnings) depend on these releases: Binder readers get the same."""
    everything, binder = book.requirement_pins(book.REQUIREMENTS), book.requirement_pins(book.BINDER_REQUIREMENTS)
    assert {"torch", "numpy", "matplotlib", "matplotlib-inline"} <= set(binder)
    differ = {name: (version, everything.get(name)) for name, version in binder.items()
              if everything.get(name) != version}
    assert not differ, f"binder/requirements.txt and requirements.txt pin different releases: {differ}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_holds_one_clean_run(path):
    nb = _load(path)
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    counts = [c["execution_count"] for c in nb["cells"] if c["cell_type"] == "code" and _source(c).strip()]
    assert counts == list(range(1, len(counts) + 1)), "cells were not executed once, top to bottom"
    for i, cell in enumerate(nb["cells"]):
        for out in cell.get("outputs", []):
            # the appendix of common errors shows d2lcore's messages in cells tagged raises-exception
            assert out["output_type"] != "error" or "raises-exception" in cell["metadata"].get("tags", []), \
                f"cell {i} stored an error"
            assert out.get("execution_count", cell.get("execution_count")) == cell.get("execution_count"), \
                f"cell {i}: its result's execution count differs from the cell's"
            assert not (out["output_type"] == "stream" and out["name"] == "stderr"), \
                f"cell {i} wrote to stderr: {''.join(out['text'])[:200]}"
            assert "execution" not in cell.get("metadata", {}), "timing metadata makes re-runs diff"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_reads_like_a_book_page(path):
    cells = _load(path)["cells"]
    assert cells[0]["cell_type"] == "markdown" and re.match(r"# \S", _source(cells[0])), "first cell: '# 标题'"
    headings = [line for c in cells if c["cell_type"] == "markdown" for line in _source(c).splitlines()]
    assert "## 小结" in headings and "## 练习" in headings
    codes = [c for c in cells if c["cell_type"] == "code"]
    assert _source(codes[0]) == book.install_source(), \
        "the first code cell installs d2lcore where it is missing: run scripts/install_cell.py"
    assert codes[0]["metadata"].get("tags") == ["remove-cell"] and not codes[0]["outputs"], \
        "the install cell is hidden on the site and prints nothing where d2lcore is installed"
    assert "d2l.notebook_setup(" in _source(codes[1]), "the second code cell sets up figures and seeds"
    for c in cells:
        if c["cell_type"] == "code":
            text = "".join("".join(o.get("text", "")) + "".join(o.get("data", {}).get("text/plain", ""))
                           for o in c.get("outputs", []))
            assert not re.search(r"/root/|/home/\w+|/tmp/", text), "machine-specific path in an output"


# The one form of a note where the book corrects its sources or compares with d2l's MXNet edition.
ERRATA_ADMONITION = ":::{admonition} 勘误与版本差异\n:class: note\n"
# Words that make the prose read like study notes instead of a textbook.
NOTE_WORDS = re.compile(r"原笔记|MXNet 笔记|笔记之一")
# Display math right under a line of text (a list item's continuation line): MyST reads it as
# inline text and the page shows the literal `$$ ... $$`. It needs a blank line before it.
def _lazy_display_math(text: str) -> str | None:
    inside, previous = False, ""
    for line in text.splitlines():
        if not inside and line.strip().startswith("$$") and previous.strip():
            return f"{previous.strip()[:40]!r} / {line.strip()[:40]!r}"
        inside ^= line.count("$$") % 2 == 1
        previous = line
    return None


LONG_PLOT_CELL = 15  # lines; the network and computation-graph diagrams take 16-42


def _markdown(path):
    return [_source(c) for c in _load(path)["cells"] if c["cell_type"] == "markdown"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_prose_reads_like_a_textbook(path):
    """Corrections of the sources use one admonition; no "原笔记" in the prose; no lazy $$."""
    for text in _markdown(path):
        assert not NOTE_WORDS.search(text), f"study-note wording in the prose: {NOTE_WORDS.search(text)[0]}"
        for match in re.finditer(r":::\{admonition\}[^\n]*\n[^\n]*\n", text):
            assert match[0] == ERRATA_ADMONITION, f"use the one errata admonition, not {match[0]!r}"
        lazy = _lazy_display_math(text)
        assert not lazy, f"display math on a continuation line (add a blank line): {lazy}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_checks_and_diagram_code_stay_out_of_the_readers_way(path):
    """A cell of top-level asserts is a check, not a step of the lesson: it runs (nbval) but is
    not shown. Every figure has alt text; a long plotting cell shows its figure, not its code."""
    for i, cell in enumerate(_load(path)["cells"]):
        if cell["cell_type"] != "code":
            continue
        source, tags = _source(cell), cell["metadata"].get("tags", [])
        try:
            body = ast.parse(source).body
        except SyntaxError:
            body = []
        if any(isinstance(node, ast.Assert) for node in body):
            assert "remove-cell" in tags, f"cell {i}: a visible check cell (tag it remove-cell)"
        images = [o for o in cell["outputs"] if any(k.startswith("image/") for k in o.get("data", {}))]
        if images:
            alt = cell["metadata"].get("mystnb", {}).get("image", {}).get("alt", "")
            assert len(alt) >= 8, f"cell {i}: a figure without alt text (metadata mystnb.image.alt)"
            if len(source.splitlines()) > LONG_PLOT_CELL:
                assert "hide-input" in tags, f"cell {i}: {len(source.splitlines())} lines of plotting code shown"
                caption = cell["metadata"]["mystnb"].get("figure", {}).get("caption", "")
                assert caption, f"cell {i}: a diagram without a caption (metadata mystnb.figure.caption)"
