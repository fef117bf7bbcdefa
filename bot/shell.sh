#!/usr/bin/env bash
# Chat in the terminal with `rasa shell` against the running action server
# (start ./bot/run.sh first, or at least its action server on :5055).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
ensure_venv
ensure_model
exec "$PY" -m rasa shell --model models/imt.tar.gz --interface 127.0.0.1 \
  --port "${SHELL_PORT:-5006}" "$@"
