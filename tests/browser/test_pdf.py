"""The whole book as one PDF (scripts/build_pdf.py, run by scripts/build.sh), read with poppler.

Every chapter and section is in it, in the order of _toc.yml, with the titles the site shows;
the contents page gives the pages the outline (bookmarks) points to; the Chinese is in an
embedded TrueType CJK font; no TeX source is left unrendered; nothing runs past the margin.
"""
from __future__ import annotations

import html
import json
import re
import subprocess
from pathlib import Path

import pytest

from scripts import book

PDF = Path("downloads") / "d2l-pytorch.pdf"
MAX_BYTES = 30 * 2**20  # what a reader downloads


def poppler(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def pdf(site_dir) -> Path:
    path = site_dir / PDF
    assert path.is_file(), f"{path} is missing: scripts/build.sh prints it with scripts/build_pdf.py"
    return path


@pytest.fixture(scope="module")
def text(pdf) -> str:
    return poppler("pdftotext", "-enc", "UTF-8", str(pdf), "-")


@pytest.fixture(scope="module")
def outline(pdf) -> list[tuple[int, str]]:
    """(page, title) of every bookmark, in order (poppler's XML output lists the outline)."""
    xml = poppler("pdftohtml", "-xml", "-stdout", "-i", "-q", "-f", "1", "-l", "1", str(pdf))
    return [(int(page), html.unescape(title))
            for page, title in re.findall(r'<item page="(\d+)">([^<]*)</item>', xml)]


def site_titles(site_dir) -> list[str]:
    """The numbered title of every chapter and section page of the site, in toc order
    ("3.7 前向传播、反向传播和计算图": the site writes "3.7.", d2l and the PDF "3.7")."""
    titles = []
    for name in book.toc_files()[1:]:
        page = (site_dir / f"{name}.html").read_text(encoding="utf-8")
        h1 = re.search(r'<h1>(<span class="section-number">.*?)<a class="headerlink"', page, re.S).group(1)
        plain = html.unescape(re.sub(r"<[^>]+>", "", h1))
        titles.append(re.sub(r"^(\d+(?:\.\d+)*)\.\s*", r"\1 ", plain).strip())
    return titles


def test_size_and_pages(pdf):
    info = poppler("pdfinfo", str(pdf))
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    assert 150 < pages < 600, f"{pages} pages: is a chapter missing, or are outputs exploding?"
    assert pdf.stat().st_size <= MAX_BYTES, f"{pdf.stat().st_size / 2**20:.1f} MiB"
    width, height = map(float, re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", info, re.M).groups())
    assert abs(width - 595.3) < 1 and abs(height - 841.9) < 1, f"not A4: {width} x {height} pt"


def test_every_section_title_in_order(site_dir, text):
    titles = site_titles(site_dir)
    assert len(titles) == len(book.toc_files()) - 1 and "3.7 前向传播、反向传播和计算图" in titles
    flat = re.sub(r"\s+", " ", text)
    body = flat[flat.index("关于本书", flat.index("目录") + 200):]  # after the contents
    position = 0
    for title in titles:
        found = body.find(title, position)
        assert found >= 0, f"{title!r} is missing from the PDF's text after position {position}"
        position = found + len(title)


def test_outline_and_contents_agree(site_dir, pdf, text, outline):
    titles = site_titles(site_dir)
    pages = {title: page for page, title in outline}
    assert [t for _, t in outline if t in set(titles)] == titles, "outline order differs from _toc.yml"
    # Chromium writes a heading that moved to the next page twice into the outline
    # ("小结小结"): scripts/pdf/print.css avoids what moves them.
    doubled = [t for _, t in outline if len(t) % 2 == 0 and t[:len(t) // 2] == t[len(t) // 2:]]
    assert doubled == []
    contents = text[:text.index("1 预备知识", text.index("目录")) + 3000]
    for title in titles:
        line = re.search(re.escape(title) + r"[\s.]*?(\d+)\s*\n", contents + "\n")
        if line is None:  # the contents page may break a long title's line
            continue
        assert int(line.group(1)) == pages[title], f"contents say page {line.group(1)} for {title!r}"
    listed = sum(1 for title in titles if title in contents)
    assert listed == len(titles), f"{len(titles) - listed} sections missing from the contents"
    # Each title is on the page the outline points to.
    for title in titles[:3] + titles[-3:]:
        page_text = poppler("pdftotext", "-f", str(pages[title]), "-l", str(pages[title]),
                            "-enc", "UTF-8", str(pdf), "-")
        assert title in re.sub(r"\s+", " ", page_text)


def test_chinese_in_an_embedded_cjk_font(pdf, text):
    fonts = poppler("pdffonts", str(pdf)).splitlines()[2:]
    assert fonts, "no fonts listed"
    not_embedded = [f for f in fonts if f.split()[-5] != "yes"]
    assert not_embedded == []
    assert any("WenQuanYiMicroHei" in f and "CID TrueType" in f for f in fonts), fonts[:10]
    assert "\ufffd" not in text and ".notdef" not in text
    assert text.count("张量") > 100 and "暂退法" in text


def test_no_tex_source_left(text):
    """Formulas are typeset: TeX shows up only as often as the code cells themselves contain it
    (a matplotlib label r'$\\mathbf{b}$', a regular expression with \\[)."""
    code = "\n".join("".join(cell["source"]) + "".join("".join(o.get("text", "")) for o in cell.get("outputs", []))
                     for nb in book.notebooks()
                     for cell in json.loads(nb.read_text(encoding="utf-8"))["cells"]
                     if cell["cell_type"] == "code")
    for tex in ["\\frac", "$$", "\\(", "\\[", "\\mathbf", "\\begin{", "\\sum"]:
        assert text.count(tex) <= code.count(tex), f"unrendered TeX {tex!r} in the PDF"


def test_nothing_runs_past_the_margins(pdf):
    """No word (code, outputs, tables, maths) extends beyond the text block of its page."""
    boxes = poppler("pdftotext", "-bbox", str(pdf), "-")
    width = float(re.search(r'<page width="([\d.]+)"', boxes).group(1))
    right = width - 17 / 25.4 * 72 + 2  # scripts/pdf/print.css: 17 mm side margins, 2 pt slack
    over = [(m.group(2), float(m.group(1))) for m in
            re.finditer(r'<word xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', boxes)
            if float(m.group(1)) > right]
    assert over == [], f"{len(over)} words beyond the right margin, e.g. {over[:5]}"
