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
# image's postgresql-15). No server config in /etc is edited: the servers run as throw-away instances on loopback
# (pg-up.sh, mail-up.sh).
#
# FollowUp never uses the system services these packages bring: Debian's postgresql, dovecot and postfix
# packages enable (and on systemd start) a system PostgreSQL cluster, a Dovecot listening for IMAP on every
# interface with the machine's user accounts, and a Postfix. So the install runs with services held back
# (policy-rc.d), drops the empty system cluster it created, and on every run (also the fast path) stops and
# disables those three units. A system cluster that was there before the install is kept (it may hold data).
set -euo pipefail

PGBIN=/usr/lib/postgresql/15/bin
PACKAGES=(postgresql-15 postfix dovecot-core dovecot-imapd dovecot-lmtpd
          mutt s-nail swaks libnet-ssleay-perl openssl bsdutils util-linux)

WITH_BROWSER=0
[ "${1:-}" = --with-browser ] && WITH_BROWSER=1
[ $WITH_BROWSER = 1 ] && PACKAGES+=(chromium)

missing=()
[ $WITH_BROWSER = 1 ] && { [ -x /usr/bin/chromium ] || missing+=(/usr/bin/chromium); }
# npm fetches axe-core for the accessibility checks (below).
[ $WITH_BROWSER = 1 ] && ! command -v npm >/dev/null 2>&1 && { PACKAGES+=(npm); missing+=(npm); }
for f in "$PGBIN/initdb" "$PGBIN/pg_ctl" "$PGBIN/postgres" "$PGBIN/psql" \
         /usr/sbin/postfix /usr/sbin/postconf /usr/lib/postfix/sbin/master \
         /usr/sbin/dovecot /usr/lib/dovecot/imap /usr/lib/dovecot/lmtp; do
  [ -x "$f" ] || missing+=("$f")
done
for c in mutt s-nail swaks openssl script runuser; do
  command -v "$c" >/dev/null 2>&1 || missing+=("$c")
done
perl -MNet::SSLeay -e 1 >/dev/null 2>&1 || missing+=("perl Net::SSLeay (swaks --tls)")

SYSTEM_UNITS=(postgresql dovecot postfix)

# Stop and disable the system units FollowUp does not use. Without systemd running (a container) systemctl still
# removes the enablement links; deb-systemd-helper remembers the choice so a package upgrade does not re-enable.
leave_no_system_services() {
  local unit changed=0
  for unit in "${SYSTEM_UNITS[@]}"; do
    [ -e "/lib/systemd/system/$unit.service" ] || [ -e "/etc/init.d/$unit" ] || continue
    if [ -d /run/systemd/system ] && systemctl is-active --quiet "$unit" 2>/dev/null; then
      systemctl stop "$unit" && changed=1
    elif [ -x "/etc/init.d/$unit" ] && "/etc/init.d/$unit" status >/dev/null 2>&1; then
      "/etc/init.d/$unit" stop >/dev/null 2>&1 && changed=1
    fi
    if compgen -G "/etc/systemd/system/*.wants/$unit.service" >/dev/null || compgen -G "/etc/rc[2-5].d/S*$unit" >/dev/null; then
      [ "$(id -u)" = 0 ] || { echo "WARNING: the system service $unit is enabled; run this script as root to disable it" >&2; continue; }
      if command -v systemctl >/dev/null 2>&1; then systemctl disable --quiet "$unit" 2>/dev/null || true; fi
      if command -v deb-systemd-helper >/dev/null 2>&1; then deb-systemd-helper disable "$unit.service" >/dev/null 2>&1 || true; fi
      if command -v update-rc.d >/dev/null 2>&1 && [ -e "/etc/init.d/$unit" ]; then update-rc.d "$unit" disable >/dev/null 2>&1 || true; fi
      rm -f /etc/systemd/system/*.wants/"$unit".service
      changed=1
    fi
  done
  [ $changed = 1 ] && echo "install-servers: stopped and disabled the system services ${SYSTEM_UNITS[*]} (FollowUp runs its own on loopback)"
  return 0
}

# axe-core, the accessibility checker the browser tests inject into every page (MPL-2.0; fetched, never committed, never
# loaded from a CDN): the npm registry's tarball of one pinned version, cached under /var/cache/followup.
AXE_VERSION=4.14.1
AXE_CACHE=${FOLLOWUP_AXE_CACHE:-/var/cache/followup/axe-core-$AXE_VERSION}
install_axe() {
  [ -s "$AXE_CACHE/axe.min.js" ] && return 0
  command -v npm >/dev/null 2>&1 || { echo "WARNING: npm is missing: the accessibility checks cannot fetch axe-core (apt-get install -y npm)" >&2; return 0; }
  local tmp; tmp=$(mktemp -d)
  if (cd "$tmp" && npm pack --silent "axe-core@$AXE_VERSION" >/dev/null 2>&1 && tar -xzf "axe-core-$AXE_VERSION.tgz" package/axe.min.js package/LICENSE); then
    mkdir -p "$AXE_CACHE" && cp "$tmp/package/axe.min.js" "$tmp/package/LICENSE" "$AXE_CACHE/"
    echo "install-servers: fetched axe-core $AXE_VERSION into $AXE_CACHE"
  else
    echo "WARNING: could not fetch axe-core $AXE_VERSION from the npm registry: the accessibility checks will fail" >&2
  fi
  rm -rf "$tmp"
}
if [ ${#missing[@]} -eq 0 ]; then
  [ $WITH_BROWSER = 1 ] && install_axe
  leave_no_system_services
  echo "install-servers: everything is installed (PostgreSQL 15, Postfix, Dovecot, mutt, s-nail, swaks$([ $WITH_BROWSER = 1 ] && echo ', chromium'))"
  exit 0
fi

[ "$(id -u)" = 0 ] || { echo "ERROR: install-servers.sh must run as root (missing: ${missing[*]})" >&2; exit 1; }
command -v apt-get >/dev/null 2>&1 || { echo "ERROR: apt-get not found; this script supports Debian 12 only (missing: ${missing[*]})" >&2; exit 1; }

echo "install-servers: missing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
printf '%s\n' 'postfix postfix/main_mailer_type select No configuration' \
              'postfix postfix/mailname string mail.test' | debconf-set-selections
had_cluster=0
[ -d /etc/postgresql/15/main ] && had_cluster=1
# Hold services back while the packages install (invoke-rc.d asks policy-rc.d; 101 = action not allowed).
own_policy=0
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && own_policy=1
fi
trap '[ $own_policy = 1 ] && rm -f /usr/sbin/policy-rc.d' EXIT
echo "install-servers: apt-get update (1/2)"
apt-get update -q
echo "install-servers: apt-get install ${PACKAGES[*]} (2/2; a few minutes on a fresh machine)"
apt-get install -y -q --no-install-recommends --no-upgrade "${PACKAGES[@]}"
if [ $had_cluster = 0 ] && [ -d /etc/postgresql/15/main ] && command -v pg_dropcluster >/dev/null 2>&1; then
  pg_dropcluster --stop 15 main && echo "install-servers: dropped the empty system PostgreSQL cluster 15/main the package created"
fi
leave_no_system_services

for f in "$PGBIN/initdb" /usr/sbin/postfix /usr/sbin/dovecot /usr/lib/dovecot/lmtp; do
  [ -x "$f" ] || { echo "ERROR: $f still missing after apt-get install" >&2; exit 1; }
done
[ $WITH_BROWSER = 1 ] && install_axe
echo "install-servers: done"
