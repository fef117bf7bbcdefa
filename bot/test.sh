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
# The model trains beside the unit tier, which needs no model: neither keeps both cores
# busy all the time (the unit tier's last files run on one worker), so together they take
# less time than one after the other. Training's output goes to var/log/train.log.
mkdir -p var/log
step "train (beside the unit tier, output in var/log/train.log)"
ensure_model >var/log/train.log 2>&1 &
training=$!
step "unit tier"
# One worker per core (pytest-xdist), each taking whole test files so that module fixtures
# are built once.
"$PY" -m pytest -m "not e2e and not browser and not scaleout" -p no:cacheprovider -n auto --dist loadfile || {
  status=$?; kill "$training" 2>/dev/null; exit "$status"
}
step "train: waiting for it to finish"
wait "$training" || { tail -n 40 var/log/train.log; echo "ERROR: training failed" >&2; exit 1; }
grep -E '^==>' var/log/train.log || true
status=0
# Two workers, each with its own stack, taking whole files: most of this tier is servers
# starting and answering, which two stacks do side by side.
step "end-to-end and browser tiers"; "$PY" -m pytest -m "e2e or browser" -p no:cacheprovider -n 2 --dist loadfile || status=$?
step "scale-out tier: the production profile"; "$PY" -m pytest -m scaleout -p no:cacheprovider || status=$?
exit "$status"
