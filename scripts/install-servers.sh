#!/usr/bin/env bash
# Install the real servers and mail clients the FollowUp tests and demo run against (Debian 12, as root):
# PostgreSQL 15, Postfix, Dovecot (IMAP + LMTP), and the clients mutt, s-nail, swaks.
#
# Usage: bash scripts/install-servers.sh [--with-browser]
#   --with-browser  also Debian's chromium, which the tests use to look at an alert email as a therapist would
#                   (headless screenshot); the demo does not need it.
#
# Idempotent and non-interactive. When every needed binary is already there it returns at once without touching
# apt (the fast path). Otherwise: debconf preseeds Postfix to "No configuration" (so no system Postfix is set up),
# then apt-get update + install with --no-upgrade (never bumps packages that are already installed, e.g. the
# image's postgresql-15). No /etc config is edited: the servers run as throw-away instances (pg-up.sh, mail-up.sh).
set -euo pipefail

PGBIN=/usr/lib/postgresql/15/bin
PACKAGES=(postgresql-15 postfix dovecot-core dovecot-imapd dovecot-lmtpd
          mutt s-nail swaks libnet-ssleay-perl openssl bsdutils util-linux)

WITH_BROWSER=0
[ "${1:-}" = --with-browser ] && WITH_BROWSER=1
[ $WITH_BROWSER = 1 ] && PACKAGES+=(chromium)

missing=()
[ $WITH_BROWSER = 1 ] && { [ -x /usr/bin/chromium ] || missing+=(/usr/bin/chromium); }
for f in "$PGBIN/initdb" "$PGBIN/pg_ctl" "$PGBIN/postgres" "$PGBIN/psql" \
         /usr/sbin/postfix /usr/sbin/postconf /usr/lib/postfix/sbin/master \
         /usr/sbin/dovecot /usr/lib/dovecot/imap /usr/lib/dovecot/lmtp; do
  [ -x "$f" ] || missing+=("$f")
done
for c in mutt s-nail swaks openssl script runuser; do
  command -v "$c" >/dev/null 2>&1 || missing+=("$c")
done
perl -MNet::SSLeay -e 1 >/dev/null 2>&1 || missing+=("perl Net::SSLeay (swaks --tls)")

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-servers: everything is installed (PostgreSQL 15, Postfix, Dovecot, mutt, s-nail, swaks)"
  exit 0
fi

[ "$(id -u)" = 0 ] || { echo "ERROR: install-servers.sh must run as root (missing: ${missing[*]})" >&2; exit 1; }
command -v apt-get >/dev/null 2>&1 || { echo "ERROR: apt-get not found; this script supports Debian 12 only (missing: ${missing[*]})" >&2; exit 1; }

echo "install-servers: missing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
printf '%s\n' 'postfix postfix/main_mailer_type select No configuration' \
              'postfix postfix/mailname string mail.test' | debconf-set-selections
apt-get update -q
apt-get install -y -q --no-install-recommends --no-upgrade "${PACKAGES[@]}"

for f in "$PGBIN/initdb" /usr/sbin/postfix /usr/sbin/dovecot /usr/lib/dovecot/lmtp; do
  [ -x "$f" ] || { echo "ERROR: $f still missing after apt-get install" >&2; exit 1; }
done
echo "install-servers: done"
