#!/usr/bin/env bash
# Run every test: d2lcore unit tests, notebook checks, nbval over every notebook,
# the site build with warnings as errors, and the browser tests of the built site.
# Usage: bash scripts/test.sh [extra pytest arguments]
source "$(dirname "$0")/env.sh"
jobs="${TEST_JOBS:-2}"
# Say up front whether stored outputs are compared bit for bit here (x86-64 Linux) or without rounding.
python -c "from d2lcore import kernel_env; print(kernel_env.exactness()[1])"
ruff check d2lcore tests scripts benchmarks conftest.py
actionlint  # .github/workflows
python -m pytest -n "$jobs" --dist loadscope "$@"
bash scripts/build.sh
python -m pytest -p no:nbval --override-ini addopts= tests/browser
git status --porcelain | (! grep .) || { echo "tests left the work tree dirty (see above)"; exit 1; }
