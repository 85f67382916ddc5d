"""The search table of issue 20, re-run on a built site: where each query's page ranks.

Usage: python benchmarks/search_table.py [--html _build/html]   (after bash scripts/build.sh)

Serves the site on 127.0.0.1, runs each query on search.html in Debian's Chromium and prints a
Markdown table: the number of results, the rank of the page a reader looks for, and the first
three results by section number.
"""
import argparse
import re
from pathlib import Path
from urllib.parse import quote

import _common  # noqa: F401 - puts the repository root on sys.path
from playwright.sync_api import sync_playwright

from scripts import book

ROOT = Path(__file__).resolve().parents[1]
QUERIES = [  # query, the page a reader looks for
    ("weight decay", "chapters/03_multilayer-perceptrons/weight-decay"),
    ("decay", "chapters/03_multilayer-perceptrons/weight-decay"),
    ("ndarray", "chapters/01_preliminaries/ndarray"),
    ("key", "chapters/04_deep-learning-computation/read-write"),
    ("softmax回归", "chapters/02_linear-networks/softmax-regression"),
    ("nn.Sequential", "chapters/04_deep-learning-computation/model-construction"),
    ("过拟合", "chapters/03_multilayer-perceptrons/underfit-overfit"),
    ("暂退法", "chapters/03_multilayer-perceptrons/dropout"),
    ("标准化", "chapters/03_multilayer-perceptrons/normalization"),
]


def section_numbers(html: Path) -> dict[str, str]:
    """docname -> "3.5" from each page's numbered title."""
    numbers = {}
    for page in html.glob("chapters/*/*.html"):
        match = re.search(r'<h1><span class="section-number">([\d.]+?)\.? </span>',
                          page.read_text(encoding="utf-8"))
        if match:
            numbers[page.relative_to(html).with_suffix("").as_posix()] = match.group(1)
    return numbers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path, default=ROOT / "_build" / "html")
    args = parser.parse_args()
    numbers = section_numbers(args.html)
    print("| query | results | rank of the page looked for | first three |")
    print("|---|---:|---|---|")
    with book.serve(args.html) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=book.CHROMIUM, args=book.CHROMIUM_ARGS)
        page = browser.new_page()
        for query, wanted in QUERIES:
            page.goto(f"{base}search.html?q={quote(query)}")
            page.wait_for_function("() => (document.querySelector("
                                   "'#search-results .search-summary') || {}).innerText",
                                   timeout=30_000)
            hrefs = page.eval_on_selector_all("#search-results ul.search li > a",
                                              "as => as.map(a => a.href)")
            names = [h[len(base):].split("#")[0].removesuffix(".html") for h in hrefs]
            rank = names.index(wanted) + 1 if wanted in names else None
            first = ", ".join(numbers.get(n, n) for n in names[:3])
            looked = f"{numbers.get(wanted, wanted)}: {rank if rank else 'not found'}"
            print(f"| {query} | {len(names)} | {looked} | {first} |")
        browser.close()


if __name__ == "__main__":
    main()
