# Sourced by scripts/dev and scripts/test: make sure .venv holds exactly what uv.lock says.
# Needs only Python 3.11+ on PATH; uv is fetched from PyPI into .tools/ when it is not installed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

UV_VERSION="0.13.8"
PYTHON="${PYTHON:-}"
if [ -z "$PYTHON" ]; then
  for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 \
      && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      PYTHON="$candidate"
      break
    fi
  done
fi
if [ -z "$PYTHON" ]; then
  echo "Guildhall needs Python 3.11 or newer on PATH." >&2
  exit 1
fi

if command -v uv >/dev/null 2>&1; then
  UV="uv"
else
  if [ ! -x .tools/bin/uv ]; then
    echo "bootstrap: installing uv $UV_VERSION into .tools/" >&2
    "$PYTHON" -m venv .tools
    .tools/bin/python -m pip install --quiet --disable-pip-version-check "uv==$UV_VERSION"
  fi
  UV="$ROOT/.tools/bin/uv"
fi

"$UV" sync --frozen --quiet --python "$PYTHON" "$@"
