#!/usr/bin/env bash
# Reply to a message with a real mail client, mutt: opens USER's INBOX over IMAP, replies to message N (1 = the
# oldest) with REPLY_TEXT top-posted above mutt's standard "On <date>, <name> wrote:" + "> " quote, sends it over
# SMTP, APPENDs a copy to Sent and flags the original \Answered. Honours Reply-To (set reply_to=yes).
#
# Usage: bash scripts/mutt-reply.sh USER [REPLY_TEXT] [N]
# Env:   SMTP_PORT / IMAP_PORT / MAIL_PASS, else FOLLOWUP_TEST_SMTP_PORT / FOLLOWUP_TEST_IMAP_PORT /
#        FOLLOWUP_TEST_MAIL_PASSWORD (as set by scripts/test.sh), else 2525 / 1143 / secret.
# mutt insists on a terminal, so it runs under script(1), which provides a pty. Takes ~1 s.
set -euo pipefail
USER_ADDR=${1:?usage: mutt-reply.sh USER [REPLY_TEXT] [N]}
TEXT=${2:-Pain 3, slept well.}
N=${3:-1}
SMTP_PORT=${SMTP_PORT:-${FOLLOWUP_TEST_SMTP_PORT:-2525}}
IMAP_PORT=${IMAP_PORT:-${FOLLOWUP_TEST_IMAP_PORT:-1143}}
MAIL_PASS=${MAIL_PASS:-${FOLLOWUP_TEST_MAIL_PASSWORD:-secret}}
command -v mutt >/dev/null 2>&1 || { echo "ERROR: mutt is not installed (bash scripts/install-servers.sh)" >&2; exit 1; }

W=$(mktemp -d /tmp/followup-mutt.XXXXXX)
trap 'rm -rf "$W"' EXIT
printf '%s\n\n' "$TEXT" >"$W/reply.txt"
# A non-interactive $EDITOR: puts the reply text above the quoted original ($1 expands in the editor script).
# shellcheck disable=SC2016
printf '#!/bin/sh\n{ cat "%s"; cat "$1"; } > "$1.new" && mv "$1.new" "$1"\n' "$W/reply.txt" >"$W/editor.sh"
chmod +x "$W/editor.sh"
cat >"$W/muttrc" <<MUTTRC
set imap_user="$USER_ADDR"
set imap_pass="$MAIL_PASS"
set folder="imap://127.0.0.1:$IMAP_PORT/"
set spoolfile="+INBOX"
set record="+Sent"
set postponed="+Drafts"
set smtp_url="smtp://127.0.0.1:$SMTP_PORT/"
set from="$USER_ADDR"
set realname="${USER_ADDR%@*}"
set use_from=yes
set hostname="${USER_ADDR#*@}"
set ssl_starttls=no
set ssl_force_tls=no
set include=yes
set fast_reply=yes
set reply_to=yes
set editor="$W/editor.sh"
set edit_headers=no
set autoedit=no
set askcc=no
set abort_unmodified=no
set confirmappend=no
set copy=yes
set quit=yes
set move=no
set wait_key=no
set sort=date-sent
set attribution="On %d, %n wrote:"
set indent_string="> "
set header_cache=""
MUTTRC
# <first-entry> then N-1 times <next-undeleted>: select message N (oldest first), reply, send, quit.
keys="<first-entry>"
for ((i = 1; i < N; i++)); do keys+="<next-undeleted>"; done
keys+="<reply><send-message><quit>"
TERM=xterm timeout 60 script -qec "mutt -n -F '$W/muttrc' -e 'push \"$keys\"'" /dev/null \
  </dev/null >"$W/typescript" 2>&1 || {
  echo "ERROR: mutt failed; its screen:" >&2
  cat -v "$W/typescript" | tail -c 2000 >&2
  exit 1
}
