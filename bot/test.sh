#!/usr/bin/env bash
# The whole test suite, in tiers: set-up, checks (ruff, mypy, import contracts), rasa data
# validate, the unit tier (no model, no server, no browser), training when its inputs
# changed, then the end-to-end and browser tiers against the real stack, and last the
# scale-out tier against the production profile (bot/deploy/: PostgreSQL, Redis and nginx
# from Debian's packages, installed when missing, two Rasa and two action servers).
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
# The unit tier runs one worker per core (pytest-xdist), each taking whole test files so
# that module fixtures are built once. Training runs after it, not beside it: both are
# bound by the 2 cores, and side by side they took 573 s against 587 s one after the other.
step "unit tier"; "$PY" -m pytest -m "not e2e and not browser and not scaleout" -p no:cacheprovider -n auto --dist loadfile
step "train"; ensure_model
status=0
# Two workers, each with its own stack, taking whole files: most of this tier is servers
# starting and answering, which two stacks do side by side.
step "end-to-end and browser tiers"; "$PY" -m pytest -m "e2e or browser" -p no:cacheprovider -n 2 --dist loadfile || status=$?
step "scale-out tier: the production profile"; "$PY" -m pytest -m scaleout -p no:cacheprovider || status=$?
exit "$status"
