#!/usr/bin/env bash
# Stop the throw-away PostgreSQL and mail stack started by servers-up.sh, delete their directories and the env file.
#
# Usage: bash scripts/servers-down.sh ENVFILE           the servers written in ENVFILE (by servers-up.sh)
#        bash scripts/servers-down.sh --profile test|run  whatever FollowUp server listens on that profile's ports
#                                                         (and its default env file /tmp/followup-servers/NAME.env)
#        bash scripts/servers-down.sh --ports PORT...     whatever FollowUp server listens on these ports
#
# Idempotent: a missing env file or servers that are already gone are not errors. Only FollowUp throw-away
# servers (recognised by their marker file) are ever stopped; a foreign program on a port is reported, not killed.
# Both stacks are stopped in parallel (~0.5 s).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/lib.sh
source "$HERE/lib.sh"

usage="usage: servers-down.sh ENVFILE | --profile test|run | --ports PORT..."
[ $# -ge 1 ] || fu_die "$usage"

# Stop the servers of one env file (both in parallel), then delete it.
down_envfile() {
  local envfile=$1 pgroot mailroot rc=0 pg_pid mail_pid
  if [ ! -f "$envfile" ]; then
    echo "servers-down: $envfile does not exist (nothing to stop)" >&2
    return 0
  fi
  pgroot=$(fu_env_get "$envfile" PGROOT); mailroot=$(fu_env_get "$envfile" MAILROOT)
  pg_pid=""; mail_pid=""
  if [ -n "$mailroot" ]; then bash "$HERE/mail-down.sh" "$mailroot" & mail_pid=$!; fi
  if [ -n "$pgroot" ]; then bash "$HERE/pg-down.sh" "$pgroot" & pg_pid=$!; fi
  if [ -n "$mail_pid" ]; then wait "$mail_pid" || rc=1; fi
  if [ -n "$pg_pid" ]; then wait "$pg_pid" || rc=1; fi
  [ $rc = 0 ] || fu_die "could not stop every server of $envfile"
  rm -f "$envfile"
}

case $1 in
  --profile)
    [ $# = 2 ] || fu_die "$usage"
    fu_profile_ports "$2"
    down_envfile "/tmp/followup-servers/$2.env"
    # An explicit stop: also servers whose owner process is still alive.
    FU_FORCE=1 fu_reclaim_ports "$PGPORT" "$SMTP_PORT" "$IMAP_PORT" "$LMTP_PORT"
    ;;
  --ports)
    shift
    [ $# -ge 1 ] || fu_die "$usage"
    FU_FORCE=1 fu_reclaim_ports "$@"
    ;;
  -*) fu_die "$usage" ;;
  *)
    [ $# = 1 ] || fu_die "$usage"
    down_envfile "$1"
    ;;
esac
