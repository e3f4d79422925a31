# Sourced by scripts/serve and scripts/test: make sure .venv exists and matches pyproject.toml.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

pick_python() {
  for candidate in python3.13 python3.12 python3.11 python3 python; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  echo "pasar_pay needs Python 3.11 or newer on PATH" >&2
  return 1
}

STAMP=.venv/.installed-from
if [ ! -x .venv/bin/python ]; then
  PY="$(pick_python)"
  echo "creating .venv with $($PY --version)"
  "$PY" -m venv .venv
fi
if [ ! -f "$STAMP" ] || [ pyproject.toml -nt "$STAMP" ]; then
  echo "installing pasar_pay and its tools into .venv (first run takes a minute)"
  .venv/bin/python -m pip install --quiet --upgrade pip 2> >(grep -v "is ignored" >&2)
  .venv/bin/python -m pip install --quiet -e '.[dev]' 2> >(grep -v "is ignored" >&2)
  cp pyproject.toml "$STAMP"
fi
