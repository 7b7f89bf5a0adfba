#!/usr/bin/env bash
# Start a throw-away mail stack on loopback: Postfix (SMTP 127.0.0.1:$SMTP_PORT) -> LMTP -> Dovecot
# (IMAP 127.0.0.1:$IMAP_PORT). Every recipient at every domain is accepted and delivered to its own Maildir;
# nothing ever leaves the machine. Everything (config, queue, logs, mailboxes, pids) lives in one temp dir.
#
# Usage: SMTP_PORT=2525 IMAP_PORT=1143 LMTP_PORT=2424 bash scripts/mail-up.sh
# Prints:  MAILROOT=/tmp/followup-mail.XXXXXX   (give it to mail-down.sh)
#          SMTP_PORT=… IMAP_PORT=… LMTP_PORT=…
#          MAIL_CERT=… MAIL_CERT_SHA1=…           (only with MAIL_TLS=1)
# Env: SMTP_PORT (2525), IMAP_PORT (1143), LMTP_PORT (2424), MAIL_PASS (secret), MAIL_TLS (0; 1 = offer STARTTLS
#      with a self-signed cert for localhost/127.0.0.1 at $MAILROOT/tls/cert.pem, plain login still allowed),
#      MAILROOT (default: a new mktemp dir under /tmp; /dev/shm/... is ~2x faster), FU_OWNER_PID (see lib.sh),
#      MAIL_LISTEN (127.0.0.1; an IPv4 address, 0.0.0.0 = every interface: the address SMTP and IMAP listen on. Any
#      other value than 127.0.0.1 also lets 10.0.0.0/8, 172.16.0.0/12 and 192.168.0.0/16 relay without AUTH, for a
#      container on a Docker network; LMTP always stays on 127.0.0.1),
#      MAIL_FOREGROUND (0; 1 = after start-up stay in the foreground watching both daemons, e.g. as a container's
#      main process: exit 1 when either daemon dies (stopping the other), stop both on SIGTERM/SIGINT and exit 0;
#      follows the logs on stdout; MAILROOT is left in place for mail-down.sh or a restart to clean up).
#
# What the stack does:
#   * IMAP login: any address (case-insensitive, lower-cased), password $MAIL_PASS. Mailbox of a@d is
#     $MAILROOT/mail/d/a/Maildir. IDLE, MOVE, UIDPLUS, CONDSTORE, SPECIAL-USE; Sent/Drafts/Trash/Archive auto-created.
#   * Plus addressing: a+tok@d is delivered to a@d (Delivered-To: a+tok@d and To: keep the token).
#   * *@reject.test: 550 5.1.1 at RCPT TO.  *@bounce.test: 250, then a DSN (5.1.1) to the envelope sender.
#     *@defer.test: 250, a "delayed" DSN after ~1 s, a final bounce (4.4.1) after ~10 s.
#   * SMTP AUTH (PLAIN/LOGIN, any address + $MAIL_PASS) is offered but never required from 127.0.0.0/8.
# Logs: $MAILROOT/postfix.log, $MAILROOT/dovecot.log, $MAILROOT/start.log. Queue: postqueue -c $MAILROOT/postfix -p
# On failure the logs are printed to stderr, whatever started is stopped and the dir removed.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/lib.sh
source "$HERE/lib.sh"

SMTP_PORT=${SMTP_PORT:-2525}; IMAP_PORT=${IMAP_PORT:-1143}; LMTP_PORT=${LMTP_PORT:-2424}
MAIL_PASS=${MAIL_PASS:-secret}; MAIL_TLS=${MAIL_TLS:-0}
MAIL_LISTEN=${MAIL_LISTEN:-127.0.0.1}; MAIL_FOREGROUND=${MAIL_FOREGROUND:-0}

if [ ! -x /usr/sbin/dovecot ] || [ ! -x /usr/lib/postfix/sbin/master ] || [ ! -x /usr/lib/dovecot/lmtp ]; then
  fu_die "Postfix/Dovecot are not installed; run: bash scripts/install-servers.sh"
fi
[ "$(id -u)" = 0 ] || fu_die "mail-up.sh must run as root (Postfix and Dovecot masters start as root)"
[[ $MAIL_PASS =~ ^[A-Za-z0-9._@%+=-]+$ ]] || fu_die "MAIL_PASS must be non-empty and use only A-Z a-z 0-9 . _ @ % + = -"
[[ $MAIL_LISTEN =~ ^[0-9]{1,3}(\.[0-9]{1,3}){3}$ ]] || fu_die "MAIL_LISTEN must be an IPv4 address (127.0.0.1, 0.0.0.0, ...)"
# Postfix: where smtpd listens (master.cf service name), inet_interfaces, who may relay without AUTH.
if [ "$MAIL_LISTEN" = 127.0.0.1 ]; then
  SMTPD_LISTEN=127.0.0.1:$SMTP_PORT; POSTFIX_INTERFACES=127.0.0.1; POSTFIX_NETWORKS=127.0.0.0/8
else
  if [ "$MAIL_LISTEN" = 0.0.0.0 ]; then
    SMTPD_LISTEN=$SMTP_PORT; POSTFIX_INTERFACES=all
  else
    SMTPD_LISTEN=$MAIL_LISTEN:$SMTP_PORT; POSTFIX_INTERFACES="127.0.0.1, $MAIL_LISTEN"
  fi
  POSTFIX_NETWORKS="127.0.0.0/8, 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16"
fi
fu_require_free_ports "$SMTP_PORT" "$IMAP_PORT" "$LMTP_PORT"

if [ -n "${MAILROOT:-}" ]; then
  mkdir -p "$MAILROOT"
  [ -z "$(ls -A "$MAILROOT")" ] || fu_die "MAILROOT=$MAILROOT is not empty"
  MAILROOT=$(cd "$MAILROOT" && pwd)
else
  MAILROOT=$(mktemp -d /tmp/followup-mail.XXXXXX)
fi
fu_write_marker "$MAILROOT" mail "$SMTP_PORT" "$IMAP_PORT" "$LMTP_PORT"

on_error() {
  local rc=$? f p
  echo "ERROR: mail-up.sh failed (exit $rc); mail stack logs follow" >&2
  for f in "$MAILROOT/start.log" "$MAILROOT/dovecot.log" "$MAILROOT/postfix.log"; do
    [ -s "$f" ] && { echo "----- $f -----" >&2; tail -n 50 "$f" >&2; }
  done
  for f in "$MAILROOT/postfix-queue/pid/master.pid" "$MAILROOT/dovecot/run/master.pid"; do
    if [ -f "$f" ]; then p=$(tr -d ' ' <"$f"); [ -n "$p" ] && fu_kill_wait "$p"; fi
  done
  rm -rf "$MAILROOT"
  exit "$rc"
}
trap on_error ERR

chmod 755 "$MAILROOT"
mkdir -p "$MAILROOT"/{dovecot,mail,postfix,postfix-queue,tls}   # postfix/ = config only
chown mail:mail "$MAILROOT/mail"      # Debian's built-in 'mail' user (uid 8) owns every mailbox
: >"$MAILROOT/start.log"

if [ "$MAIL_TLS" = 1 ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 7 -subj /CN=localhost \
    -addext subjectAltName=DNS:localhost,IP:127.0.0.1 \
    -keyout "$MAILROOT/tls/key.pem" -out "$MAILROOT/tls/cert.pem" >>"$MAILROOT/start.log" 2>&1
  chmod 600 "$MAILROOT/tls/key.pem"
  DOVECOT_SSL="ssl = yes
ssl_cert = <$MAILROOT/tls/cert.pem
ssl_key = <$MAILROOT/tls/key.pem"
  POSTFIX_TLS="smtpd_tls_security_level = may
smtpd_tls_cert_file = $MAILROOT/tls/cert.pem
smtpd_tls_key_file = $MAILROOT/tls/key.pem"
else
  DOVECOT_SSL="ssl = no"
  POSTFIX_TLS="smtpd_tls_security_level = none"
fi

# ---------------------------------------------------------------- Dovecot (IMAP + LMTP)
# One setting per line: Dovecot rejects "mailbox X { special_use = \X }" on one line.
cat >"$MAILROOT/dovecot/dovecot.conf" <<EOF
protocols = imap lmtp
listen = $MAIL_LISTEN
base_dir = $MAILROOT/dovecot/run
state_dir = $MAILROOT/dovecot/state
instance_name = followup-$IMAP_PORT
log_path = $MAILROOT/dovecot.log
$DOVECOT_SSL
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
auth_username_format = %Lu
passdb {
  driver = static
  args = password=$MAIL_PASS
}
userdb {
  driver = static
  args = uid=mail gid=mail home=$MAILROOT/mail/%d/%n allow_all_users=yes
}
first_valid_uid = 8
first_valid_gid = 8
mail_location = maildir:~/Maildir
mail_fsync = never
mail_max_userip_connections = 500
recipient_delimiter = +
lmtp_save_to_detail_mailbox = no
namespace inbox {
  inbox = yes
  separator = /
  mailbox Drafts {
    special_use = \\Drafts
    auto = subscribe
  }
  mailbox Sent {
    special_use = \\Sent
    auto = subscribe
  }
  mailbox Trash {
    special_use = \\Trash
    auto = subscribe
  }
  mailbox Archive {
    special_use = \\Archive
    auto = subscribe
  }
}
service imap-login {
  inet_listener imap {
    address = $MAIL_LISTEN
    port = $IMAP_PORT
  }
  inet_listener imaps {
    port = 0
  }
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = $LMTP_PORT
  }
}
service auth {
  unix_listener auth-client {
    mode = 0666
  }
}
protocol lmtp {
  postmaster_address = postmaster@mail.test
}
EOF

# ---------------------------------------------------------------- Postfix (SMTP)
# main.cf allows NO trailing "# comments" on a setting line (smtpd dies with "bad boolean" and the port just
# refuses to work): comments only on their own lines.
cat >"$MAILROOT/postfix/main.cf" <<EOF
compatibility_level = 3.6
myhostname = mail.test
mydomain = mail.test
myorigin = \$myhostname
mydestination =
inet_interfaces = $POSTFIX_INTERFACES
inet_protocols = ipv4
mynetworks = $POSTFIX_NETWORKS
queue_directory = $MAILROOT/postfix-queue
data_directory = $MAILROOT/postfix-data
maillog_file = $MAILROOT/postfix.log
maillog_file_prefixes = $MAILROOT
# catch-all: every recipient of every domain goes to Dovecot over LMTP
default_transport = lmtp:inet:127.0.0.1:$LMTP_PORT
relay_transport = lmtp:inet:127.0.0.1:$LMTP_PORT
smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject
# test domains with scripted failures (see rcpt_access / transport)
smtpd_recipient_restrictions = check_recipient_access texthash:$MAILROOT/postfix/rcpt_access
transport_maps = texthash:$MAILROOT/postfix/transport
# else smtpd rejects error:-transport domains at RCPT time instead of bouncing them
smtpd_reject_unlisted_recipient = no
delay_warning_time = 1s
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 2s
maximal_queue_lifetime = 10s
bounce_queue_lifetime = 10s
recipient_delimiter = +
# optional SMTP AUTH (PLAIN/LOGIN, any address + the static password), checked by Dovecot
smtpd_sasl_auth_enable = yes
smtpd_sasl_type = dovecot
smtpd_sasl_path = $MAILROOT/dovecot/run/auth-client
smtpd_tls_auth_only = no
$POSTFIX_TLS
message_size_limit = 52428800
smtpd_client_connection_count_limit = 0
smtpd_client_message_rate_limit = 0
smtpd_client_recipient_rate_limit = 0
smtpd_client_connection_rate_limit = 0
smtpd_error_sleep_time = 0
smtpd_soft_error_limit = 1000
smtpd_hard_error_limit = 1000
smtpd_recipient_limit = 10000
default_process_limit = 200
biff = no
append_dot_mydomain = no
# no local delivery at all: never look at /etc/aliases (smtpd logs "open database /etc/aliases.db" otherwise)
alias_maps =
alias_database =
local_recipient_maps =
EOF

# anything@reject.test -> 550 at RCPT TO (the client sees the error synchronously)
printf 'reject.test 550 5.1.1 No such user (test domain reject.test)\n' >"$MAILROOT/postfix/rcpt_access"
# anything@bounce.test -> 250, then an RFC 3464 DSN (multipart/report, 5.1.1) to the envelope sender's mailbox
# anything@defer.test  -> 250, deferred (4.4.1): "delayed" DSN after ~1-2 s, final bounce after ~10 s
printf '%s\n' 'bounce.test error:5.1.1 User unknown (test domain bounce.test)' \
  'defer.test retry:4.4.1 Simulated temporary failure (test domain defer.test)' >"$MAILROOT/postfix/transport"

cat >"$MAILROOT/postfix/master.cf" <<EOF
$SMTPD_LISTEN inet n - n - - smtpd
cleanup   unix  n  -  n  -     0  cleanup
qmgr      unix  n  -  n  300   1  qmgr
tlsmgr    unix  -  -  n  1000? 1  tlsmgr
rewrite   unix  -  -  n  -     -  trivial-rewrite
bounce    unix  -  -  n  -     0  bounce
defer     unix  -  -  n  -     0  bounce
trace     unix  -  -  n  -     0  bounce
verify    unix  -  -  n  -     1  verify
flush     unix  n  -  n  1000? 0  flush
proxymap  unix  -  -  n  -     -  proxymap
proxywrite unix -  -  n  -     1  proxymap
smtp      unix  -  -  n  -     -  smtp
relay     unix  -  -  n  -     -  smtp
showq     unix  n  -  n  -     -  showq
error     unix  -  -  n  -     -  error
retry     unix  -  -  n  -     -  error
discard   unix  -  -  n  -     -  discard
lmtp      unix  -  -  n  -     -  lmtp
anvil     unix  -  -  n  -     1  anvil
scache    unix  -  -  n  -     1  scache
postlog   unix-dgram n - n -   1  postlogd
EOF

# Postfix re-reads a config or texthash file in 300 ms steps until its mtime is safely in the past (it guards
# against reading a file that is still being edited): with files written just now that costs ~2 s at start-up.
touch -d '1 minute ago' "$MAILROOT"/postfix/{main.cf,master.cf,rcpt_access,transport}

# ---------------------------------------------------------------- start
# stdio redirected: both daemons otherwise keep the caller's stdout/stderr open, and a $(mail-up.sh) or a
# "| tee" would hang for ever.
/usr/sbin/dovecot -c "$MAILROOT/dovecot/dovecot.conf" </dev/null >>"$MAILROOT/start.log" 2>&1

if [ "${POSTFIX_SLOW_START:-0}" = 1 ]; then
  # The documented way, with postfix-script's integrity checks and "post-install create-missing" (~0.5 s more).
  /usr/sbin/postfix -c "$MAILROOT/postfix" start </dev/null >>"$MAILROOT/start.log" 2>&1
else
  # Fast start: create the queue directories exactly as postfix-files specifies (what create-missing would
  # do), then run the master daemon directly; -w waits until it has initialised (or failed).
  q=$MAILROOT/postfix-queue
  for d in active bounce corrupt defer deferred flush hold incoming private saved trace; do
    install -d -o postfix -g root -m 700 "$q/$d"
  done
  install -d -o postfix -g postdrop -m 730 "$q/maildrop"
  install -d -o postfix -g postdrop -m 710 "$q/public"
  install -d -o root -g root -m 755 "$q/pid"
  install -d -o postfix -g root -m 700 "$MAILROOT/postfix-data"
  MAIL_CONFIG=$MAILROOT/postfix /usr/lib/postfix/sbin/master -c "$MAILROOT/postfix" -w \
    </dev/null >>"$MAILROOT/start.log" 2>&1
fi

for port in "$SMTP_PORT" "$IMAP_PORT" "$LMTP_PORT"; do
  fu_wait_port_listen "$port" 100 || { echo "port $port is not listening after 10 s" >>"$MAILROOT/start.log"; false; }
done
trap - ERR

echo "MAILROOT=$MAILROOT"
echo "SMTP_PORT=$SMTP_PORT"
echo "IMAP_PORT=$IMAP_PORT"
echo "LMTP_PORT=$LMTP_PORT"
if [ "$MAIL_TLS" = 1 ]; then
  echo "MAIL_CERT=$MAILROOT/tls/cert.pem"
  echo "MAIL_CERT_SHA1=$(openssl x509 -in "$MAILROOT/tls/cert.pem" -noout -fingerprint -sha1 | sed 's/.*=//; s/://g')"
fi

[ "$MAIL_FOREGROUND" = 1 ] || exit 0

# ---------------------------------------------------------------- foreground (MAIL_FOREGROUND=1)
# Both masters detach (setsid), so they are not our children: watch their PIDs. The sleep runs in the background
# and "wait" returns at once on a signal, so SIGTERM is handled within a few ms, not after the sleep.
daemon_pids=()
for f in "$MAILROOT/postfix-queue/pid/master.pid" "$MAILROOT/dovecot/run/master.pid"; do
  p=$(tr -d ' \n' <"$f")
  daemon_pids+=("$p")
done
tail -n +1 -F "$MAILROOT/postfix.log" "$MAILROOT/dovecot.log" 2>/dev/null &
tail_pid=$!
sleep_pid=
stop_daemons() {
  local c children=()
  for p in "${daemon_pids[@]}"; do
    while read -r c; do [ -n "$c" ] && children+=("$c"); done < <(pgrep -P "$p" 2>/dev/null || true)
  done
  fu_kill_wait "${daemon_pids[@]}"
  fu_kill_wait "${children[@]}"
  kill "$tail_pid" $sleep_pid 2>/dev/null || true
}
on_stop() { echo "mail-up.sh: $1, stopping Postfix and Dovecot" >&2; stop_daemons; exit 0; }
trap 'on_stop SIGTERM' TERM
trap 'on_stop SIGINT' INT
echo "mail-up.sh: in the foreground (pid $$): Postfix ${daemon_pids[0]}, Dovecot ${daemon_pids[1]}" >&2
while :; do
  for p in "${daemon_pids[@]}"; do
    if ! fu_pid_alive "$p"; then
      echo "mail-up.sh: daemon $p exited; stopping the other one" >&2
      stop_daemons
      exit 1
    fi
  done
  sleep 1 &
  sleep_pid=$!
  wait "$sleep_pid" || true
done
