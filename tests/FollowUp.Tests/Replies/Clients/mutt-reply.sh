#!/usr/bin/env bash
# mutt-reply.sh USER [REPLY_TEXT]: mutt opens USER's INBOX over IMAP, replies to message 1 (oldest) with a
# top-posted text above mutt's standard quote, sends via SMTP, APPENDs a copy to Sent, flags the original
# \Answered. mutt insists on a terminal, so it runs under script(1) (bsdutils, always installed).
set -euo pipefail
USER_ADDR=$1; TEXT=${2:-Pain 3, slept well.}
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
printf '%s\n\n' "$TEXT" > "$W/reply.txt"
# non-interactive $EDITOR: put the reply text above the quoted original
printf '#!/bin/sh\n{ cat "%s"; cat "$1"; } > "$1.new" && mv "$1.new" "$1"\n' "$W/reply.txt" > "$W/editor.sh"
chmod +x "$W/editor.sh"
cat > "$W/muttrc" <<MUTTRC
set imap_user="$USER_ADDR"
set imap_pass="${MAIL_PASS:-secret}"
set folder="imap://127.0.0.1:${IMAP_PORT:-1143}/"
set spoolfile="+INBOX"
set record="+Sent"
set postponed="+Drafts"
set smtp_url="smtp://127.0.0.1:${SMTP_PORT:-2525}/"
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
set attribution="On %d, %n wrote:"
set indent_string="> "
set header_cache=""
MUTTRC
TERM=xterm timeout 60 script -qec "mutt -n -F '$W/muttrc' -e 'push \"<reply><send-message><quit>\"'" /dev/null \
  >"$W/typescript" 2>&1 || { cat -v "$W/typescript" | tail -c 2000; exit 1; }
