#!/usr/bin/env bash
# Set up (first run), train when training inputs changed, then serve the assistant on
# localhost: action server on :5055, Rasa channels on :5005 (the HTTP API only with --enable-api).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
ensure_venv
ensure_model
exec "$PY" -m bot.tools.serve "$@"
