# Sourced by the other scripts: create .venv on first use and keep it in step with requirements.
set -eo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PY="${PYTHON:-python3}"
if [ ! -x "$VENV/bin/python" ]; then
  echo "[env] creating $VENV"
  "$PY" -m venv "$VENV"
fi
stamp="$VENV/.requirements.sha"
# EXTRA_REQUIREMENTS: optional further requirements file (scripts/lab.sh uses it).
reqs=("$ROOT/requirements.txt" ${EXTRA_REQUIREMENTS:+"$EXTRA_REQUIREMENTS"})
want="$(cat "${reqs[@]}" "$ROOT/pyproject.toml" | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "[env] installing requirements into $VENV (first run: a few minutes)"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check $(printf -- '-r %s ' "${reqs[@]}")
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps -e "$ROOT"
  echo "$want" > "$stamp"
fi
export PATH="$VENV/bin:$PATH"
cd "$ROOT"
