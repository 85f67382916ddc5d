#!/usr/bin/env bash
# Check what Binder and Colab readers get, on this machine (a few minutes; not part of test.sh):
#   1. Binder: a fresh virtual environment with the Python of binder/runtime.txt and
#      binder/requirements.txt installs, and a chapter-2 notebook runs top to bottom in it;
#   2. Colab: without d2lcore, the notebook's first (install) cell installs it with pip from the
#      repository (here the local clone's committed HEAD instead of GitHub) and the notebook runs.
# Usage: bash scripts/check_binder.sh [NOTEBOOK]   (default: chapters/02_linear-networks/linear-regression-concise.ipynb)
set -eo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
NOTEBOOK="${1:-chapters/02_linear-networks/linear-regression-concise.ipynb}"
version="$(sed -n 's/^python-\([0-9.]*\)$/\1/p' binder/runtime.txt)"
[ -n "$version" ] || { echo "binder/runtime.txt does not name a Python (python-3.X)"; exit 1; }
PY="$(command -v "python$version")" || { echo "python$version is not installed"; exit 1; }
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
echo "[binder] $("$PY" --version) from binder/runtime.txt; fresh environment in $WORK/venv"
"$PY" -m venv "$WORK/venv"
VPY="$WORK/venv/bin/python"
# The kernel is this environment's python (first on PATH), not a kernel installed for the user.
export PATH="$WORK/venv/bin:$PATH" JUPYTER_DATA_DIR="$WORK/jupyter"
"$VPY" -m pip install --quiet --disable-pip-version-check -r binder/requirements.txt
# What repo2docker adds itself: a Jupyter kernel (the versions of requirements.txt).
"$VPY" -m pip install --quiet --disable-pip-version-check \
  "$(grep '^ipykernel==' requirements.txt)" "$(grep '^nbclient==' requirements.txt)" "$(grep '^nbformat==' requirements.txt)"

run_notebook() {  # run_notebook NOTEBOOK [REPOSITORY_URL_FOR_THE_INSTALL_CELL]
  local copy="$WORK/run/$(basename "$1")"
  mkdir -p "$WORK/run"
  # The script on stdin has the working directory, the repository root, on sys.path: it runs the
  # notebook with scripts/book.py's client, with the reader's settings (not pinned, Animator live).
  "$VPY" - "$1" "$copy" "${2:-}" <<'EOF'
import sys
from pathlib import Path

import nbformat

from scripts import book

source, copy, url = sys.argv[1:]
nb = nbformat.read(source, as_version=4)
if url:  # point the install cell at the local repository instead of GitHub
    cell = next(c for c in nb.cells if c.cell_type == "code")
    assert cell.source == book.install_source(), "the first code cell is not the install cell"
    cell.source = book.install_source(url)
book.notebook_client(nb, Path(copy).parent).execute()
errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
assert not errors, errors
nbformat.write(nb, copy)
print(f"[binder] {source}: {sum(c.cell_type == 'code' for c in nb.cells)} code cells ran without error")
EOF
}

echo "[binder] 1. Binder: d2lcore from binder/requirements.txt (-e .)"
run_notebook "$NOTEBOOK"

echo "[binder] 2. Colab: no d2lcore; the install cell installs it from git+file://localhost$ROOT (HEAD)"
"$VPY" -m pip uninstall --quiet -y d2lcore
if (cd "$WORK" && "$VPY" -c "import d2lcore" 2>/dev/null); then echo "d2lcore is still importable"; exit 1; fi
run_notebook "$NOTEBOOK" "file://localhost$ROOT"
(cd "$WORK" && "$VPY" -c "import d2lcore, sys; assert 'site-packages' in d2lcore.__file__, d2lcore.__file__")
echo "[binder] both checks passed"
