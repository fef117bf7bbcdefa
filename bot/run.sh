#!/usr/bin/env bash
# Set up (first run), train when training inputs changed, then serve the assistant on
# localhost: action server on :5055, Rasa REST channel + HTTP API on :5005.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
ensure_venv
ensure_model
exec "$PY" -m bot.tools.serve "$@"
