#!/usr/bin/env bash
# THE command that runs FollowUp: installs and starts its servers (PostgreSQL 15, Postfix, Dovecot on loopback,
# "run" profile), builds the solution and runs the worker, by default in demo mode.
#
# Usage: bash scripts/run.sh              the worker with --demo (a sample course, three months on a fast clock)
#        bash scripts/run.sh ARGS...      the worker with exactly ARGS instead, e.g. --no-demo (runs until Ctrl-C)
#
# Needs: Debian 12, root, the .NET 10 SDK.
# Servers (left running afterwards; bash scripts/stop.sh stops them):
#   PostgreSQL 127.0.0.1:55433 (database/user/password followup), SMTP 127.0.0.1:2526, IMAP 127.0.0.1:1144
#   (any address logs in with password secret; mail to anyone@anywhere lands in that address's mailbox).
# State in /tmp/followup-run/: servers.env (the servers), token.key (the HMAC key of the reply tokens, made once
# with openssl rand -hex 32 and kept), build.log. Servers left by a previous run are stopped and started afresh.
# The web face (src/FollowUp.Web) runs beside the worker on http://127.0.0.1:5080 (FU_WEB_PORT), log in
# /tmp/followup-run/web.log; it keeps running after the demo, until Ctrl-C, so the demo's therapist can sign in.
# Env:   FU_RUN_DIR=DIR and FU_PGPORT/FU_SMTP_PORT/FU_IMAP_PORT/FU_LMTP_PORT/FU_WEB_PORT=N  a second run beside another
#        one (then stop it with FU_RUN_DIR=DIR bash scripts/stop.sh).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO=$(pwd)
SCRIPTS=$REPO/scripts
# shellcheck source=scripts/lib.sh
source "$SCRIPTS/lib.sh"

RUN_DIR=${FU_RUN_DIR:-/tmp/followup-run}
ENVFILE=$RUN_DIR/servers.env
KEYFILE=$RUN_DIR/token.key
WORKER_DIR=$REPO/src/FollowUp.Worker/bin/Release/net10.0
WORKER_DLL=$WORKER_DIR/FollowUp.Worker.dll
WEB_DIR=$REPO/src/FollowUp.Web/bin/Release/net10.0
WEB_DLL=$WEB_DIR/FollowUp.Web.dll
WEB_PORT=${FU_WEB_PORT:-5080}
WEB_URL=http://127.0.0.1:$WEB_PORT

if ! command -v dotnet >/dev/null 2>&1; then
  fu_die "the .NET 10 SDK is required, and 'dotnet' is not on PATH. Install it (https://dotnet.microsoft.com/download/dotnet/10.0) and run again."
fi
dotnet --list-sdks 2>/dev/null | grep -q '^10\.' ||
  fu_die "the .NET 10 SDK is required; installed SDKs: $(dotnet --list-sdks 2>/dev/null | tr '\n' ' ')"
[ "$(id -u)" = 0 ] || fu_die "scripts/run.sh must run as root: it installs the servers with apt and starts them as their service users"
SOLUTION=""
for s in FollowUp.sln FollowUp.slnx; do if [ -f "$s" ]; then SOLUTION=$s; break; fi; done
[ -n "$SOLUTION" ] || fu_die "no FollowUp.sln (or FollowUp.slnx) in $REPO"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

mkdir -p "$RUN_DIR"
chmod 700 "$RUN_DIR"

# ---------------------------------------------------------------- servers
echo "==> checking the servers are installed (scripts/install-servers.sh)"
# Its step lines show on the terminal (a fresh install takes minutes); apt's own output goes to the log.
if ! bash "$SCRIPTS/install-servers.sh" 2>&1 | tee "$RUN_DIR/install.log" | { grep --line-buffered "^install-servers:" || true; }; then
  cat "$RUN_DIR/install.log" >&2
  fu_die "installing the servers failed (output above)"
fi

echo "==> starting PostgreSQL 15 + Postfix + Dovecot (run profile; a previous run's servers are stopped first)"
# Owner = this script: while it runs, another run.sh cannot take the servers over; afterwards they are stale
# (the next run.sh or bash scripts/stop.sh stops them).
FU_OWNER_PID=$$ bash "$SCRIPTS/servers-up.sh" run "$ENVFILE" >"$RUN_DIR/servers-up.out" ||
  fu_die "the servers failed to start (their logs, if any, are printed above)"
PGPORT=$(fu_env_get "$ENVFILE" PGPORT); SMTP_PORT=$(fu_env_get "$ENVFILE" SMTP_PORT)
IMAP_PORT=$(fu_env_get "$ENVFILE" IMAP_PORT); MAIL_PASS=$(fu_env_get "$ENVFILE" MAIL_PASS)
MAILROOT=$(fu_env_get "$ENVFILE" MAILROOT); PGROOT=$(fu_env_get "$ENVFILE" PGROOT)

# ---------------------------------------------------------------- token key (made once, kept)
if [ ! -s "$KEYFILE" ]; then
  (umask 077 && openssl rand -hex 32 >"$KEYFILE")
  echo "==> generated the reply-token HMAC key: $KEYFILE"
fi
TOKEN_KEY=$(tr -d '[:space:]' <"$KEYFILE")
[ ${#TOKEN_KEY} -ge 32 ] || fu_die "$KEYFILE holds no usable key (delete it to make a new one)"

# ---------------------------------------------------------------- build
echo "==> dotnet build $SOLUTION -c Release"
if ! dotnet build "$SOLUTION" -c Release -nologo -v quiet >"$RUN_DIR/build.log" 2>&1; then
  grep -E ': (error|warning) ' "$RUN_DIR/build.log" | sort -u | head -n 40 >&2 || true
  tail -n 5 "$RUN_DIR/build.log" >&2
  echo "(full build log: $RUN_DIR/build.log; the servers are still running: bash scripts/stop.sh stops them)" >&2
  fu_die "the build failed"
fi
[ -f "$WORKER_DLL" ] || fu_die "the build succeeded but $WORKER_DLL does not exist"
[ -f "$WEB_DLL" ] || fu_die "the build succeeded but $WEB_DLL does not exist"

# ---------------------------------------------------------------- worker
args=("$@")
[ ${#args[@]} -gt 0 ] || args=(--demo)

export FollowUp__Database__ConnectionString="Host=127.0.0.1;Port=$PGPORT;Database=followup;Username=followup;Password=followup;Timezone=UTC"
export FollowUp__Database__MigrationsPath=$REPO/migrations
export FollowUp__Smtp__Host=127.0.0.1 FollowUp__Smtp__Port=$SMTP_PORT
export FollowUp__Imap__Host=127.0.0.1 FollowUp__Imap__Port=$IMAP_PORT FollowUp__Imap__Password=$MAIL_PASS
export FollowUp__Clinic__TokenKey=$TOKEN_KEY
# The local Postfix adds no Authentication-Results, so its senders are trusted (logged at start); never on a clinic's server.
export FollowUp__Inbox__TrustAllSenders=true

# ---------------------------------------------------------------- web face
# Development: cookies without the Secure flag, for plain http on loopback (anywhere else: https, see docs/operations.md).
export FollowUp__Web__PublicUrl=$WEB_URL
fu_port_busy "$WEB_PORT" && fu_die "port $WEB_PORT is taken; set FU_WEB_PORT to a free one"
(cd "$WEB_DIR" && ASPNETCORE_ENVIRONMENT=Development exec dotnet "$WEB_DLL" --urls "$WEB_URL") >"$RUN_DIR/web.log" 2>&1 &
WEB_PID=$!
stop_web() { kill "$WEB_PID" 2>/dev/null && wait "$WEB_PID" 2>/dev/null || true; }
trap stop_web EXIT
echo "==> the web face: $WEB_URL   (log: $RUN_DIR/web.log; the demo's therapist sam.taylor@clinic.test may sign in:"
echo "    the sign-in link arrives in that mailbox, read it with the mutt command printed at the end)"

echo "==> dotnet FollowUp.Worker.dll ${args[*]}   (Ctrl-C stops the worker; the servers keep running)"
echo
# Ctrl-C reaches the worker (same process group), which shuts down gracefully; this script then goes on to
# print how to look at the result.
interrupted=0
trap 'interrupted=1' INT
set +e
# From the build output folder: the host reads appsettings.json from its working directory.
(cd "$WORKER_DIR" && exec dotnet "$WORKER_DLL" "${args[@]}")
rc=$?
set -e
trap - INT

cat <<EOF

==> the worker exited with status $rc$([ $interrupted = 1 ] && echo " (interrupted)")
The servers are still running (state: $ENVFILE):
  PostgreSQL  psql "host=127.0.0.1 port=$PGPORT dbname=followup user=followup password=followup"
  SMTP        127.0.0.1:$SMTP_PORT      IMAP  127.0.0.1:$IMAP_PORT (any address logs in, password $MAIL_PASS)
  mailboxes   $MAILROOT/mail/<domain>/<user>/Maildir      logs  $MAILROOT/postfix.log $MAILROOT/dovecot.log $PGROOT/server.log
Read a mailbox with mutt over IMAP: log in as any address, e.g. the demo's therapist sam.taylor@clinic.test,
patient dana@patients.test or replies@clinic.test; in mutt, 'c' then '?' lists the mailbox's folders, 'q' quits:
  mutt -n -e 'set ssl_starttls=no ssl_force_tls=no imap_user=sam.taylor@clinic.test imap_pass=$MAIL_PASS folder=imap://127.0.0.1:$IMAP_PORT/' -f imap://127.0.0.1:$IMAP_PORT/INBOX
Stop the servers:
  $([ "$RUN_DIR" = /tmp/followup-run ] || echo "FU_RUN_DIR=$RUN_DIR ")bash scripts/stop.sh
EOF
if [ $interrupted = 0 ] && kill -0 "$WEB_PID" 2>/dev/null; then
  echo
  echo "==> the web face is still running at $WEB_URL (sign in as sam.taylor@clinic.test); Ctrl-C stops it"
  trap 'kill "$WEB_PID" 2>/dev/null || true' INT
  wait "$WEB_PID" 2>/dev/null || true
fi
exit "$rc"
