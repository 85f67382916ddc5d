"""Browser tests of the built book: every page loads offline, math renders, figures show,
Chinese search finds the right pages, and the launch/download buttons and section numbers are there.

Run after the build (scripts/test.sh does): python -m pytest -p no:nbval --override-ini addopts= tests/browser
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


def toc_docnames() -> list[str]:
    """Every page of _toc.yml in reading order: the root, then each chapter and its sections."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    names = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                names.append(entry["file"])
            walk(entry.get("sections"))

    for part in toc.get("parts", [{"chapters": toc.get("chapters")}]):
        walk(part.get("chapters"))
    return names


PAGES = toc_docnames()
FORMULA_PAGES = ["intro", "chapters/01_preliminaries/calculus",
                 "chapters/02_linear-networks/softmax-regression"]
FORMULA_SCREENSHOT = "chapters/01_preliminaries/calculus"
FIGURE_PAGE = "chapters/02_linear-networks/softmax-regression-scratch"
NOTEBOOK_PAGE = FIGURE_PAGE
REPO = "d2l-executable/d2l-notes-pytorch"
BRANCH = "main"
SEARCHES = [  # query, the page that must be among the first results
    ("梯度", "chapters/01_preliminaries/calculus"),
    ("暂退法", "chapters/03_multilayer-perceptrons/dropout"),
    ("softmax", "chapters/02_linear-networks/softmax-regression"),
    # whole terms from _static/jieba-terms.txt, which jieba alone splits into parts
    ("过拟合", "chapters/03_multilayer-perceptrons/underfit-overfit"),
    ("反向传播", "chapters/03_multilayer-perceptrons/backprop"),
]
TOP_RESULTS = 5


def require(site_dir, docname: str) -> None:
    """The page must be in the build (a clear failure rather than a browser timeout)."""
    if not (site_dir / f"{docname}.html").is_file():
        pytest.fail(f"{docname}.html is missing from {site_dir}: is the page written and in _toc.yml?")


def images_loaded(visit) -> list[str]:
    """Scroll every <img> into view (lazy ones load then) and return those that did not load."""
    page = visit.page
    for img in page.locator("img").all():
        if img.is_visible():
            img.scroll_into_view_if_needed()
    page.wait_for_load_state("networkidle")
    return page.evaluate("""() => Array.from(document.images)
        .filter(img => !(img.complete && img.naturalWidth > 0))
        .map(img => img.currentSrc || img.src)""")


@pytest.mark.parametrize("docname", PAGES)
def test_page_loads_offline(visit, site_dir, docname):
    """HTTP 200, no console or page errors, nothing fetched from outside, every image loaded."""
    require(site_dir, docname)
    visit.goto(f"{docname}.html")
    broken = images_loaded(visit)
    problems = visit.problems() + [f"image did not load: {src}" for src in broken]
    assert not problems, f"{docname}:\n" + "\n".join(problems)


def test_root_redirects_to_front_page(visit):
    visit.goto("index.html")
    visit.page.wait_for_url(re.compile(r"/intro\.html$"))
    assert visit.page.locator("h1").first.inner_text().startswith("动手学深度学习")
    visit.screenshot("front-page.png")
    assert not visit.problems(), "\n".join(visit.problems())


EXTERNAL_ASSET = re.compile(
    r"<(?:script|img|iframe)\b[^>]*\bsrc=[\"']https?://[^>]*>"
    r"|<link\b(?=[^>]*\brel=[\"'](?:stylesheet|preload|icon)[\"'])[^>]*\bhref=[\"']https?://[^>]*>")


def test_no_page_loads_assets_from_the_network(site_dir):
    """No built page refers to a script, style sheet, font or image on another host (MathJax included)."""
    assert (site_dir / "_static" / "mathjax" / "tex-chtml.js").is_file(), "MathJax is not in the site"
    pages = sorted(site_dir.rglob("*.html"))
    assert len(pages) >= len(PAGES)
    external = {str(p.relative_to(site_dir)): EXTERNAL_ASSET.findall(p.read_text(encoding="utf-8"))
                for p in pages}
    external = {k: v for k, v in external.items() if v}
    assert not external, f"pages that load assets from the network: {external}"
    mathjax = re.findall(r"<script[^>]*src=\"([^\"]*mathjax[^\"]*)\"",
                         (site_dir / "intro.html").read_text(encoding="utf-8"))
    assert mathjax == ["_static/mathjax/tex-chtml.js"], mathjax


RAW_TEX = re.compile(r"\\\(|\\\)|\\\[|\\\]|\$\$|\\frac|\\mathbf|\\sum|\\begin\{")


@pytest.mark.parametrize("docname", FORMULA_PAGES)
def test_math_is_rendered_from_the_site(visit, site_dir, docname):
    """MathJax comes from the site itself and turns every formula into mjx-container elements."""
    require(site_dir, docname)
    visit.goto(f"{docname}.html")
    page = visit.page
    src = page.evaluate("() => document.querySelector('script[src*=\"mathjax\"]').src")
    assert src.startswith(visit.base_url), f"MathJax is not served by the site: {src}"
    assert page.evaluate("() => window.MathJax && window.MathJax.version || ''"), "MathJax did not start"
    rendered = page.locator("mjx-container").count()
    assert rendered > 0, f"{docname}: no formula rendered by MathJax"
    # Text outside code and outside rendered math: no TeX source left visible.
    prose = page.evaluate("""() => {
        const main = document.querySelector('main').cloneNode(true);
        main.querySelectorAll('pre, code, mjx-container, script, style, .cell_output')
            .forEach(e => e.remove());
        return main.innerText;
    }""")
    leftovers = sorted(set(RAW_TEX.findall(prose)))
    assert not leftovers, f"{docname}: raw TeX visible in the page: {leftovers}"
    if docname == FORMULA_SCREENSHOT:
        page.locator("mjx-container[display='true']").first.scroll_into_view_if_needed()
        page.evaluate("y => window.scrollBy(0, y)", -250)
        visit.screenshot("formula-page.png")
    assert not visit.problems(), "\n".join(visit.problems())


def test_notation_table_on_front_page(visit):
    """The front page carries the 数学符号 table, rendered."""
    visit.goto("intro.html")
    page = visit.page
    heading = page.locator("h2", has_text="数学符号")
    assert heading.count() == 1
    cells = page.locator("main table td mjx-container").count()
    assert cells >= 40, f"only {cells} rendered formulas in the notation tables"


def test_training_figure_is_shown(visit, site_dir):
    """The train_ch3 figure of softmax regression from scratch is an image with a nonzero size."""
    require(site_dir, FIGURE_PAGE)
    visit.goto(f"{FIGURE_PAGE}.html")
    page = visit.page
    # MyST-NB writes a figure output (SVG here) to _images/ and shows it with an <img>.
    cell = page.locator("div.cell").filter(
        has=page.locator(".cell_input", has_text="train_ch3(")).filter(
        has=page.locator(".cell_output img")).first
    assert cell.count() == 1, "no cell calling train_ch3( with a figure in its output"
    figure = cell.locator(".cell_output img").first
    figure.scroll_into_view_if_needed()
    assert figure.evaluate("e => e.complete && e.naturalWidth > 0"), "training figure did not load"
    box = figure.bounding_box()
    assert box and box["width"] > 100 and box["height"] > 100, f"training figure box: {box}"
    page.evaluate("y => window.scrollBy(0, y)", -200)
    visit.screenshot("training-figure-page.png")
    assert not visit.problems(), "\n".join(visit.problems())


def search_results(visit, query: str) -> list[str]:
    """Run Sphinx's search page for `query`; return the docnames of the results, best first."""
    visit.goto(f"search.html?q={quote(query)}")
    page = visit.page
    # The summary gets its text when the search has finished.
    page.wait_for_function(
        "() => (document.querySelector('#search-results .search-summary') || {}).innerText",
        timeout=30_000)
    hrefs = page.eval_on_selector_all("#search-results ul.search li > a", "as => as.map(a => a.href)")
    names = []
    for href in hrefs:
        path = href[len(visit.base_url):].split("#")[0].split("?")[0]
        names.append(path.removesuffix(".html"))
    return names


@pytest.mark.parametrize("query,expected", SEARCHES)
def test_search_finds_the_right_page(visit, site_dir, query, expected):
    require(site_dir, expected)
    results = search_results(visit, query)
    assert results, f"search for {query!r} found nothing"
    assert expected in results[:TOP_RESULTS], (
        f"search for {query!r}: {expected} is not among the first {TOP_RESULTS} results {results}")
    assert not visit.problems(), "\n".join(visit.problems())


def test_launch_and_download_buttons(visit, site_dir):
    """A notebook page offers Colab, Binder (JupyterLab) and the .ipynb download, with the right paths."""
    require(site_dir, NOTEBOOK_PAGE)
    visit.goto(f"{NOTEBOOK_PAGE}.html")
    page = visit.page
    nb = f"{NOTEBOOK_PAGE}.ipynb"
    links = page.eval_on_selector_all("a[href]", "as => as.map(a => a.getAttribute('href'))")
    colab = f"https://colab.research.google.com/github/{REPO}/blob/{BRANCH}/{nb}"
    binder = f"https://mybinder.org/v2/gh/{REPO}/{BRANCH}?urlpath=lab/tree/{nb}"
    assert colab in links, f"no Colab link {colab}"
    assert binder in links, f"no Binder link opening JupyterLab {binder}"
    assert f"https://github.com/{REPO}" in links, "no repository button"
    assert any(h.startswith(f"https://github.com/{REPO}/issues/new") for h in links), "no issues button"

    # The buttons are usable: the rocket menu opens and shows Colab and Binder.
    page.locator("button[aria-label*='启动'], button[aria-label*='Launch']").first.click()
    for name in ("Colab", "Binder"):
        assert page.locator(f"a[href*='{name.lower()}']", has_text=name).first.is_visible(), name
    page.keyboard.press("Escape")

    # The download menu offers the notebook itself.
    download = [h for h in links if h.endswith("_sources/" + nb)]
    assert download, "no download link to the .ipynb source"
    url = page.evaluate("h => new URL(h, document.baseURI).href", download[0])
    body = page.request.get(url)
    assert body.status == 200, f"{url}: HTTP {body.status}"
    notebook = json.loads(body.text())
    assert notebook["nbformat"] == 4 and notebook["cells"], "the download is not a notebook"
    assert not visit.problems(), "\n".join(visit.problems())


def test_sidebar_shows_section_numbers(visit, site_dir):
    """The sidebar numbers chapters and sections as _toc.yml orders them (numbered: true)."""
    require(site_dir, FIGURE_PAGE)
    visit.goto(f"{FIGURE_PAGE}.html")
    page = visit.page
    entries = page.eval_on_selector_all(
        "nav.bd-links a.reference.internal",
        "as => as.map(a => [a.href.split('#')[0], a.textContent.trim()])")
    by_page = {href[len(visit.base_url):].removesuffix(".html"): text for href, text in entries}
    missing = [name for name in PAGES[1:] if name not in by_page]
    assert not missing, f"pages missing from the sidebar: {missing}"
    unnumbered = [by_page[name] for name in PAGES[1:]
                  if not re.match(r"^\d+(\.\d+)*\. ", by_page[name])]
    assert not unnumbered, f"sidebar entries without a section number: {unnumbered}"
    # The current chapter is unfolded: its section 2.6 is visible, with its number.
    current = page.locator("nav.bd-links li.current > a.current")
    assert current.is_visible() and current.inner_text().startswith("2.6. "), current.inner_text()
