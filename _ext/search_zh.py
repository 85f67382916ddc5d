"""Sphinx extension: index English words with the stemmer the search page uses.

Sphinx's Chinese search language stems the index's Latin words with Snowball's English
(Porter2) stemmer but ships the search page the original Porter stemmer, so a word the two
stem differently is never found: "decay" is indexed as "decay" and searched as "decai"
("weight decay", "ndarray" and "key" found nothing). Indexing with Snowball's Porter stemmer,
the algorithm of the page's JavaScript, makes both sides agree.
"""
import snowballstemmer
from sphinx.application import Sphinx
from sphinx.search.zh import SearchChinese


class SearchChinesePorter(SearchChinese):
    """Chinese search whose index side stems like the page's JavaScript Porter stemmer."""

    def init(self, options: dict[str, str]) -> None:
        super().init(options)
        self.stemmer = snowballstemmer.stemmer("porter")


def setup(app: Sphinx) -> dict:
    app.add_search_language(SearchChinesePorter)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
