#!/usr/bin/env bash
# Optional: open the chapters in JupyterLab (installs it into .venv on first use).
EXTRA_REQUIREMENTS="$(cd "$(dirname "$0")/.." && pwd)/requirements-lab.txt"
source "$(dirname "$0")/env.sh"
unset D2LCORE_ANIMATE  # readers see the training curves grow
exec jupyter lab --notebook-dir="$ROOT/chapters" "$@"
