/* Search tweaks for this Chinese book; loaded on every page, active on the search page only.
 *
 * 1. Queries typed without the book's spaces: "softmax回归" is split where Latin text meets
 *    Chinese ("softmax", "回归"), and a Chinese run that is not a word of the index is cut into the
 *    longest words of the index ("K折交叉验证" -> "交叉验证"; a lone letter or character that is
 *    not indexed is dropped, since every remaining word must match).
 * 2. Result snippets: the page's download menu, table of contents, footer and code inputs are
 *    left out, and formulas are shown as plain text (\(\mathbf{x}\) -> x) instead of TeX source.
 * 3. Ranking: one hit per page (the best of its page and heading matches), ordered by how many
 *    query words the page title holds (then the shorter title), a heading that is mostly the
 *    query, how often the page uses the words, then the book's order (_static/search-ranking.json, written by _ext/search_zh.py). Sphinx's own order breaks
 *    ties alphabetically by title, which put 3.10 before 3.2.
 */
(function () {
  "use strict";
  const CJK = "\u3400-\u9fff\uf900-\ufaff";
  const HAS_CJK = new RegExp(`[${CJK}]`);
  const RUNS = new RegExp(`[${CJK}]+|[^${CJK}]+`, "g");
  const SYMBOLS = {
    alpha: "α", beta: "β", gamma: "γ", delta: "δ", epsilon: "ε", eta: "η", theta: "θ", lambda: "λ",
    mu: "μ", sigma: "σ", phi: "φ", partial: "∂", nabla: "∇", sum: "Σ", prod: "Π", times: "×",
    cdot: "·", in: "∈", top: "⊤", odot: "⊙", leftarrow: "←", rightarrow: "→", to: "→", infty: "∞",
    approx: "≈", leq: "≤", geq: "≥", neq: "≠", ldots: "…", cdots: "…", pm: "±", log: "log", exp: "exp",
    lim: "lim", max: "max", min: "min", sqrt: "√", mid: "|", quad: " ", qquad: " ", left: "", right: "",
  };

  /** TeX source of a formula as readable plain text: \(\mathbf{W}^{(1)}\) -> W^(1). */
  function texToText(tex) {
    let s = tex.replace(/^\s*\\[([]|\\[)\]]\s*$/g, "").replace(/\\[()[\]]/g, "");
    s = s.replace(/\\(?:mathbf|mathrm|mathsf|mathcal|mathbb|boldsymbol|text|operatorname\*?)\s*\{([^{}]*)\}/g, "$1");
    s = s.replace(/\\d?frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}/g, "($1)/($2)");
    s = s.replace(/\\([a-zA-Z]+)/g, (m, name) => SYMBOLS[name] ?? "");
    s = s.replace(/\\[,;:! ]/g, " ").replace(/[{}]/g, "").replace(/\s+/g, " ");
    return s.trim();
  }

  let ranking = null;  // {order: [docname, ...], counts: {docname: {word: count}}}

  function loadRanking() {
    const root = document.documentElement.dataset.content_root
      || (typeof DOCUMENTATION_OPTIONS !== "undefined" && DOCUMENTATION_OPTIONS.URL_ROOT) || "./";
    return fetch(`${root}_static/search-ranking.json`)
      .then((r) => (r.ok ? r.json() : null))
      .then((data) => { ranking = data; })
      .catch(() => { ranking = null; });
  }

  /** Sphinx's results (best last) as one hit per page, best last in this book's ranking:
   *  query words in the page title or its English name (then the shorter title: the one the query names),
   *  a heading that is mostly the query (Sphinx's own rule for title matches), how often the page
   *  uses the words, the book's order. */
  function rank(results, query, searchTerms) {
    const index = Search._index;
    const fileOf = new Map(index.docnames.map((d, i) => [d, i]));
    const best = new Map();
    for (const r of results) {  // [docname, title, anchor, descr, score, filename]
      const kept = best.get(r[0]);
      if (!kept || r[4] > kept[4] || (r[4] === kept[4] && r[2] === "" && kept[2] !== "")) best.set(r[0], r);
    }
    const terms = [...searchTerms];
    const holds = (files, file) => files !== undefined && (files === file || (Array.isArray(files) && files.includes(file)));
    const pageTitle = (doc) => (index.titles[fileOf.get(doc)] || "").toLowerCase();
    // A title's own English name ("权重衰减（weight decay）") counts as part of the title.
    const glosses = (doc) => (ranking && ranking.glosses && ranking.glosses[doc]) || [];
    const inTitle = (doc) => terms.filter((t) => pageTitle(doc).includes(t.toLowerCase())
                                                 || glosses(doc).includes(t.toLowerCase())).length;
    const q = query.toLowerCase().trim();
    const headingHits = new Set();
    for (const [title, found] of Object.entries(index.alltitles || {})) {
      const t = title.toLowerCase().trim();
      if (t.includes(q) && q.length >= t.length / 2) for (const [file] of found) headingHits.add(index.docnames[file]);
    }
    const frequency = (doc) => terms.reduce((sum, t) => {
      const counts = (ranking && ranking.counts[doc]) || {};
      return sum + (counts[t] || (holds(index.terms[t], fileOf.get(doc)) ? 1 : 0));
    }, 0);
    const order = new Map(((ranking && ranking.order) || index.docnames).map((d, i) => [d, i]));
    const key = (doc) => {
      const words = inTitle(doc);
      return [words, words ? -pageTitle(doc).length : 0, headingHits.has(doc) ? 1 : 0, frequency(doc),
              -(order.has(doc) ? order.get(doc) : 1e9)];
    };
    const hits = [...best.values()].map((r) => [key(r[0]), r]);
    hits.sort((a, b) => {  // ascending: the best hit last, since Sphinx displays with pop()
      for (let i = 0; i < a[0].length; i++) if (a[0][i] !== b[0][i]) return a[0][i] - b[0][i];
      return 0;
    });
    return hits.map(([, r]) => r);
  }

  function patch() {
    if (typeof Search === "undefined" || Search.d2lPatched) return;
    Search.d2lPatched = true;

    const performSearch = Search._performSearch;
    Search._performSearch = (query, searchTerms, excludedTerms, highlightTerms, objectTerms) =>
      rank(performSearch(query, searchTerms, excludedTerms, highlightTerms, objectTerms), query, searchTerms);

    // The ranking data must be there before the first query runs.
    const query = Search.query;
    Search.query = (q) => (ranking === null ? loadRanking().then(() => query(q)) : query(q));

    const htmlToText = Search.htmlToText;
    Search.htmlToText = (htmlString, anchor) => {
      const doc = new DOMParser().parseFromString(htmlString, "text/html");
      doc.querySelectorAll(
        ".bd-header-article, .bd-sidebar-secondary, #jb-print-docs-body, .onlyprint, .prev-next-area, footer, "
        + ".cell_input, details.hide"
      ).forEach((e) => e.remove());
      doc.querySelectorAll(".math").forEach((e) => { e.textContent = ` ${texToText(e.textContent)} `; });
      return htmlToText(doc.documentElement.outerHTML, anchor);
    };

    const split = splitQuery;
    // eslint-disable-next-line no-global-assign
    splitQuery = (query) => {
      const index = Search._index || {};
      const known = (w) => [index.terms, index.titleterms].some(
        (t) => t && Object.prototype.hasOwnProperty.call(t, w.toLowerCase()));
      const words = [];
      for (const token of split(query)) {
        for (const run of token.match(RUNS) || []) {
          if (!HAS_CJK.test(run)) {
            if (run.length > 1 || known(run)) words.push(run);
            continue;
          }
          if (known(run)) { words.push(run); continue; }
          for (let i = 0; i < run.length;) {  // forward maximum matching on the index's words
            let j = run.length;
            while (j > i + 1 && !known(run.slice(i, j))) j--;
            if (known(run.slice(i, j))) words.push(run.slice(i, j));
            i = j;
          }
        }
      }
      return words.length ? words : split(query);
    };
  }

  patch();
  document.addEventListener("DOMContentLoaded", patch);
})();
