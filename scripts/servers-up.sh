#!/usr/bin/env bash
# Start the throw-away PostgreSQL 15 and the mail stack (Postfix + Dovecot) of a profile, and write an env file
# describing them.
#
# Usage: bash scripts/servers-up.sh PROFILE [ENVFILE]
#   PROFILE  test: PG 55432, SMTP 2525, IMAP 1143, LMTP 2424   (scripts/test.sh)
#            run:  PG 55433, SMTP 2526, IMAP 1144, LMTP 2425   (scripts/run.sh)
#   ENVFILE  where to write the env file (default /tmp/followup-servers/PROFILE.env). Stop with:
#            bash scripts/servers-down.sh ENVFILE
# Prints the env file's lines (PROFILE= PGROOT= PGPID= PGPORT= MAILROOT= SMTP_PORT= IMAP_PORT= LMTP_PORT=
# MAIL_PASS= MAIL_TLS= PG_DATABASE= PG_USER= PG_PASSWORD=) and ENVFILE=<path> on stdout; progress on stderr.
# Env: MAIL_PASS (secret), MAIL_TLS (0), FU_OWNER_PID (pid of the script that owns the servers; while it runs,
#      another servers-up of the same profile refuses to take the ports over instead of stopping them).
#
# Stale servers: anything of ours still on the profile's ports (a previous run, a killed test run) is stopped
# first: the env file's servers, then any FollowUp throw-away server found listening on the ports. Servers whose
# owner process is still alive, or a foreign program on a port, make this fail with a clear message.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/lib.sh
source "$HERE/lib.sh"

PROFILE=${1:?usage: servers-up.sh test|run [ENVFILE]}
fu_profile_ports "$PROFILE"
ENVFILE=${2:-/tmp/followup-servers/$PROFILE.env}
MAIL_PASS=${MAIL_PASS:-secret}; MAIL_TLS=${MAIL_TLS:-0}
export PGPORT SMTP_PORT IMAP_PORT LMTP_PORT MAIL_PASS MAIL_TLS
export FU_OWNER_PID=${FU_OWNER_PID:-}
mkdir -p "$(dirname "$ENVFILE")"
ENVFILE=$(cd "$(dirname "$ENVFILE")" && pwd)/$(basename "$ENVFILE")

t0=$(fu_now)
# 1. the servers of the env file, if a previous run left them (running or not)
if [ -f "$ENVFILE" ]; then
  roots=()
  for key in MAILROOT PGROOT; do
    root=$(fu_env_get "$ENVFILE" "$key")
    if [ -n "$root" ] && [ -d "$root" ]; then fu_check_owner "$root"; roots+=("$root"); fi
  done
  if [ ${#roots[@]} -gt 0 ]; then
    fu_log "servers-up: stopping the servers of the previous $ENVFILE"
    down_pids=()
    for root in "${roots[@]}"; do
      case $(fu_marker_get "$root" kind) in
        mail) bash "$HERE/mail-down.sh" "$root" & down_pids+=($!) ;;
        pg) bash "$HERE/pg-down.sh" "$root" & down_pids+=($!) ;;
      esac
    done
    for p in "${down_pids[@]}"; do wait "$p" || fu_die "could not stop the servers of $ENVFILE"; done
  fi
  rm -f "$ENVFILE"
fi
# 2. any other FollowUp throw-away server on the profile's ports; fails on a foreign listener
fu_reclaim_ports "$PGPORT" "$SMTP_PORT" "$IMAP_PORT" "$LMTP_PORT"

t1=$(fu_now)
pg_out=$(bash "$HERE/pg-up.sh") || fu_die "PostgreSQL failed to start on port $PGPORT (its logs are above)"
PGROOT=$(sed -n 's/^PGROOT=//p' <<<"$pg_out"); PGPID=$(sed -n 's/^PGPID=//p' <<<"$pg_out")
t2=$(fu_now)
if ! mail_out=$(bash "$HERE/mail-up.sh"); then
  bash "$HERE/pg-down.sh" "$PGROOT" || true
  fu_die "the mail stack failed to start on ports SMTP $SMTP_PORT / IMAP $IMAP_PORT / LMTP $LMTP_PORT (its logs are above)"
fi
MAILROOT=$(sed -n 's/^MAILROOT=//p' <<<"$mail_out")
t3=$(fu_now)

tmp=$(mktemp "$ENVFILE.XXXXXX")
{
  printf '%s=%q\n' PROFILE "$PROFILE" PGROOT "$PGROOT" PGPID "$PGPID" PGPORT "$PGPORT" \
    MAILROOT "$MAILROOT" SMTP_PORT "$SMTP_PORT" IMAP_PORT "$IMAP_PORT" LMTP_PORT "$LMTP_PORT" \
    MAIL_PASS "$MAIL_PASS" MAIL_TLS "$MAIL_TLS" PG_DATABASE followup PG_USER followup PG_PASSWORD followup
  sed -n 's/^\(MAIL_CERT\(_SHA1\)\?=.*\)/\1/p' <<<"$mail_out"
} >"$tmp"
chmod 644 "$tmp"
mv "$tmp" "$ENVFILE"

cat "$ENVFILE"
echo "ENVFILE=$ENVFILE"
fu_log "servers-up ($PROFILE): PostgreSQL 127.0.0.1:$PGPORT, SMTP 127.0.0.1:$SMTP_PORT, IMAP 127.0.0.1:$IMAP_PORT" \
  "[stale check $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.2f", b-a}') s, pg-up $(awk -v a="$t1" -v b="$t2" 'BEGIN{printf "%.2f", b-a}') s, mail-up $(awk -v a="$t2" -v b="$t3" 'BEGIN{printf "%.2f", b-a}') s]"
