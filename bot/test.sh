#!/usr/bin/env bash
# The whole test suite, in tiers: set-up, checks (ruff, mypy, import contracts), rasa data
# validate, the unit tier (no model, no server, no browser), training when its inputs
# changed, then the end-to-end and browser tiers against the real stack.
# With arguments it runs just pytest with them: ./bot/test.sh tests/test_context.py
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
ensure_venv
if [ "$#" -gt 0 ]; then
  exec "$PY" -m pytest "$@"
fi
ensure_chromium
step "lint: ruff, formatting, import contracts"; run_lint
step "types: mypy"; "$PY" -m mypy
step "validate: rasa data validate"; "$PY" -m bot.tools.validate
step "unit tier"; "$PY" -m pytest -m "not e2e and not browser" -p no:cacheprovider
step "train"; ensure_model
step "end-to-end and browser tiers"; exec "$PY" -m pytest -m "e2e or browser" -p no:cacheprovider
