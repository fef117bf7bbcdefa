#!/usr/bin/env bash
# Stop the production profile (make prod-down): the Rasa and action servers, nginx, Redis
# and PostgreSQL, each by its own pid file, so nothing else on the machine is touched.
# The data (var/prod) stays.
source "$(dirname "${BASH_SOURCE[0]}")/profile.sh"
HERE="$ROOT/bot/deploy"
status=0
"$HERE/servers.sh" stop || status=1
"$HERE/nginx.sh" stop || status=1
"$HERE/redis.sh" stop || status=1
"$HERE/postgres.sh" stop || status=1
exit $status
