#!/usr/bin/env bash
# PostgreSQL for the tracker store: `postgres.sh start` creates the cluster on first use
# (var/prod/pg, Debian's binaries, superuser $IMT_PG_USER with $IMT_PG_PASSWORD, database
# $IMT_PG_DB) and starts it on 127.0.0.1:$IMT_PG_PORT; `postgres.sh stop` stops it.
source "$(dirname "${BASH_SOURCE[0]}")/profile.sh"

BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
PG_HOME="$IMT_PROD_DIR/pg"
LOG="$PROD_LOG/postgres.log"

# initdb and postgres refuse to run as root: then they run as Debian's `postgres` user
# (from /, since it may not enter the current folder).
as_owner() {
  if [ "$(id -u)" = "0" ]; then
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

# Run as root, the `postgres` user must reach the cluster's folder. Where the project lives
# somewhere it cannot enter (a private temporary folder, a home directory), the cluster
# lives in a folder of its own under /var/tmp, named after the project's folder, and
# $IMT_PROD_DIR/pg links to it.
if [ "$(id -u)" = "0" ] && ! runuser -u postgres -- test -x "$IMT_PROD_DIR" 2>/dev/null; then
  outside="/var/tmp/imt-assistant-pg/$(printf '%s' "$IMT_PROD_DIR" | sha256sum | cut -c1-16)"
  mkdir -p "$outside"
  chmod 755 /var/tmp/imt-assistant-pg
  [ -L "$PG_HOME" ] || { [ -d "$PG_HOME" ] && rmdir "$PG_HOME" 2>/dev/null; } || true
  [ -e "$PG_HOME" ] || ln -s "$outside" "$PG_HOME"
  PG_HOME="$outside"
  LOG="$PG_HOME/postgres.log"  # pg_ctl opens its log as the postgres user
fi
DATA="$PG_HOME/data"
SOCKETS="$PG_HOME/sockets"

start() {
  mkdir -p "$PG_HOME" "$SOCKETS"
  touch "$LOG"
  [ "$(id -u)" = "0" ] && chown postgres: "$PG_HOME" "$SOCKETS" "$LOG"
  if [ ! -f "$DATA/PG_VERSION" ]; then
    step "postgres: creating the cluster in $DATA"
    local pwfile="$PG_HOME/.pwfile"
    (umask 077 && printf '%s\n' "$IMT_PG_PASSWORD" >"$pwfile")
    [ "$(id -u)" = "0" ] && chown postgres: "$pwfile"
    as_owner "$BIN/initdb" -D "$DATA" -U "$IMT_PG_USER" --pwfile="$pwfile" --auth=scram-sha-256 \
      --encoding=UTF8 --locale=C.UTF-8 >"$PG_HOME/initdb.log"
    rm -f "$pwfile"
  fi
  if as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
    echo "postgres: already running"
  else
    as_owner "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 start \
      -o "-p $IMT_PG_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories='$SOCKETS'" >/dev/null
  fi
  wait_port "$IMT_PG_PORT" postgres
  # The database the tracker store uses (its tables are created by the first Rasa server).
  if ! PGPASSWORD="$IMT_PG_PASSWORD" "$BIN/psql" -h 127.0.0.1 -p "$IMT_PG_PORT" -U "$IMT_PG_USER" -d postgres \
    -tAc "SELECT 1 FROM pg_database WHERE datname = '$IMT_PG_DB'" | grep -q 1; then
    PGPASSWORD="$IMT_PG_PASSWORD" "$BIN/createdb" -h 127.0.0.1 -p "$IMT_PG_PORT" -U "$IMT_PG_USER" "$IMT_PG_DB"
  fi
  echo "postgres: 127.0.0.1:$IMT_PG_PORT (database $IMT_PG_DB, data $DATA)"
}

stop() {
  if [ -f "$DATA/postmaster.pid" ] && as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
    as_owner "$BIN/pg_ctl" -D "$DATA" -m fast -w -t 60 stop >/dev/null
    echo "postgres: stopped"
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
