# Shared by bot/run.sh, bot/test.sh and the Makefile: find Python 3.10, create .venv,
# install pinned deps. Sourced, not executed. Sets PY (the venv's python), exports PYTHONPATH.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"
# The venv's python; ensure_venv creates it (the Makefile's targets depend on `install`).
PY="$ROOT/.venv/bin/python"
# TensorFlow's start-up chatter hides the messages that matter.
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}"

find_python() {
  local candidates=()
  [ -n "${PYTHON:-}" ] && candidates+=("$PYTHON")
  candidates+=(python3.10 "$HOME/.pyenv/versions/3.10.13/bin/python3.10" python3.9 python3.8 python3)
  for candidate in "${candidates[@]}"; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(0 if (3, 8) <= sys.version_info[:2] <= (3, 10) else 1)' 2>/dev/null; then
      command -v "$candidate"; return 0
    fi
  done
  return 1
}

ensure_venv() {
  if [ ! -x .venv/bin/python ]; then
    local base
    if ! base="$(find_python)"; then
      echo "ERROR: Rasa 3.6 needs Python 3.8-3.10 and none was found." >&2
      echo "Install Python 3.10 (e.g. 'pyenv install 3.10.13'; .python-version selects it)," >&2
      echo "or point PYTHON=/path/to/python3.10 at one." >&2
      exit 1
    fi
    echo "==> creating .venv with $base ($("$base" --version 2>&1))"
    "$base" -m venv .venv
  fi
  local stamp=".venv/.installed-$(cat pyproject.toml requirements.lock | sha256sum | cut -c1-16)"
  if [ ! -f "$stamp" ]; then
    echo "==> installing pinned dependencies (first run takes a few minutes)"
    # uv installs the very same pins as pip in half the time (39 s against 85 s on a fresh
    # machine with no cache, both compiling bytecode); pip, as before, when uv cannot.
    if ! { "$PY" -m pip install --quiet "uv==0.13.8" &&
      .venv/bin/uv pip install --quiet --compile-bytecode --python "$PY" -c requirements.lock -e ".[test]"; }; then
      echo "==> uv could not install them: pip instead"
      "$PY" -m pip install --quiet --upgrade "pip<24.1"
      "$PY" -m pip install --quiet -c requirements.lock -e ".[test]"
    fi
    rm -f .venv/.installed-* && touch "$stamp"
  fi
}

ensure_model() {
  "$PY" -m bot.tools.train_if_changed
}

step() {
  echo "==> $* (at ${SECONDS} s)"  # seconds since the script started: where CI's time goes
}

run_lint() {
  "$PY" -m ruff check .
  "$PY" -m ruff format --check .
  "$ROOT/.venv/bin/lint-imports" --no-cache
}

# pip-audit lives in a venv of its own: it needs newer packaging and CacheControl than
# Rasa 3.6 allows, so it cannot share .venv. Advisories Rasa's pins keep us from fixing are
# accepted, with the reason, in .ci/audit-accepted.txt (README, "Dependency audit").
run_audit() {
  local base
  base="$(find_python)" || { echo "ERROR: no Python 3.8-3.10 for the audit venv" >&2; return 1; }
  local stamp=".venv-audit/.installed-$(sha256sum requirements-audit.lock | cut -c1-16)"
  if [ ! -f "$stamp" ]; then
    "$base" -m venv .venv-audit
    .venv-audit/bin/pip install --quiet -r requirements-audit.lock && touch "$stamp"
  fi
  local ignored=()
  while read -r id _; do ignored+=(--ignore-vuln "$id"); done < <(grep -Ev '^\s*(#|$)' .ci/audit-accepted.txt)
  # --strict: a package that could not be checked (no network, unknown to PyPI) fails the
  # audit instead of passing silently.
  .venv-audit/bin/pip-audit -r requirements.lock --no-deps --disable-pip --strict --progress-spinner off "${ignored[@]}"
}

ensure_chromium() {
  # Browser tests use Debian's chromium (no browser download at test time).
  if [ -x "${CHROMIUM:-/usr/bin/chromium}" ]; then return 0; fi
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "==> installing Debian's chromium for the browser tests"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "ERROR: the browser tests need chromium: run 'sudo apt-get install chromium' (or set CHROMIUM=/path)." >&2
    exit 1
  fi
}
