#!/usr/bin/env bash
# THE benchmark command of FollowUp (docs/performance.md, "Benchmarks"): starts the test-profile servers (as
# scripts/test.sh does), builds Release, runs tests/FollowUp.Benchmarks, stops the servers.
#
# Usage: bash scripts/bench.sh [--full]      (default: CI-sized, N=200; --full: N=5000)
# Env:   BENCH_ENVFILE  the servers' env file (default /tmp/followup-servers/bench.env)
#        FU_PGPORT FU_SMTP_PORT FU_IMAP_PORT FU_LMTP_PORT  other ports than the test profile's, to run beside
#                       a running test suite (scripts/lib.sh fu_profile_ports)
# Needs: as scripts/test.sh: Debian 12, root, the .NET 10 SDK, the servers installed (scripts/install-servers.sh).
# Output: each benchmark's figures as a ratio against the bare MailKit loop on the same servers, plus the machine.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO=$(pwd)
SCRIPTS=$REPO/scripts
# shellcheck source=scripts/lib.sh
source "$SCRIPTS/lib.sh"
command -v dotnet >/dev/null 2>&1 || fu_die "the .NET 10 SDK is required, and 'dotnet' is not on PATH"
[ "$(id -u)" = 0 ] || fu_die "scripts/bench.sh must run as root: the servers are started as their service users"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

ENVFILE=${BENCH_ENVFILE:-/tmp/followup-servers/bench.env}
servers_up=0
cleanup() {
  if [ $servers_up = 1 ]; then
    servers_up=0
    bash "$SCRIPTS/servers-down.sh" "$ENVFILE" >/dev/null || echo "WARNING: could not stop the servers: bash scripts/servers-down.sh $ENVFILE" >&2
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "==> dotnet build -c Release tests/FollowUp.Benchmarks src/FollowUp.Web"
dotnet build -c Release tests/FollowUp.Benchmarks -v quiet -nologo >/dev/null || { dotnet build -c Release tests/FollowUp.Benchmarks -nologo; exit 1; }
# The web benchmark runs the built web face as a child process (its own output folder: the shared ASP.NET Core framework).
dotnet build -c Release src/FollowUp.Web -v quiet -nologo >/dev/null || { dotnet build -c Release src/FollowUp.Web -nologo; exit 1; }
export FOLLOWUP_BENCH_WEB=$REPO/src/FollowUp.Web/bin/Release/net10.0/FollowUp.Web.dll

FU_OWNER_PID=$$ bash "$SCRIPTS/servers-up.sh" test "$ENVFILE" >/dev/null
servers_up=1
PGPORT=$(fu_env_get "$ENVFILE" PGPORT); SMTP_PORT=$(fu_env_get "$ENVFILE" SMTP_PORT)
IMAP_PORT=$(fu_env_get "$ENVFILE" IMAP_PORT); MAIL_PASS=$(fu_env_get "$ENVFILE" MAIL_PASS)
MAILROOT=$(fu_env_get "$ENVFILE" MAILROOT)
export FOLLOWUP_TEST_PG="Host=127.0.0.1;Port=$PGPORT;Database=followup;Username=followup;Password=followup;Timezone=UTC"
export FOLLOWUP_TEST_SMTP_PORT=$SMTP_PORT FOLLOWUP_TEST_IMAP_PORT=$IMAP_PORT FOLLOWUP_TEST_MAIL_PASSWORD=$MAIL_PASS
export FOLLOWUP_TEST_MAILROOT=$MAILROOT
export FOLLOWUP_TEST_SCRIPTS=$SCRIPTS

echo "==> dotnet tests/FollowUp.Benchmarks $*"
dotnet "tests/FollowUp.Benchmarks/bin/Release/net10.0/FollowUp.Benchmarks.dll" "$@"
