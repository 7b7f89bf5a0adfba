#!/usr/bin/env bash
# THE test command of FollowUp: installs and starts the real servers the tests use (PostgreSQL 15, Postfix,
# Dovecot, all on loopback), runs every test of the solution against them, stops the servers.
#
# Usage: bash scripts/test.sh [extra dotnet test args, e.g. --filter FullyQualifiedName~Replies]
#
# Needs: Debian 12, root (servers are installed with apt and started as their service users), the .NET 10 SDK.
# Env:   TEST_KEEP_SERVERS=1   leave the servers running afterwards (prints how to stop them), for debugging.
#        TEST_RESULTS_DIR=DIR  keep the TRX results in DIR (default: a temp dir, deleted afterwards).
#        FU_ENVFILE=F, FU_PGPORT/FU_SMTP_PORT/FU_IMAP_PORT/FU_LMTP_PORT=N  a second set of test servers beside another run
#        MAIL_TLS=1            let the mail stack offer STARTTLS (self-signed cert in $FOLLOWUP_TEST_MAILROOT/tls).
# The tests get:  FOLLOWUP_TEST_PG (an Npgsql connection string of a role with CREATEDB), FOLLOWUP_TEST_SMTP_PORT,
#                 FOLLOWUP_TEST_IMAP_PORT, FOLLOWUP_TEST_MAIL_PASSWORD, FOLLOWUP_TEST_MAILROOT,
#                 FOLLOWUP_TEST_SCRIPTS (absolute path of scripts/).
# Output: dotnet test's console log, then a closing line alone, read by CI:
#         Tests: <passed> passed, <failed> failed, <skipped> skipped
# Exit status: dotnet test's (non-zero also when the servers or the SDK are missing).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO=$(pwd)
SCRIPTS=$REPO/scripts
# shellcheck source=scripts/lib.sh
source "$SCRIPTS/lib.sh"

# ---------------------------------------------------------------- prerequisites
if ! command -v dotnet >/dev/null 2>&1; then
  fu_die "the .NET 10 SDK is required, and 'dotnet' is not on PATH. Install it (https://dotnet.microsoft.com/download/dotnet/10.0, or on Debian 12: the dotnet-sdk-10.0 package from packages.microsoft.com) and run again."
fi
if ! dotnet --list-sdks 2>/dev/null | grep -q '^10\.'; then
  fu_die "the .NET 10 SDK is required; installed SDKs: $(dotnet --list-sdks 2>/dev/null | tr '\n' ' ')"
fi
[ "$(id -u)" = 0 ] || fu_die "scripts/test.sh must run as root: it installs the servers with apt and starts them as their service users"
SOLUTION=""
for s in FollowUp.sln FollowUp.slnx; do if [ -f "$s" ]; then SOLUTION=$s; break; fi; done
[ -n "$SOLUTION" ] || fu_die "no FollowUp.sln (or FollowUp.slnx) in $REPO"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

WORK=$(mktemp -d /tmp/followup-test.XXXXXX)
RESULTS=${TEST_RESULTS_DIR:-$WORK/results}
mkdir -p "$RESULTS"
RESULTS=$(cd "$RESULTS" && pwd)
ENVFILE=${FU_ENVFILE:-/tmp/followup-servers/test.env}
KEEP=${TEST_KEEP_SERVERS:-0}

servers_up=0
cleaned=0
cleanup() {
  [ $cleaned = 0 ] || return 0
  cleaned=1
  if [ $servers_up = 1 ]; then
    if [ "$KEEP" = 1 ]; then
      echo "Servers left running (TEST_KEEP_SERVERS=1): PostgreSQL 127.0.0.1:$PGPORT, SMTP 127.0.0.1:$SMTP_PORT, IMAP 127.0.0.1:$IMAP_PORT"
      echo "  env file: $ENVFILE    logs: $PGROOT/server.log $MAILROOT/postfix.log $MAILROOT/dovecot.log"
      echo "  stop them with: bash scripts/servers-down.sh --profile test   (the next scripts/test.sh also does)"
    else
      bash "$SCRIPTS/servers-down.sh" "$ENVFILE" || echo "WARNING: could not stop the test servers; try: bash scripts/servers-down.sh --profile test" >&2
    fi
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- servers
start=$(fu_now)
# Its step lines show on the terminal (a fresh install takes minutes); apt's own output goes to the log.
if ! bash "$SCRIPTS/install-servers.sh" --with-browser 2>&1 | tee "$WORK/install.log" | { grep --line-buffered "^install-servers:" || true; }; then
  cat "$WORK/install.log" >&2
  fu_die "installing the servers failed (scripts/install-servers.sh, output above)"
fi
t_install=$(fu_elapsed "$start")

start=$(fu_now)
if ! FU_OWNER_PID=$$ MAIL_TLS=${MAIL_TLS:-0} bash "$SCRIPTS/servers-up.sh" test "$ENVFILE" >"$WORK/servers-up.out"; then
  fu_die "the test servers failed to start (their logs, if any, are printed above: PGROOT/server.log, MAILROOT/postfix.log, MAILROOT/dovecot.log)"
fi
servers_up=1
PGROOT=$(fu_env_get "$ENVFILE" PGROOT); MAILROOT=$(fu_env_get "$ENVFILE" MAILROOT)
PGPORT=$(fu_env_get "$ENVFILE" PGPORT); SMTP_PORT=$(fu_env_get "$ENVFILE" SMTP_PORT)
IMAP_PORT=$(fu_env_get "$ENVFILE" IMAP_PORT); MAIL_PASS=$(fu_env_get "$ENVFILE" MAIL_PASS)
echo "==> servers ready (install check ${t_install} s, start $(fu_elapsed "$start") s): PostgreSQL 127.0.0.1:$PGPORT, SMTP 127.0.0.1:$SMTP_PORT, IMAP 127.0.0.1:$IMAP_PORT, MAILROOT=$MAILROOT"

export FOLLOWUP_TEST_PG="Host=127.0.0.1;Port=$PGPORT;Database=followup;Username=followup;Password=followup;Timezone=UTC"
export FOLLOWUP_TEST_SMTP_PORT=$SMTP_PORT
export FOLLOWUP_TEST_IMAP_PORT=$IMAP_PORT
export FOLLOWUP_TEST_MAIL_PASSWORD=$MAIL_PASS
export FOLLOWUP_TEST_MAILROOT=$MAILROOT
export FOLLOWUP_TEST_SCRIPTS=$SCRIPTS
# The accessibility checker install-servers.sh cached (its version pinned there).
export FOLLOWUP_TEST_AXE=${FOLLOWUP_AXE_CACHE:-$(ls -d /var/cache/followup/axe-core-* 2>/dev/null | sort -V | tail -1)}/axe.min.js

# ---------------------------------------------------------------- tests
echo "==> dotnet test $SOLUTION -c Release $*"
set +e
dotnet test "$SOLUTION" -c Release \
  --logger "console;verbosity=normal" --logger "trx;LogFilePrefix=results" \
  --results-directory "$RESULTS" "$@"
rc=$?
set -e

# ---------------------------------------------------------------- summary
# Sum the <Counters .../> of every TRX (one per test project):
#   <Counters total="5" executed="4" passed="3" failed="1" error="0" timeout="0" aborted="0" ... notExecuted="0" />
# skipped = total - executed (xunit skips are outcome NotExecuted); failed = failed + error + timeout + aborted.
passed=0 failed=0 skipped=0 trx_count=0
counter() {
  if [[ $1 =~ [[:space:]]$2=\"([0-9]+)\" ]]; then echo "${BASH_REMATCH[1]}"; else echo 0; fi
}
while IFS= read -r -d '' trx; do
  line=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1 || true)
  [ -n "$line" ] || continue
  trx_count=$((trx_count + 1))
  passed=$((passed + $(counter "$line" passed)))
  failed=$((failed + $(counter "$line" failed) + $(counter "$line" error) + $(counter "$line" timeout) + $(counter "$line" aborted)))
  # xunit's skipped tests: outcome NotExecuted, in total but not in executed (notExecuted stays 0)
  n=$(( $(counter "$line" total) - $(counter "$line" executed) ))
  [ "$n" -ge "$(counter "$line" notExecuted)" ] || n=$(counter "$line" notExecuted)
  skipped=$((skipped + n))
done < <(find "$RESULTS" -name '*.trx' -print0 2>/dev/null)

if [ "$rc" != 0 ]; then
  if [ $trx_count = 0 ]; then
    echo "==> dotnet test failed (exit $rc) without test results: the build or the test host failed (see above)."
  fi
  # Errors the servers logged during the run, to tell a server problem from a test failure.
  for log in "$PGROOT/server.log" "$MAILROOT/postfix.log" "$MAILROOT/dovecot.log"; do
    if [ -s "$log" ] && grep -qiE 'fatal|panic|error' "$log"; then
      echo "---- errors in $log (last 20) ----"
      grep -iE 'fatal|panic|error' "$log" | tail -n 20
    fi
  done
fi
[ -z "${TEST_RESULTS_DIR:-}" ] || echo "==> TRX results: $RESULTS"

# The failed tests last, with their messages, so that the tail of a CI log says what broke.
if [ "$failed" != 0 ] && command -v python3 >/dev/null; then
  mapfile -d '' trxs < <(find "$RESULTS" -name '*.trx' -print0 2>/dev/null)
  python3 -c '
import sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
for path in sys.argv[1:]:
    for r in ET.parse(path).getroot().iterfind(".//t:UnitTestResult", ns):
        if r.get("outcome") not in ("Failed", "Error", "Timeout", "Aborted"):
            continue
        print("---- FAILED: " + r.get("testName", "?") + " (" + r.get("duration", "?") + ")")
        for tag in ("Message", "StackTrace"):
            e = r.find(".//t:ErrorInfo/t:" + tag, ns)
            if e is not None and e.text:
                print("\n".join(e.text.strip().splitlines()[:25]))
' "${trxs[@]}" || true
fi

cleanup
echo "Tests: $passed passed, $failed failed, $skipped skipped"
exit "$rc"
