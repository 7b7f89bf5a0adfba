#!/usr/bin/env bash
# Start a throw-away PostgreSQL 15 on 127.0.0.1:$PGPORT in a fresh temp dir, with a LOGIN role 'followup'
# (password 'followup', CREATEDB) owning a database 'followup'. Test data only: fsync off, no durability.
#
# Usage: PGPORT=55432 bash scripts/pg-up.sh
# Prints:  PGROOT=/tmp/followup-pg.XXXXXX   (give it to pg-down.sh)
#          PGPID=<postmaster pid>
#          PGPORT=<port>
# Env: PGPORT (default 55432), PGROOT (default: a new mktemp dir; must be empty or absent),
#      DB_NAME / DB_USER / DB_PASS (default followup / followup / followup), PG_MAX_CONNECTIONS (default 300),
#      FU_OWNER_PID (pid of the process that owns this server; see lib.sh).
# Logs: $PGROOT/server.log (the server), $PGROOT/initdb.log and $PGROOT/setup.log (pg_ctl, psql).
#       On failure they are printed to stderr, the server is stopped and the dir removed.
#
# initdb refuses to run as root, so every server-side binary runs as the 'postgres' OS user (created here if
# missing) via runuser. The root lives under /tmp so that user can reach it.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/lib.sh
source "$HERE/lib.sh"

PGBIN=/usr/lib/postgresql/15/bin
PGPORT=${PGPORT:-55432}
DB_NAME=${DB_NAME:-followup}; DB_USER=${DB_USER:-followup}; DB_PASS=${DB_PASS:-followup}
PG_MAX_CONNECTIONS=${PG_MAX_CONNECTIONS:-300}

[ -x "$PGBIN/initdb" ] || fu_die "PostgreSQL 15 is not installed ($PGBIN/initdb missing); run: bash scripts/install-servers.sh"
[ "$(id -u)" = 0 ] || fu_die "pg-up.sh must run as root (it starts PostgreSQL as the 'postgres' user via runuser)"
fu_require_free_ports "$PGPORT"

id postgres >/dev/null 2>&1 ||
  useradd --system --user-group --home-dir /nonexistent --shell /usr/sbin/nologin postgres

if [ -n "${PGROOT:-}" ]; then
  mkdir -p "$PGROOT"
  [ -z "$(ls -A "$PGROOT")" ] || fu_die "PGROOT=$PGROOT is not empty"
else
  PGROOT=$(mktemp -d /tmp/followup-pg.XXXXXX)
fi
fu_write_marker "$PGROOT" pg "$PGPORT"

started=0
on_error() {
  local rc=$?
  echo "ERROR: pg-up.sh failed (exit $rc); PostgreSQL logs follow" >&2
  for f in "$PGROOT/initdb.log" "$PGROOT/setup.log" "$PGROOT/server.log"; do
    [ -s "$f" ] && { echo "----- $f -----" >&2; tail -n 50 "$f" >&2; }
  done
  if [ $started = 1 ]; then
    runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGROOT/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$PGROOT"
  exit "$rc"
}
trap on_error ERR

mkdir -p "$PGROOT/sock"
touch "$PGROOT/server.log" "$PGROOT/setup.log"
chown -R postgres:postgres "$PGROOT"
chmod 700 "$PGROOT"

runuser -u postgres -- "$PGBIN/initdb" -D "$PGROOT/data" -U postgres -E UTF8 --locale=C.UTF-8 \
  --auth-local=trust --auth-host=scram-sha-256 --no-sync >"$PGROOT/initdb.log" 2>&1

# Settings go into postgresql.conf (not pg_ctl -o) so a manual restart of this instance keeps them.
cat >>"$PGROOT/data/postgresql.conf" <<EOF

# --- FollowUp throw-away test server (scripts/pg-up.sh) ---
listen_addresses = '127.0.0.1'
port = $PGPORT
unix_socket_directories = '$PGROOT/sock'
max_connections = $PG_MAX_CONNECTIONS
fsync = off
synchronous_commit = off
full_page_writes = off
timezone = 'UTC'
log_timezone = 'UTC'
EOF

# stdio redirected: the postmaster must not inherit the caller's stdout, or a $(pg-up.sh) would never return.
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGROOT/data" -l "$PGROOT/server.log" -w -t 30 start \
  </dev/null >>"$PGROOT/setup.log" 2>&1
started=1

runuser -u postgres -- "$PGBIN/psql" -h "$PGROOT/sock" -p "$PGPORT" -U postgres -d postgres \
  -v ON_ERROR_STOP=1 -q -X \
  -v user="$DB_USER" -v pass="$DB_PASS" -v db="$DB_NAME" >>"$PGROOT/setup.log" 2>&1 <<'SQL'
CREATE ROLE :"user" LOGIN PASSWORD :'pass' CREATEDB;
CREATE DATABASE :"db" OWNER :"user";
SQL

fu_wait_port_listen "$PGPORT" 50
trap - ERR

echo "PGROOT=$PGROOT"
echo "PGPID=$(head -n 1 "$PGROOT/data/postmaster.pid")"
echo "PGPORT=$PGPORT"
