#!/usr/bin/env bash
# Stop the servers scripts/run.sh left running (the "run" profile: PostgreSQL 55433, SMTP 2526, IMAP 1144,
# LMTP 2425) and delete their data. The reply-token key in /tmp/followup-run/token.key is kept.
#
# Usage: bash scripts/stop.sh
# Idempotent: nothing running is not an error.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/lib.sh
source "$HERE/lib.sh"

ENVFILE=${FU_RUN_DIR:-/tmp/followup-run}/servers.env
if [ -f "$ENVFILE" ]; then
  bash "$HERE/servers-down.sh" "$ENVFILE"
fi
# A second run beside another (FU_RUN_DIR) stops only its own servers.
[ -z "${FU_RUN_DIR:-}" ] || { echo "FollowUp run servers of $FU_RUN_DIR stopped."; exit 0; }
# Also any FollowUp server still on the run profile's ports (e.g. its env file was deleted).
fu_profile_ports run
FU_FORCE=1 fu_reclaim_ports "$PGPORT" "$SMTP_PORT" "$IMAP_PORT" "$LMTP_PORT"
echo "FollowUp run servers stopped (PostgreSQL $PGPORT, SMTP $SMTP_PORT, IMAP $IMAP_PORT are free)."
