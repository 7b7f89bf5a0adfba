#!/usr/bin/env bash
# Stop a throw-away mail stack started by mail-up.sh (Postfix + Dovecot) and delete its directory.
#
# Usage: bash scripts/mail-down.sh MAILROOT
#
# SIGTERM to both master processes by PID, wait until they have exited (SIGKILL after 10 s) and their ports are
# free, so the same ports can be reused at once. Idempotent: a MAILROOT that no longer exists is not an error.
# Refuses to delete a directory without the marker file mail-up.sh writes.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/lib.sh
source "$HERE/lib.sh"

MAILROOT=${1:?usage: mail-down.sh MAILROOT}

[ -d "$MAILROOT" ] || { echo "mail-down: $MAILROOT does not exist (already stopped)" >&2; exit 0; }
[ "$(fu_marker_get "$MAILROOT" kind)" = mail ] ||
  fu_die "$MAILROOT is not a FollowUp mail root (no $FU_MARKER with kind=mail); not touching it"

pids=()
for f in "$MAILROOT/postfix-queue/pid/master.pid" "$MAILROOT/dovecot/run/master.pid"; do
  if [ -f "$f" ]; then
    p=$(tr -d ' \n' <"$f")
    [ -n "$p" ] && pids+=("$p")
  fi
done
# Children too (smtpd, lmtp, imap, ...): they exit with their master, but waiting for them as well means no
# process is left writing into the directory we delete.
children=()
for p in "${pids[@]}"; do
  while read -r c; do [ -n "$c" ] && children+=("$c"); done < <(pgrep -P "$p" 2>/dev/null || true)
done
fu_kill_wait "${pids[@]}"
fu_kill_wait "${children[@]}"

for port in $(fu_marker_get "$MAILROOT" ports); do
  fu_wait_port_free "$port" 50 || echo "mail-down: warning: port $port still in use after stopping $MAILROOT" >&2
done
# A grandchild that was still delivering (dovecot's indexer, a local delivery) may add a file while rm walks the
# tree ("Directory not empty"): try again briefly rather than leave a half-deleted root without its marker.
for _ in 1 2 3 4 5; do
  rm -rf "$MAILROOT" 2>/dev/null && break
  sleep 0.5
done
[ ! -e "$MAILROOT" ] || rm -rf "$MAILROOT"
