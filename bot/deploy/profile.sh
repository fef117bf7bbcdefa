# The production profile's settings, sourced by every script in bot/deploy/ (after
# bot/common.sh). Everything is on loopback; every value can be set in the environment.
# Data, logs and pid files live under IMT_PROD_DIR (var/prod by default).
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"

export IMT_PROD_DIR="${IMT_PROD_DIR:-$ROOT/var/prod}"
case "$IMT_PROD_DIR" in /*) ;; *) IMT_PROD_DIR="$ROOT/$IMT_PROD_DIR" ;; esac
PROD_RUN="$IMT_PROD_DIR/run"   # pid files
PROD_LOG="$IMT_PROD_DIR/log"
mkdir -p "$PROD_RUN" "$PROD_LOG"

# Ports: away from the embedded default (5005/5055).
PROD_HTTP_PORT="${PROD_HTTP_PORT:-8080}"            # nginx in front of the Rasa servers
PROD_ACTIONS_LB_PORT="${PROD_ACTIONS_LB_PORT:-5060}" # nginx in front of the action servers
PROD_RASA_PORTS="${PROD_RASA_PORTS:-5011 5012}"      # one Rasa server per port
PROD_ACTIONS_PORTS="${PROD_ACTIONS_PORTS:-5061 5062}" # one action server per port

# Generated once, kept in $IMT_PROD_DIR/env (mode 600): the database password, the HTTP
# API token and the widget's signing key, the same for every server of the profile.
if [ ! -f "$IMT_PROD_DIR/env" ]; then
  (
    umask 077
    {
      echo "IMT_PG_PASSWORD=$(openssl rand -hex 16)"
      echo "IMT_API_TOKEN=$(openssl rand -hex 24)"
      echo "IMT_WEB_SECRET=$(openssl rand -hex 32)"
    } >"$IMT_PROD_DIR/env"
  )
fi
# The environment wins over the file.
while IFS='=' read -r name value; do
  [ -n "$name" ] && [ -z "${!name:-}" ] && export "$name=$value"
done <"$IMT_PROD_DIR/env"

# What endpoints.prod.yml reads (docker-compose.yml sets the same names).
export IMT_PG_HOST="${IMT_PG_HOST:-127.0.0.1}"
export IMT_PG_PORT="${IMT_PG_PORT:-5433}"
export IMT_PG_DB="${IMT_PG_DB:-imt}"
export IMT_PG_USER="${IMT_PG_USER:-imt}"
export IMT_PG_PASSWORD
export IMT_REDIS_HOST="${IMT_REDIS_HOST:-127.0.0.1}"
export IMT_REDIS_PORT="${IMT_REDIS_PORT:-6380}"
export IMT_REDIS_DB="${IMT_REDIS_DB:-1}"
export IMT_ACTIONS_URL="${IMT_ACTIONS_URL:-http://127.0.0.1:$PROD_ACTIONS_LB_PORT/webhook}"
export IMT_API_TOKEN IMT_WEB_SECRET

# pid file -> running? (the process named in it is alive)
pid_alive() {
  local file="$1"
  [ -s "$file" ] && kill -0 "$(cat "$file")" 2>/dev/null
}

# Wait until a TCP port on loopback accepts connections.
wait_port() {
  local port="$1" what="$2" seconds="${3:-30}"
  local deadline=$((SECONDS + seconds))
  until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "ERROR: $what is not listening on 127.0.0.1:$port after $seconds s" >&2
      return 1
    fi
    sleep 0.3
  done
}
