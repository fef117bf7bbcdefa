#!/usr/bin/env bash
# The whole test suite: set up (first run), train when training inputs changed, then
# pytest — unit tests, `rasa data validate`, NLU held-out evaluation, `rasa test` on the
# conversation stories and REST end-to-end tests against a real stack it starts itself.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
ensure_venv
ensure_chromium
ensure_model
exec "$PY" -m pytest "$@"
