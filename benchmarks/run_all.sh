#!/usr/bin/env bash
# Run every benchmark in the repository's .venv and collect the markdown fragments in
# benchmarks/out/results.md (git-ignored); copy the figures you keep into benchmarks/RESULTS.md.
# Usage: bash benchmarks/run_all.sh [--threads N]   (arguments are passed to every script)
# Takes about 15-30 minutes on a 2-core machine; run it on an otherwise idle machine.
source "$(dirname "$0")/../scripts/env.sh"   # creates/updates .venv, cd to the repository root
out=benchmarks/out
mkdir -p "$out"
python benchmarks/bench_loader.py --markdown "$out/loader.md" "$@"
python benchmarks/bench_training.py --markdown "$out/training.md" "$@"
python benchmarks/bench_book.py --memory --nbval --markdown "$out/book.md" "$@"
cat "$out/loader.md" "$out/training.md" "$out/book.md" > "$out/results.md"
echo "all results: $out/results.md"
