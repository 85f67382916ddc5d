"""Sphinx extension: search that finds English words and ranks pages like a book's index.

1. Sphinx's Chinese search language stems the index's Latin words with Snowball's English
   (Porter2) stemmer but ships the search page the original Porter stemmer, so a word the two
   stem differently is never found: "decay" is indexed as "decay" and searched as "decai"
   ("weight decay", "ndarray" and "key" found nothing). Indexing with Snowball's Porter
   stemmer, the algorithm of the page's JavaScript, makes both sides agree.
2. Sphinx's index says which pages hold a word, not how often, and the search page breaks ties
   by title in alphabetical order (3.10 before 3.2). _static/search-ranking.json adds what
   _static/search-zh.js needs to rank: the pages in the book's order and, per page, how often
   each indexed word occurs (counts of one are left out).
3. A Chinese title holds no English word, so "weight decay" ranked 3.5 权重衰减 behind pages that
   merely use weight_decay. The English name a page gives its own subject, written in brackets
   after the title's term ("权重衰减（weight decay）", "过拟合（overfitting）"), counts as part of
   its title: search-ranking.json lists those words per page, stemmed like the query.
"""
import json
import re
from collections import Counter
from pathlib import Path

import snowballstemmer
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.search import WordCollector
from sphinx.search.zh import SearchChinese

RANKING_FILE = "_static/search-ranking.json"
TITLE_PARTS = re.compile(r"[、，,：:和与及\s]+")  # "模型选择、欠拟合和过拟合" -> its three terms
GLOSS = r"[（(]([A-Za-z][A-Za-z \-]+)[）)]"  # "（weight decay）" right after the term


class SearchChinesePorter(SearchChinese):
    """Chinese search whose index side stems like the page's JavaScript Porter stemmer."""

    def init(self, options: dict[str, str]) -> None:
        super().init(options)
        self.stemmer = snowballstemmer.stemmer("porter")


def _count_words(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Count the words of a page the way the index collects them (WordCollector, stem, filter)."""
    if app.builder.format != "html":
        return
    if not hasattr(app, "_d2l_lang"):
        app._d2l_lang = SearchChinesePorter(app.config.html_search_options)
    lang = app._d2l_lang
    # SearchChinese keeps the Latin words it has seen in a list shared by every instance (a class
    # attribute) and scans it on each stem: a list of this page's own keeps both fast.
    lang.latin_terms = []
    collector = WordCollector(doctree, lang)
    doctree.walk(collector)
    counts = Counter(collector.found_words)
    stemmed_counts = Counter()
    for word, n in counts.items():
        stemmed = lang.stem(word).lower()
        if lang.word_filter(stemmed):
            stemmed_counts[stemmed] += n
        elif lang.word_filter(word):
            stemmed_counts[word] += n
    counts = stemmed_counts
    app._d2l_counts = getattr(app, "_d2l_counts", {})
    app._d2l_counts[docname] = {word: n for word, n in sorted(counts.items()) if n > 1}
    app._d2l_glosses = getattr(app, "_d2l_glosses", {})
    app._d2l_glosses[docname] = _title_glosses(doctree, lang)


def _title_glosses(doctree: nodes.document, lang: SearchChinesePorter) -> list[str]:
    """The stemmed English words a page glosses its title's terms with."""
    titles = list(doctree.findall(nodes.title))
    if not titles:
        return []
    text = doctree.astext()
    words = []
    for term in TITLE_PARTS.split(titles[0].astext()):
        match = re.search(re.escape(term) + GLOSS, text) if len(term) >= 2 else None
        if match:
            words += [lang.stem(w).lower() for w in re.findall(r"[A-Za-z]+", match.group(1))]
    return sorted(set(words))


def _book_order(app: Sphinx) -> list[str]:
    order, todo = [], [app.config.root_doc]
    while todo:
        doc = todo.pop(0)
        if doc in order:
            continue
        order.append(doc)
        todo[0:0] = app.env.toctree_includes.get(doc, [])
    return order


def _write_ranking(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    data = {"order": _book_order(app), "counts": dict(sorted(getattr(app, "_d2l_counts", {}).items())),
            "glosses": {doc: words for doc, words in sorted(getattr(app, "_d2l_glosses", {}).items()) if words}}
    target = Path(app.outdir) / RANKING_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def setup(app: Sphinx) -> dict:
    app.add_search_language(SearchChinesePorter)
    app.connect("doctree-resolved", _count_words)
    app.connect("build-finished", _write_ranking)
    return {"parallel_read_safe": True, "parallel_write_safe": False}
