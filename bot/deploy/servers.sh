#!/usr/bin/env bash
# The profile's Python servers: `servers.sh start` starts one action server per port of
# $PROD_ACTIONS_PORTS and one Rasa server per port of $PROD_RASA_PORTS (as the launcher,
# bot/tools/serve.py, starts them: `python -m bot.rasa_server run` with the model, the
# credentials and the access arguments, here with endpoints.prod.yml), each in its own
# process group with a pid file in var/prod/run and a log in var/prod/log, and waits until
# every Rasa server answers its health check (model loaded, action servers reachable).
# `servers.sh stop` stops them: SIGTERM to each group, SIGKILL after 20 s.
source "$(dirname "${BASH_SOURCE[0]}")/profile.sh"

MODEL="$ROOT/models/imt.tar.gz"
ENDPOINTS="${PROD_ENDPOINTS:-$ROOT/endpoints.prod.yml}"
READY_TIMEOUT_S="${READY_TIMEOUT_S:-300}"

export PYTHONUNBUFFERED=1
export SANIC_WORKERS=1                  # one worker per server; scale with more servers
export SANIC_REAL_IP_HEADER=x-real-ip   # nginx passes the client's address (rate limits)
# How long a message may wait for its conversation's lock (Rasa's default, 60 s, drops the
# tail of a burst of one conversation's messages on a loaded machine, with an error reply).
export TICKET_LOCK_LIFETIME="${TICKET_LOCK_LIFETIME:-120}"
# The action servers keep an idle connection 60 s, not Sanic's 5 s: Rasa may write a
# request late on a busy loop (bot/tools/serve.py, ACTIONS_ENV; README "Load test").
export SANIC_KEEP_ALIVE_TIMEOUT="${SANIC_KEEP_ALIVE_TIMEOUT:-60}"
# Any server takes any request: the feedback and the Slack event log in the profile's
# PostgreSQL, the rate limits' buckets in its Redis (README, "Production profile").
export IMT_SHARED_DB_URL="${IMT_SHARED_DB_URL:-postgresql://$IMT_PG_USER:$IMT_PG_PASSWORD@$IMT_PG_HOST:$IMT_PG_PORT/$IMT_PG_DB}"
export IMT_RATE_LIMIT_REDIS_URL="${IMT_RATE_LIMIT_REDIS_URL:-redis://$IMT_REDIS_HOST:$IMT_REDIS_PORT/$IMT_REDIS_DB}"

launch() {  # name, then the python -m arguments
  local name="$1"
  shift
  if pid_alive "$PROD_RUN/$name.pid"; then
    echo "$name: already running"
    return 0
  fi
  # setsid: the server leads a process group of its own, so stopping it reaches its children.
  setsid "$PY" -m "$@" >"$PROD_LOG/$name.log" 2>&1 </dev/null &
  echo $! >"$PROD_RUN/$name.pid"
}

wait_healthy() {  # name, port
  local name="$1" port="$2"
  local deadline=$((SECONDS + READY_TIMEOUT_S))
  until curl -sf "http://127.0.0.1:$port/webhooks/rest/health" >/dev/null 2>&1; do
    if ! pid_alive "$PROD_RUN/$name.pid"; then
      echo "ERROR: $name exited; the end of $PROD_LOG/$name.log:" >&2
      tail -20 "$PROD_LOG/$name.log" >&2
      return 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "ERROR: $name not healthy after $READY_TIMEOUT_S s (see $PROD_LOG/$name.log)" >&2
      return 1
    fi
    sleep 1
  done
}

start() {
  if [ ! -f "$MODEL" ]; then
    echo "ERROR: $MODEL missing: run 'make train' first" >&2
    return 1
  fi
  local access port
  access="$("$PY" -m bot.tools.api_access --enable-api)"
  mapfile -t access_args <<<"$access"
  for port in $PROD_ACTIONS_PORTS; do
    launch "actions-$port" rasa_sdk --actions actions --port "$port"
  done
  for port in $PROD_ACTIONS_PORTS; do wait_port "$port" "actions-$port" 120; done
  for port in $PROD_RASA_PORTS; do
    launch "rasa-$port" bot.rasa_server run --model "$MODEL" --endpoints "$ENDPOINTS" \
      --credentials "$ROOT/credentials.yml" --port "$port" "${access_args[@]}"
  done
  for port in $PROD_RASA_PORTS; do
    wait_healthy "rasa-$port" "$port"
    echo "rasa-$port: http://127.0.0.1:$port (log $PROD_LOG/rasa-$port.log)"
  done
}

stop_one() {
  local name="$1" file="$PROD_RUN/$1.pid" pid
  if pid_alive "$file"; then
    pid="$(cat "$file")"
    kill -TERM -- "-$pid" 2>/dev/null || true
    for _ in $(seq 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pid" 2>/dev/null || true
    echo "$name: stopped"
  fi
  rm -f "$file"
}

stop() {
  local port
  for port in $PROD_RASA_PORTS; do stop_one "rasa-$port"; done
  for port in $PROD_ACTIONS_PORTS; do stop_one "actions-$port"; done
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
