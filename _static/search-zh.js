/* Search tweaks for this Chinese book; loaded on every page, active on the search page only.
 *
 * 1. Queries typed without the book's spaces: "softmax回归" is split where Latin text meets
 *    Chinese ("softmax", "回归"), and a Chinese run that is not a word of the index is cut into the
 *    longest words of the index ("K折交叉验证" -> "交叉验证"; a lone letter or character that is
 *    not indexed is dropped, since every remaining word must match).
 * 2. Result snippets: the page's download menu, table of contents, footer and code inputs are
 *    left out, and formulas are shown as plain text (\(\mathbf{x}\) -> x) instead of TeX source.
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

  function patch() {
    if (typeof Search === "undefined" || Search.d2lPatched) return;
    Search.d2lPatched = true;

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
