#!/usr/bin/env bash
# Stop a throw-away PostgreSQL started by pg-up.sh and delete its directory.
#
# Usage: bash scripts/pg-down.sh PGROOT
#
# Fast shutdown with pg_ctl (-m fast, waits); if that fails, SIGTERM/SIGKILL the postmaster PID and wait for it.
# Idempotent: a PGROOT that no longer exists is not an error. Refuses to delete a directory without the
# marker file pg-up.sh writes (so a wrong argument cannot rm -rf something else).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/lib.sh
source "$HERE/lib.sh"

PGROOT=${1:?usage: pg-down.sh PGROOT}
PGBIN=/usr/lib/postgresql/15/bin

[ -d "$PGROOT" ] || { echo "pg-down: $PGROOT does not exist (already stopped)" >&2; exit 0; }
[ "$(fu_marker_get "$PGROOT" kind)" = pg ] || fu_die "$PGROOT is not a FollowUp PostgreSQL root (no $FU_MARKER with kind=pg); not touching it"

port=$(fu_marker_get "$PGROOT" ports)
pid=""
[ -f "$PGROOT/data/postmaster.pid" ] && pid=$(head -n 1 "$PGROOT/data/postmaster.pid")

if [ -n "$pid" ] && fu_pid_alive "$pid"; then
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGROOT/data" -m fast -w -t 20 stop </dev/null >/dev/null 2>&1 ||
    fu_kill_wait "$pid"
  # pg_ctl -w returns once postmaster.pid is gone; make sure the process itself has exited too.
  fu_kill_wait "$pid"
fi
if [ -n "$port" ]; then
  fu_wait_port_free "$port" 50 || echo "pg-down: warning: port $port still in use after stopping $PGROOT" >&2
fi
rm -rf "$PGROOT"
