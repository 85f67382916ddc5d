#!/usr/bin/env bash
# Build the site from the stored, nbval-checked outputs into _build/html (warnings are errors).
# The one place that says how the site is built: whatever needs the site runs this script.
source "$(dirname "$0")/env.sh"
rm -rf _build/html _build/.doctrees
jupyter-book build . --warningiserror --nitpick --keep-going --builder html
echo
echo "The book is built: open $ROOT/_build/html/index.html in a browser,"
echo "or serve it with: python -m http.server -d _build/html 8000  (then http://127.0.0.1:8000)"
