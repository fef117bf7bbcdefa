#!/usr/bin/env bash
# Install PostgreSQL, Redis and nginx from Debian's packages, when missing. The packages'
# own services are not started (the profile runs its own instances, on loopback, with data
# under var/prod): on a machine with a policy-rc.d that forbids starting services (Docker
# images have one) nothing starts; elsewhere the Debian services that did start are stopped.
source "$(dirname "${BASH_SOURCE[0]}")/profile.sh"

missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v redis-server >/dev/null 2>&1 || [ -x /usr/bin/redis-server ] || missing+=(redis-server)
[ -x /usr/sbin/nginx ] || missing+=(nginx)
if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "ERROR: the production profile needs ${missing[*]}: run 'sudo apt-get install -y ${missing[*]}'." >&2
  exit 1
fi
step "installing ${missing[*]} from Debian's packages"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
if ! [ -x /usr/sbin/policy-rc.d ]; then
  for service in postgresql redis-server nginx; do
    service "$service" stop >/dev/null 2>&1 || true
  done
fi
