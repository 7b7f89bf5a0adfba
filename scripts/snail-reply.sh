#!/usr/bin/env bash
# Reply to a message with a real mail client, s-nail, in pure batch mode (no terminal): opens USER's INBOX over
# IMAP, replies to message N (1 = the oldest) with REPLY_TEXT bottom-posted under "On <date>, <from> wrote:" and a
# "> " quote, In-Reply-To/References set, Reply-To honoured, sends over SMTP, APPENDs a copy to Sent.
#
# Usage: bash scripts/snail-reply.sh USER [REPLY_TEXT] [N]
# Env:   SMTP_PORT / IMAP_PORT / MAIL_PASS, else FOLLOWUP_TEST_SMTP_PORT / FOLLOWUP_TEST_IMAP_PORT /
#        FOLLOWUP_TEST_MAIL_PASSWORD (as set by scripts/test.sh), else 2525 / 1143 / secret.
set -euo pipefail
USER_ADDR=${1:?usage: snail-reply.sh USER [REPLY_TEXT] [N]}
TEXT=${2:-Pain 5, slept badly.}
N=${3:-1}
SMTP_PORT=${SMTP_PORT:-${FOLLOWUP_TEST_SMTP_PORT:-2525}}
IMAP_PORT=${IMAP_PORT:-${FOLLOWUP_TEST_IMAP_PORT:-1143}}
MAIL_PASS=${MAIL_PASS:-${FOLLOWUP_TEST_MAIL_PASSWORD:-secret}}
command -v s-nail >/dev/null 2>&1 || { echo "ERROR: s-nail is not installed (bash scripts/install-servers.sh)" >&2; exit 1; }

U=${USER_ADDR//@/%40}
printf 'reply %s\n%s\n~.\n' "$N" "$TEXT" | timeout 60 s-nail -#:/ -Sv15-compat -Sttycharset=utf-8 \
  -S "mta=smtp://127.0.0.1:$SMTP_PORT" -S smtp-auth=none \
  -S "from=$USER_ADDR" -S "hostname=${USER_ADDR#*@}" \
  -S quote -S 'indentprefix=> ' -S 'quote-inject-head=On %d, %f wrote:\n' -S 'quote-inject-tail=\n' \
  -S reply-to-honour=yes -S "folder=imap://$U:$MAIL_PASS@127.0.0.1:$IMAP_PORT" -S 'record=+Sent' \
  -f '+INBOX' >/dev/null
