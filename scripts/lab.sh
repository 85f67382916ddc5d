#!/usr/bin/env bash
# Optional: open the chapters in JupyterLab (installs it into .venv on first use).
# Extra arguments go to `jupyter lab` (e.g. --no-browser --ip=0.0.0.0 --port=8888 in a container).
EXTRA_REQUIREMENTS="$(cd "$(dirname "$0")/.." && pwd)/requirements-lab.txt"
source "$(dirname "$0")/env.sh"
args=()
if [ "$(id -u)" = 0 ]; then
  # Jupyter refuses to run as root unless told to; containers often run as root.
  echo "[lab] running as root (a container?): starting JupyterLab with --allow-root"
  args+=(--allow-root)
fi
exec jupyter lab --notebook-dir="$ROOT/chapters" "${args[@]}" "$@"
