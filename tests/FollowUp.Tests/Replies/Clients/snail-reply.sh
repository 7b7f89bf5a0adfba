#!/usr/bin/env bash
# snail-reply.sh USER [MSGNO] [REPLY_TEXT]: s-nail in pure batch mode (no tty). Bottom-posted reply under
# "On <date>, <from> wrote:" + "> " quote, In-Reply-To/References set, Reply-To honoured, copy APPENDed to Sent.
set -euo pipefail
USER_ADDR=$1; N=${2:-1}; TEXT=${3:-Pain 5, slept badly.}
U=${USER_ADDR/@/%40}
printf 'reply %s\n%s\n~.\n' "$N" "$TEXT" | timeout 60 s-nail -#:/ -Sv15-compat -Sttycharset=utf-8 \
  -S "mta=smtp://127.0.0.1:${SMTP_PORT:-2525}" -S smtp-auth=none \
  -S "from=$USER_ADDR" -S "hostname=${USER_ADDR#*@}" \
  -S quote -S 'indentprefix=> ' -S 'quote-inject-head=On %d, %f wrote:\n' -S 'quote-inject-tail=\n' \
  -S reply-to-honour=yes -S "folder=imap://$U:${MAIL_PASS:-secret}@127.0.0.1:${IMAP_PORT:-1143}" -S 'record=+Sent' \
  -f '+INBOX' >/dev/null
