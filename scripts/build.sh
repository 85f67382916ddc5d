#!/usr/bin/env bash
# Build the site from the stored, nbval-checked outputs into _build/html (warnings are errors),
# with the whole book as one PDF in _build/html/downloads/d2l-pytorch.pdf.
# The one place that says how the site is built: whatever needs the site runs this script.
# The PDF needs Debian's chromium, fonts-wqy-microhei and poppler-utils (.ci/run installs them).
source "$(dirname "$0")/env.sh"
rm -rf _build/html _build/singlehtml _build/.doctrees
sphinx_flags=(--warningiserror --nitpick --keep-going)
jupyter-book build . "${sphinx_flags[@]}" --builder html
# The PDF is printed by Chromium from the single-page build (scripts/build_pdf.py says why).
jupyter-book build . "${sphinx_flags[@]}" --builder singlehtml > _build/singlehtml.log ||
  { cat _build/singlehtml.log; exit 1; }
python scripts/build_pdf.py
echo
echo "The book is built: open $ROOT/_build/html/index.html in a browser,"
echo "or serve it with: python -m http.server -d _build/html 8000  (then http://127.0.0.1:8000)"
