#!/usr/bin/env bash
# Run every test: d2lcore unit tests, notebook checks, nbval over every notebook,
# the site build with warnings as errors, and the browser tests of the built site.
# Usage: bash scripts/test.sh [extra pytest arguments]
#        bash scripts/test.sh chapters/…/x.ipynb [more notebooks] [extra pytest arguments]
# The second form is the author's fast path: ruff and actionlint, the unit and static tests
# (not the portability test), the named notebooks under nbval, the build, and the browser checks
# of those notebooks' pages and of the built files. CI always runs everything.
# Ends with one timing line per phase. TEST_JOBS (2): pytest workers; BROWSER_JOBS (4): browser
# workers (mostly waiting for the pages, so more than the cores); TEST_TIMES=file: also append
# "phase<TAB>seconds" lines to that file (benchmarks/bench_tests.py reads them);
# TEST_PHASES (default "lint pytest build browser"): the phases to run, as the parallel jobs of
# .github/workflows/tests.yml split them (TEST_SHARD=k/n: see conftest.py).
notebooks=() pytest_args=()
for arg in "$@"; do
  case "$arg" in
    *.ipynb) [ -f "$arg" ] || { echo "no such notebook: $arg"; exit 2; }; notebooks+=("$(realpath "$arg")") ;;
    *) pytest_args+=("$arg") ;;
  esac
done
source "$(dirname "$0")/env.sh"  # cd to the repository root
jobs="${TEST_JOBS:-2}"
browser_jobs="${BROWSER_JOBS:-4}"

phases=() millis=()
started=$(date +%s%N)
report() {
  local status=$? i
  phases+=("total") millis+=($(( ($(date +%s%N) - started) / 1000000 )))
  echo
  for i in "${!phases[@]}"; do
    printf '[time] %-16s %4d.%d s\n' "${phases[$i]}" $((millis[i] / 1000)) $((millis[i] % 1000 / 100))
    [ -z "${TEST_TIMES:-}" ] ||
      printf '%s\t%d.%03d\n' "${phases[$i]}" $((millis[i] / 1000)) $((millis[i] % 1000)) >> "$TEST_TIMES"
  done
  [ "$status" = 0 ] || echo "[time] (stopped early: exit status $status)"
}
trap report EXIT
phase() {  # phase NAME COMMAND...: run it and keep its wall time
  local name=$1 t0
  shift
  t0=$(date +%s%N)
  "$@"
  phases+=("$name") millis+=($(( ($(date +%s%N) - t0) / 1000000 )))
}
want() { [[ " ${TEST_PHASES:-lint pytest build browser} " == *" $1 "* ]]; }
lint() {
  ruff check d2lcore tests scripts benchmarks conftest.py _ext chapters  # chapters: chapters/ruff.toml
  actionlint  # .github/workflows
}

# Say up front whether stored outputs are compared bit for bit here (x86-64 Linux) or without rounding.
python -c "from d2lcore import kernel_env; print(kernel_env.exactness()[1])"
if want lint; then phase "ruff, actionlint" lint; fi
# --no-loadscope-reorder: xdist keeps conftest.py's order, the longest files first.
xdist=(-n "$jobs" --dist loadscope --no-loadscope-reorder)
browser=(python -m pytest -p no:nbval -p no:cacheprovider --override-ini addopts= --confcutdir=tests/browser)
if [ "${#notebooks[@]}" -eq 0 ]; then
  if want pytest; then phase "pytest" python -m pytest "${xdist[@]}" "${pytest_args[@]}"; fi
  if want build; then phase "build" bash scripts/build.sh; fi
  if want browser; then phase "browser" "${browser[@]}" -n "$browser_jobs" tests/browser; fi
else
  echo "Fast path for ${notebooks[*]}: CI runs every test."
  phase "pytest" python -m pytest "${xdist[@]}" --ignore=tests/test_portability.py tests \
    "${notebooks[@]}" "${pytest_args[@]}"
  phase "build" bash scripts/build.sh
  pages=()
  for nb in "${notebooks[@]}"; do
    nb="$(realpath --relative-to="$ROOT" "$nb")"
    [ "${nb#chapters/}" != "$nb" ] || { echo "not a notebook of chapters/: $nb"; exit 2; }
    pages+=("tests/browser/test_site.py::test_page[${nb%.ipynb}]")
  done
  phase "browser" "${browser[@]}" "${pages[@]}" tests/browser/test_site.py::test_page_checks_cover_the_site \
    tests/browser/test_site.py::test_no_page_loads_assets_from_the_network \
    tests/browser/test_site.py::test_install_cell_is_not_shown
fi
git status --porcelain | (! grep .) || { echo "tests left the work tree dirty (see above)"; exit 1; }
