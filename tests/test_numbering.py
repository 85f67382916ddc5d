"""Numbered equations, numbered figures and cross-references, as d2l-zh has them.

A section numbers the equations its text builds on (`$$ … $$ (eq-…)`, shown as (3.1.2)) and
refers to them by number ({eq}`eq-…`); every figure a code cell draws has a caption and a name
in the cell's metadata (`mystnb.figure`, shown as 图 3.1.2) and the page refers to it
({numref}`fig-…`); each chapter's index page links every section listed under it in _toc.yml.
Sphinx's -W build already fails on a reference to an unknown label; these checks catch what it
lets through: a figure without a number, a number the text never uses, a section the chapter
overview does not link. tests/browser/test_numbering_html.py checks the numbers on the built pages.
"""
import json
import re

import pytest
import yaml

from scripts import book

ROOT = book.ROOT
NOTEBOOKS = book.notebooks()
CJK = re.compile(r"[\u4e00-\u9fff]")
FIGURE_NAME = re.compile(r"fig-[a-z0-9]+(?:-[a-z0-9]+)*")
EQUATION_NAME = re.compile(r"eq-[a-z0-9]+(?:-[a-z0-9]+)*")
# After the closing $$ of a display, dollarmath reads "(label)" up to the end of the line.
LABEL_AFTER = re.compile(r"[ \t]*\(([^()\s]+)\)[ \t]*(?:\n|$)")
EQ_REF = re.compile(r"\{eq\}`([^`]+)`")
EQ_RANGE = re.compile(r"\{eq\}`([^`]+)`–\{eq\}`([^`]+)`")
NUMREF = re.compile(r"\{numref\}`([^`]+)`")
# amsmath environments written outside $$: MyST's amsmath extension gives each a number of its
# own, with no label to refer to it by; inside $$ use aligned, gathered or cases instead.
AMSMATH_TOP_LEVEL = re.compile(r"^[ \t]*\\begin\{(?:equation|align|alignat|gather|multline|flalign|eqnarray)\*?\}",
                               re.M)


def _source(cell: dict) -> str:
    source = cell["source"]
    return source if isinstance(source, str) else "".join(source)


def _cells(path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _markdown(path) -> str:
    return "\n\n".join(_source(c) for c in _cells(path) if c["cell_type"] == "markdown")


def display_math(text: str) -> list[tuple[str, str | None]]:
    """Each `$$ … $$` display of a markdown text: (its TeX, its label or None)."""
    displays, position = [], 0
    while (start := text.find("$$", position)) >= 0:
        end = text.find("$$", start + 2)
        if end < 0:
            break
        label = LABEL_AFTER.match(text, end + 2)
        displays.append((text[start + 2:end], label.group(1) if label else None))
        position = end + 2
    return displays


def figure_problems(cells: list[dict]) -> list[str]:
    """What a reader would miss about the figures of a page: a number, a caption, a reference."""
    prose = "\n".join(_source(c) for c in cells if c["cell_type"] == "markdown")
    referred = set(NUMREF.findall(prose))
    problems = []
    for i, cell in enumerate(cells):
        if cell["cell_type"] != "code":
            continue
        if not any({"image/png", "image/svg+xml"} & set(o.get("data", {})) for o in cell.get("outputs", [])):
            continue
        figure = cell["metadata"].get("mystnb", {}).get("figure", {})
        caption, name = figure.get("caption", ""), figure.get("name", "")
        if not CJK.search(caption) or not caption.endswith("。"):
            problems.append(f"cell {i}: a figure without a Chinese caption, one sentence ending in 。 "
                            f"(metadata mystnb.figure.caption): {caption!r}")
        if not FIGURE_NAME.fullmatch(name):
            problems.append(f"cell {i}: a figure without a name fig-… (metadata mystnb.figure.name): {name!r}")
        elif name not in referred:
            problems.append(f"cell {i}: the text never refers to figure {name} ({{numref}}`{name}`)")
    return problems


def unreferred_equations(labels: list[str], prose: str) -> list[str]:
    """The labels that no {eq} role names, a range {eq}`a`–{eq}`b` naming those from a to b."""
    named = set(EQ_REF.findall(prose))
    for first, last in EQ_RANGE.findall(prose):
        if first in labels and last in labels:
            named |= set(labels[labels.index(first):labels.index(last) + 1])
    return [label for label in labels if label not in named]


def index_links(index_md: str) -> set[str]:
    """The pages a chapter index links, by markdown link to the notebook or by {doc}."""
    links = set(re.findall(r"\]\(([^)\s#]+?)\.(?:ipynb|md)(?:#[^)]*)?\)", index_md))
    for target in re.findall(r"\{doc\}`([^`]+)`", index_md):
        links.add(re.sub(r"^.*<(.+)>$", r"\1", target))
    return links


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_figure_has_a_caption_a_name_and_a_reference(path):
    assert figure_problems(_cells(path)) == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_a_page_with_display_math_numbers_its_key_equations(path):
    displays = display_math(_markdown(path))
    labels = [label for _, label in displays if label]
    assert not displays or labels, f"{len(displays)} displayed formulas and none numbered ($$ … $$ (eq-…))"
    bad = [label for label in labels if not EQUATION_NAME.fullmatch(label)]
    assert bad == [], f"equation labels are named eq-<page>-<what>: {bad}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_amsmath_environment_outside_display_dollars(path):
    outside = re.sub(r"\$\$.*?\$\$", "", _markdown(path), flags=re.S)
    found = AMSMATH_TOP_LEVEL.findall(outside)
    assert found == [], f"{found}: Sphinx numbers it without a label; write $$\\begin{{aligned}}…$$ (eq-…)"


def _labels_in_order() -> dict[str, list[str]]:
    return {path.stem: [label for _, label in display_math(_markdown(path)) if label] for path in NOTEBOOKS}


def test_every_numbered_equation_is_referred_to_by_number():
    """A number the text never uses is noise: number the equations the text comes back to."""
    prose = "\n".join(_markdown(path) for path in NOTEBOOKS)
    unused = {page: missing for page, labels in _labels_in_order().items()
              if (missing := unreferred_equations(labels, prose))}
    assert unused == {}


def test_labels_are_unique_in_the_book():
    labels = [label for labels in _labels_in_order().values() for label in labels]
    labels += [c["metadata"]["mystnb"]["figure"]["name"] for path in NOTEBOOKS for c in _cells(path)
               if c["metadata"].get("mystnb", {}).get("figure", {}).get("name")]
    assert sorted({label for label in labels if labels.count(label) > 1}) == []


def _chapters() -> list[dict]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    return [chapter for part in toc.get("parts", [{"chapters": toc.get("chapters")}]) for chapter in part["chapters"]]


@pytest.mark.parametrize("chapter", _chapters(), ids=lambda c: c["file"].split("/")[1])
def test_chapter_index_links_every_section_listed_under_it(chapter):
    index = ROOT / f"{chapter['file']}.md"
    folder = index.parent.relative_to(ROOT).as_posix()
    linked = {f"{folder}/{target}" for target in index_links(index.read_text(encoding="utf-8"))}
    sections = [section["file"] for section in chapter.get("sections", [])]
    assert sections, f"{chapter['file']} lists no sections"
    assert [s for s in sections if s not in linked] == [], f"{index.name} does not link these sections"


def test_the_checks_find_an_unnamed_figure_an_unused_number_and_an_unlinked_section():
    figure = {"cell_type": "code", "outputs": [{"data": {"image/svg+xml": "<svg/>"}}],
              "metadata": {"mystnb": {"figure": {"caption": "训练曲线。", "name": "fig-x-curve"}}}, "source": ""}
    text = {"cell_type": "markdown", "metadata": {}, "source": "如{numref}`fig-x-curve` 所示"}
    assert figure_problems([figure, text]) == []
    assert len(figure_problems([figure])) == 1  # never referred to
    unnamed = json.loads(json.dumps(figure))
    del unnamed["metadata"]["mystnb"]["figure"]["name"]
    assert len(figure_problems([unnamed, text])) == 1
    uncaptioned = json.loads(json.dumps(figure))
    uncaptioned["metadata"]["mystnb"] = {"image": {"alt": "训练曲线"}}
    assert len(figure_problems([uncaptioned, text])) == 2

    prose = "$$a = b$$ (eq-x-a)\n\n$$c$$\n\n$$(\\mathbf{w}, b)$$ (eq-x-w)\n\n$$d$$ (eq-x-d)\n"
    assert display_math(prose) == [("a = b", "eq-x-a"), ("c", None), ("(\\mathbf{w}, b)", "eq-x-w"), ("d", "eq-x-d")]
    labels = ["eq-x-a", "eq-x-w", "eq-x-d"]
    assert unreferred_equations(labels, "由 {eq}`eq-x-a`–{eq}`eq-x-d` 可得") == []
    assert unreferred_equations(labels, "由 {eq}`eq-x-a` 和 {eq}`eq-x-d` 可得") == ["eq-x-w"]

    links = index_links("“[数据操作](ndarray.ipynb)”与 {doc}`线性代数 <linear-algebra>`")
    assert links == {"ndarray", "linear-algebra"}
    assert index_links("“数据操作”介绍张量") == set()
    assert AMSMATH_TOP_LEVEL.findall("\\begin{align}\nx &= 1\n\\end{align}") == ["\\begin{align}"]
