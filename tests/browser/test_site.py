"""Browser tests of the built book: every page loads offline, math renders, figures show, code
fits the column, Chinese search finds the right pages, and the launch/download buttons and section
numbers are there.

Each page is loaded once (``test_page[docname]``) and every check of that page is made in that
visit, in the order of ``checks_for(docname)``; a failing check does not hide the others, the
test reports them all. Search queries are one visit each, and checks of the built files need no
browser. Run after the build (scripts/test.sh does, pages in parallel):
    python -m pytest -p no:nbval --override-ini addopts= --confcutdir=tests/browser -n 4 tests/browser
One page only, e.g.:
    python -m pytest ... "tests/browser/test_site.py::test_page[chapters/01_preliminaries/calculus]"
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote

import pytest
import yaml

from scripts import book

ROOT = Path(__file__).resolve().parents[2]


PAGES = book.toc_files()
FORMULA_PAGES = ["intro", "chapters/01_preliminaries/calculus",
                 "chapters/02_linear-networks/softmax-regression"]
FORMULA_SCREENSHOT = "chapters/01_preliminaries/calculus"
FIGURE_PAGE = "chapters/02_linear-networks/softmax-regression-scratch"
NOTEBOOK_PAGE = FIGURE_PAGE

def _repository() -> tuple[str, str]:
    """owner/name and branch from _config.yml's repository settings (the one place they are set)."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["repository"]
    url = config["url"].rstrip("/")
    assert url.startswith("https://github.com/"), f"repository.url is not a GitHub URL: {url}"
    return url.removeprefix("https://github.com/"), config.get("branch", "main")


REPO, BRANCH = _repository()
SEARCHES = [  # query, the page that must be among the first results
    ("梯度", "chapters/01_preliminaries/calculus"),
    ("暂退法", "chapters/03_multilayer-perceptrons/dropout"),
    ("softmax", "chapters/02_linear-networks/softmax-regression"),
    # whole terms from _static/jieba-terms.txt, which jieba alone splits into parts
    ("过拟合", "chapters/03_multilayer-perceptrons/underfit-overfit"),
    ("反向传播", "chapters/03_multilayer-perceptrons/backprop"),
    # typed without the book's spaces (_static/search-zh.js splits them)
    ("softmax回归", "chapters/02_linear-networks/softmax-regression"),
    ("K折交叉验证", "chapters/03_multilayer-perceptrons/underfit-overfit"),
    # English words: the index is stemmed like the search page's queries (_ext/search_zh.py)
    ("weight decay", "chapters/03_multilayer-perceptrons/weight-decay"),
    ("decay", "chapters/03_multilayer-perceptrons/weight-decay"),
    ("ndarray", "chapters/01_preliminaries/ndarray"),
    ("key", "chapters/04_deep-learning-computation/read-write"),
    ("nn.Sequential", "chapters/04_deep-learning-computation/model-construction"),
]
TOP_RESULTS = 5
# The page that must come first: its title (or the English name it gives its title's term) holds
# the query (_static/search-zh.js ranks by that,
# then by how often a page uses the words, then in the book's order).
FIRST_RESULTS = {
    "softmax回归": "chapters/02_linear-networks/softmax-regression",
    "nn.Sequential": "chapters/04_deep-learning-computation/model-construction",
    "暂退法": "chapters/03_multilayer-perceptrons/dropout",
    # the English name the page gives its title's term: 权重衰减（weight decay）
    "weight decay": "chapters/03_multilayer-perceptrons/weight-decay",
    "decay": "chapters/03_multilayer-perceptrons/weight-decay",
}


def require(site_dir, docname: str) -> None:
    """The page must be in the build (a clear failure rather than a browser timeout)."""
    if not (site_dir / f"{docname}.html").is_file():
        pytest.fail(f"{docname}.html is missing from {site_dir}: is the page written and in _toc.yml?")


# Images that have not finished loading when the page's load event fired (e.g. added by a
# script) are awaited for up to 10 s; the names of those that did not load are returned.
IMAGES_NOT_LOADED = """async () => {
    const pending = Array.from(document.images).filter(img => !img.complete);
    await Promise.race([
        Promise.all(pending.map(img => new Promise(done => {
            img.addEventListener('load', done); img.addEventListener('error', done); }))),
        new Promise(done => setTimeout(done, 10000))]);
    return Array.from(document.images)
        .filter(img => !(img.complete && img.naturalWidth > 0))
        .map(img => img.currentSrc || img.src);
}"""

# Text outside code, code outputs and rendered math, as the reader sees it.
VISIBLE_PROSE = """() => {
    const main = document.querySelector('main').cloneNode(true);
    main.querySelectorAll('pre, code, mjx-container, script, style, .cell_output')
        .forEach(e => e.remove());
    return main.innerText;
}"""


# ---- checks made on a page during its one visit: check(visit, site_dir, docname) ----------

def check_images_load(visit, site_dir, docname):
    """Every image of the page loaded (HTTP 200, no errors and nothing fetched from outside are
    checked for every visit by visit.problems())."""
    broken = visit.page.evaluate(IMAGES_NOT_LOADED)
    assert not broken, f"images did not load: {broken}"


def check_no_formula_is_left_as_dollar_signs(visit, site_dir, docname):
    """No `$` is left in a page's prose: every $...$ and $$...$$ became a formula.

    A `$$` on a list item's continuation line is parsed as text, and the page shows
    `$<span class="math ...">...</span>$` at inline size: the built HTML is checked for that too.
    """
    html = (site_dir / f"{docname}.html").read_text(encoding="utf-8")
    assert '$<span class="math' not in html, "a formula wrapped in literal $ signs"
    prose = visit.page.evaluate(VISIBLE_PROSE)
    dollars = [prose[max(0, m.start() - 30):m.end() + 30] for m in re.finditer(r"\$", prose)]
    assert not dollars, f"literal $ in the page: {dollars[:5]}"


HASHED_NAME = re.compile(r"[0-9a-f]{16,}|\.(svg|png|jpe?g)$|_images/")


def check_figures_have_meaningful_alt_text(visit, site_dir, docname):
    """Every figure of a code cell has alt text that describes it, not its hashed file name."""
    images = visit.page.eval_on_selector_all(
        "main .cell_output img", "imgs => imgs.map(i => [i.getAttribute('src'), i.getAttribute('alt') || ''])")
    bad = [(src, alt) for src, alt in images if len(alt) < 8 or HASHED_NAME.search(alt)]
    assert not bad, f"figures without meaningful alt text: {bad}"


RAW_TEX = re.compile(r"\\\(|\\\)|\\\[|\\\]|\$\$|\\frac|\\mathbf|\\sum|\\begin\{")


def check_math_is_rendered_from_the_site(visit, site_dir, docname):
    """MathJax comes from the site itself and turns every formula into mjx-container elements."""
    page = visit.page
    src = page.evaluate("() => document.querySelector('script[src*=\"mathjax\"]').src")
    assert src.startswith(visit.base_url), f"MathJax is not served by the site: {src}"
    assert page.evaluate("() => window.MathJax && window.MathJax.version || ''"), "MathJax did not start"
    rendered = page.locator("mjx-container").count()
    assert rendered > 0, "no formula rendered by MathJax"
    # Text outside code and outside rendered math: no TeX source left visible.
    leftovers = sorted(set(RAW_TEX.findall(page.evaluate(VISIBLE_PROSE))))
    assert not leftovers, f"raw TeX visible in the page: {leftovers}"
    if docname == FORMULA_SCREENSHOT:
        page.locator("mjx-container[display='true']").first.scroll_into_view_if_needed()
        page.evaluate("y => window.scrollBy(0, y)", -250)
        visit.screenshot("formula-page.png")


def check_notation_table(visit, site_dir, docname):
    """The front page carries the 数学符号 table, rendered."""
    page = visit.page
    heading = page.locator("h2", has_text="数学符号")
    assert heading.count() == 1, f"{heading.count()} headings 数学符号"
    cells = page.locator("main table td mjx-container").count()
    assert cells >= 40, f"only {cells} rendered formulas in the notation tables"


def check_sidebar_shows_section_numbers(visit, site_dir, docname):
    """The sidebar numbers chapters and sections as _toc.yml orders them (numbered: true)."""
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


def check_footer_credits_sources_and_licences(visit, site_dir, docname):
    """Every page's footer credits d2l-zh and the data sets and names the licences."""
    text = " ".join(visit.page.locator("footer").all_inner_texts())
    for needed in ("d2l-zh", "CC BY-SA 4.0", "MIT", "Fashion-MNIST", "Ames", "De Cock"):
        assert needed in text, f"the footer does not mention {needed!r}: {text!r}"
    assert visit.page.locator("footer a[href='https://github.com/d2l-ai/d2l-zh']").count() >= 1


def check_training_figure_is_shown(visit, site_dir, docname):
    """The train_ch3 figure of softmax regression from scratch is an image with a nonzero size."""
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


def check_launch_and_download_buttons(visit, site_dir, docname):
    """A notebook page offers Colab, Binder (JupyterLab) and the .ipynb download, with the right paths."""
    page = visit.page
    nb = f"{docname}.ipynb"
    links = page.eval_on_selector_all("a[href]", "as => as.map(a => a.getAttribute('href'))")
    colab = f"https://colab.research.google.com/github/{REPO}/blob/{BRANCH}/{nb}"
    binder = f"https://mybinder.org/v2/gh/{REPO}/{BRANCH}?urlpath=lab/tree/{nb}"
    assert colab in links, f"no Colab link {colab}"
    assert binder in links, f"no Binder link opening JupyterLab {binder}"
    assert f"https://github.com/{REPO}" in links, "no repository button"
    assert any(h.startswith(f"https://github.com/{REPO}/issues/new") for h in links), "no issues button"

    # The buttons are usable: the rocket menu opens and shows Colab and Binder.
    page.locator("button[aria-label='在线运行']").first.click()
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


DIAGRAM_PAGES = ["chapters/02_linear-networks/linear-regression", "chapters/03_multilayer-perceptrons/mlp",
                 "chapters/03_multilayer-perceptrons/dropout", "chapters/03_multilayer-perceptrons/backprop"]


def check_diagrams_show_a_caption_not_their_code(visit, site_dir, docname):
    """The matplotlib code that draws a network or computation-graph diagram is folded away
    (a toggle shows it), and the diagram has a numbered caption. (Every figure has one: a figure
    in a closed answer box is not visible until the box is opened, but it is captioned too.)"""
    page = visit.page
    figures = page.locator("main .cell_output figure")
    assert figures.count() >= 1, "no captioned figure"
    for i in range(figures.count()):
        caption = figures.nth(i).locator("figcaption")
        if figures.nth(i).evaluate("f => f.closest('details.answer:not([open])') !== null"):
            assert (caption.text_content() or "").strip().startswith("图 "), f"figure {i} (in an answer) has no caption"
        else:
            assert caption.is_visible() and caption.inner_text().strip(), f"figure {i} has no caption"
    # Every long code cell that draws a figure is hidden behind a toggle.
    long_inputs = page.eval_on_selector_all(
        "main div.cell", """cells => cells.filter(c => c.querySelector('.cell_output img'))
            .map(c => { const pre = c.querySelector('.cell_input pre');
                        return pre ? [pre.innerText.split('\\n').length, pre.offsetParent !== null] : [0, false]; })
            .filter(([lines, shown]) => lines > 15 && shown)""")
    assert not long_inputs, f"long plotting code shown: {long_inputs}"
    if docname.endswith("backprop"):
        figures.first.scroll_into_view_if_needed()
        page.evaluate("y => window.scrollBy(0, y)", -150)
        visit.screenshot("diagram-page.png")


def check_answers_are_folded_and_open_on_click(visit, site_dir, docname):
    """Each exercise's answer (_ext/answers.py) is a closed box right below its question; a click
    on its title opens it and shows the answer's text and code."""
    page = visit.page
    expected = (ROOT / f"{docname}.ipynb").read_text(encoding="utf-8").count(":::{answer} ")
    answers = page.locator("main details.answer")
    assert answers.count() == expected, f"{answers.count()} folded answers, the notebook has {expected}"
    assert page.eval_on_selector_all("main details.answer", "ds => ds.filter(d => d.open).length") == 0, \
        "an answer is open before it is clicked"
    assert page.eval_on_selector_all(
        "main details.answer", "ds => ds.filter(d => !(d.previousElementSibling && "
        "d.previousElementSibling.matches('ol, details.answer'))).length") == 0, \
        "an answer is not right below a question"
    first = answers.first
    assert not first.locator(".answer-body").is_visible()
    first.locator("summary").click()
    assert first.evaluate("d => d.open"), "clicking 参考答案 did not open the answer"
    assert first.locator(".answer-body").is_visible() and first.locator(".answer-body").inner_text().strip()
    first.locator("summary").click()


def check_fits_a_phone_screen(visit, site_dir, docname):
    """At 390 px (a phone) no page is wider than the screen: long inline code wraps, wide code
    and formulas scroll in their own boxes (_static/book.css)."""
    page = visit.page
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(100)
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"the page is {widths[0]} px wide on a {widths[1]} px screen"


# Code that scrolls sideways in its box: [longest line, scrollWidth, clientWidth] of every code
# input of a cell and code block of the prose, folded ones (hidden inputs, answers) opened for the
# measurement and closed again. Outputs are left out: a printed tensor may scroll.
CODE_WIDER_THAN_ITS_BOX = """() => {
    const closed = Array.from(document.querySelectorAll('main details:not([open])'));
    closed.forEach(d => { d.open = true; });
    const wide = Array.from(document.querySelectorAll('main pre'))
        .filter(pre => !pre.closest('.cell_output') && pre.scrollWidth > pre.clientWidth + 1)
        .map(pre => [pre.innerText.split('\\n').reduce((a, l) => l.length > a.length ? l : a, ''),
                     pre.scrollWidth, pre.clientWidth]);
    closed.forEach(d => { d.open = false; });
    return wide;
}"""


def check_code_fits_the_column(visit, site_dir, docname):
    """At desktop width no code scrolls sideways: code lines of at most 78 columns
    (chapters/ruff.toml) fit the page's column, inside a folded answer too (_static/book.css)."""
    wide = visit.page.evaluate(CODE_WIDER_THAN_ITS_BOX)
    width = visit.page.viewport_size["width"]
    assert not wide, f"code wider than its box at {width} px ([longest line, px, box px]): {wide}"


EVERY_PAGE = [check_images_load, check_no_formula_is_left_as_dollar_signs,
              check_figures_have_meaningful_alt_text, check_code_fits_the_column]


def checks_for(docname: str) -> list:
    """The checks made on `docname` in its one visit. Checks that only read the page come
    first; those that scroll, take a screenshot or open a menu come after them."""
    checks = list(EVERY_PAGE)
    if docname == PAGES[0]:
        checks.append(check_notation_table)
    if docname == NOTEBOOK_PAGE:
        checks += [check_sidebar_shows_section_numbers, check_footer_credits_sources_and_licences]
    if docname in FORMULA_PAGES:
        checks.append(check_math_is_rendered_from_the_site)
    if docname in DIAGRAM_PAGES:
        checks.append(check_diagrams_show_a_caption_not_their_code)
    if docname == FIGURE_PAGE:
        checks.append(check_training_figure_is_shown)
    if (ROOT / f"{docname}.ipynb").is_file() and ":::{answer} " in (ROOT / f"{docname}.ipynb").read_text(
            encoding="utf-8"):
        checks.append(check_answers_are_folded_and_open_on_click)  # clicks
    if docname == NOTEBOOK_PAGE:
        checks.append(check_launch_and_download_buttons)  # opens a menu
    checks.append(check_fits_a_phone_screen)  # narrows the window: last
    return checks


def run_checks(visit, site_dir, name: str, checks) -> list[str]:
    """Run every check; return one line per failed check (a failure does not stop the others)."""
    failures = []
    for check in checks:
        try:
            check(visit, site_dir, name)
        except Exception as exc:  # noqa: BLE001 - a check that fails in any way is reported
            failures.append(f"{check.__name__}: {type(exc).__name__}: {exc}")
    return failures


@pytest.mark.parametrize("docname", PAGES)
def test_page(visit, site_dir, docname):
    """One visit of a page: HTTP 200, no console or page errors, nothing fetched from outside
    (the site works offline), and every check of checks_for(docname)."""
    require(site_dir, docname)
    visit.goto(f"{docname}.html")
    failures = run_checks(visit, site_dir, docname, checks_for(docname))
    failures += [f"offline: {p}" for p in visit.problems()]
    assert not failures, f"{docname}:\n" + "\n".join(failures)


def test_page_checks_cover_the_site():
    """Every page gets the every-page checks, and every special page is a page of the book."""
    special = [*FORMULA_PAGES, FIGURE_PAGE, NOTEBOOK_PAGE, *DIAGRAM_PAGES,
               *(expected for _, expected in SEARCHES)]
    assert not [name for name in special if name not in PAGES]
    assert all(checks_for(name)[:len(EVERY_PAGE)] == EVERY_PAGE for name in PAGES)


def test_root_redirects_to_front_page(visit):
    response = visit.page.goto(visit.base_url + "index.html", wait_until="load")
    assert response is not None and response.status == 200, "index.html did not load"
    visit.page.wait_for_url(re.compile(r"/intro\.html$"), wait_until="load")
    assert visit.page.locator("h1").first.inner_text().startswith("《动手学深度学习》")
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


def test_install_cell_is_not_shown(site_dir):
    """The first cell of every notebook (it installs d2lcore in Colab) is left out of the pages."""
    shown = [name for name in PAGES if "find_spec" in (site_dir / f"{name}.html").read_text(encoding="utf-8")]
    assert not shown, f"pages that show the install cell: {shown}"


# ---- search: one visit of search.html per query ---------------------------------------------

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


SNIPPET_QUERIES = ["梯度", "权重衰减", "softmax"]
# The download menu's labels, the table of contents' heading, TeX delimiters and commands.
SNIPPET_NOISE = re.compile(r"^\W*(\.ipynb|\.pdf|目录|Contents)|\\\(|\\\)|\\\[|\\mathbf|\\frac")


def check_search_finds_the_right_page(visit, results, query):
    expected = dict(SEARCHES)[query]
    assert results, f"search for {query!r} found nothing"
    assert expected in results[:TOP_RESULTS], (
        f"search for {query!r}: {expected} is not among the first {TOP_RESULTS} results {results}")
    assert len(results) == len(set(results)), f"search for {query!r}: a page is listed twice: {results}"
    if query in FIRST_RESULTS:
        assert results[0] == FIRST_RESULTS[query], f"search for {query!r}: first result {results[0]}"


def check_search_snippets_show_the_text(visit, results, query):
    """A result's snippet is the page's text around the query: no menu labels, no table of
    contents, no TeX source."""
    page = visit.page
    page.wait_for_function(
        "() => document.querySelectorAll('#search-results ul.search li p.context').length > 0",
        timeout=30_000)
    snippets = page.eval_on_selector_all("#search-results ul.search li p.context",
                                         "ps => ps.map(p => p.innerText.trim())")
    noisy = [s[:80] for s in snippets if SNIPPET_NOISE.search(s)]
    assert not noisy, f"search {query!r}: snippets with menu labels, contents or TeX: {noisy}"
    if query == SNIPPET_QUERIES[0]:
        visit.screenshot("search-page.png")


def search_checks_for(query: str) -> list:
    return ([check_search_finds_the_right_page] * (query in dict(SEARCHES))
            + [check_search_snippets_show_the_text] * (query in SNIPPET_QUERIES))


SEARCH_QUERIES = list(dict.fromkeys([query for query, _ in SEARCHES] + SNIPPET_QUERIES))


@pytest.mark.parametrize("query", SEARCH_QUERIES)
def test_search(visit, site_dir, query):
    """Chinese (and mixed) queries find the right page among the first results, and the result
    snippets show the page's text."""
    if query in dict(SEARCHES):
        require(site_dir, dict(SEARCHES)[query])
    results = search_results(visit, query)
    failures = run_checks(visit, results, query, search_checks_for(query))
    failures += [f"offline: {p}" for p in visit.problems()]
    assert not failures, f"search {query!r}:\n" + "\n".join(failures)
