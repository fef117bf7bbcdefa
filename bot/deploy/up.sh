#!/usr/bin/env bash
# The production profile in one command (make prod-up): install what is missing (Debian's
# PostgreSQL, Redis and nginx; the venv; the trained model), then start PostgreSQL, Redis,
# nginx, the action servers and the Rasa servers, wait until every one answers, and print
# where the profile listens. Run again, it starts only what is not running. Stop it all with
# bot/deploy/down.sh (make prod-down). Settings: bot/deploy/profile.sh and README,
# "Production profile".
source "$(dirname "${BASH_SOURCE[0]}")/profile.sh"
HERE="$ROOT/bot/deploy"
started=$SECONDS

ensure_venv
"$HERE/install.sh"
ensure_model
# Whatever did start is stopped again if a later step fails.
trap 'echo "ERROR: the profile did not come up; stopping what started" >&2; "$HERE/down.sh" >&2' ERR
"$HERE/postgres.sh" start
"$HERE/redis.sh" start
"$HERE/nginx.sh" start
"$HERE/servers.sh" start
curl -sf "http://127.0.0.1:$PROD_HTTP_PORT/webhooks/rest/health" >/dev/null
trap - ERR

cat <<DONE
==> production profile ready in $((SECONDS - started)) s
    REST channel:  POST http://127.0.0.1:$PROD_HTTP_PORT/webhooks/rest/webhook   (nginx -> Rasa servers on $PROD_RASA_PORTS)
    web chat:      http://127.0.0.1:$PROD_HTTP_PORT/webhooks/web/
    health:        GET  http://127.0.0.1:$PROD_HTTP_PORT/webhooks/rest/health
    HTTP API:      http://127.0.0.1:$PROD_HTTP_PORT/status ... ?token=\$IMT_API_TOKEN (in $IMT_PROD_DIR/env)
    actions:       $IMT_ACTIONS_URL   (nginx -> action servers on $PROD_ACTIONS_PORTS)
    tracker store: postgresql://$IMT_PG_USER@$IMT_PG_HOST:$IMT_PG_PORT/$IMT_PG_DB
    lock store:    redis://$IMT_REDIS_HOST:$IMT_REDIS_PORT/$IMT_REDIS_DB
    logs:          $PROD_LOG/    stop everything: make prod-down (bot/deploy/down.sh)
DONE
