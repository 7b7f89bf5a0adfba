# shellcheck shell=bash
# Shared helpers for the FollowUp server scripts (sourced, not run):
#   source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# Port checks read /proc/net/tcp{,6} (no connection is made, no ss/lsof needed), so they also see listeners on
# 0.0.0.0 that would make a bind to 127.0.0.1 fail. Every throw-away server root holds a marker file
# ($ROOT/.followup-server: kind, ports, owner pid) so that a stale instance found on a port can be recognised as
# ours and stopped, while anything else on the port is reported and left alone.

FU_MARKER=.followup-server

fu_die() { echo "ERROR: $*" >&2; exit 1; }
fu_log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

# Seconds since the epoch with microseconds, for timings (bash 5 builtin: no fork).
fu_now() { echo "$EPOCHREALTIME"; }
# fu_elapsed START -> "1.23"
fu_elapsed() { awk -v s="$1" -v e="$EPOCHREALTIME" 'BEGIN { printf "%.2f", e - s }'; }

# Socket inodes of TCP listeners (state 0A) on PORT, any local address, IPv4 and IPv6.
fu_listen_inodes() {
  local hex
  printf -v hex '%04X' "$1"
  awk -v p=":$hex" '$4 == "0A" && substr($2, length($2) - 4) == p { print $10 }' /proc/net/tcp /proc/net/tcp6 2>/dev/null || true
}

# True when something listens on PORT.
fu_port_busy() { [ -n "$(fu_listen_inodes "$1")" ]; }

# PIDs of processes holding a listening socket on PORT (all of them: masters and children).
fu_port_pids() {
  local inodes args=() i
  inodes=$(fu_listen_inodes "$1")
  [ -n "$inodes" ] || return 0
  for i in $inodes; do args+=(-o -lname "socket:\\[$i\\]"); done
  find /proc/[0-9]*/fd -mindepth 1 -maxdepth 1 \( "${args[@]:1}" \) 2>/dev/null | cut -d/ -f3 | sort -un
}

# One line per listener on PORT: "pid 123 (postgres) cwd /tmp/..."
fu_describe_port() {
  local pid
  for pid in $(fu_port_pids "$1"); do
    echo "pid $pid ($(cat "/proc/$pid/comm" 2>/dev/null)) cwd $(readlink "/proc/$pid/cwd" 2>/dev/null)"
  done
}

# Wait until nothing listens on PORT; fu_wait_port_free PORT [TENTHS_OF_SECONDS=100]
fu_wait_port_free() {
  local i
  for ((i = 0; i < ${2:-100}; i++)); do fu_port_busy "$1" || return 0; sleep 0.1; done
  return 1
}

# Wait until something listens on PORT; fu_wait_port_listen PORT [TENTHS_OF_SECONDS=100]
fu_wait_port_listen() {
  local i
  for ((i = 0; i < ${2:-100}; i++)); do fu_port_busy "$1" && return 0; sleep 0.1; done
  return 1
}

# Fail with a clear message when any of the PORTS is taken.
fu_require_free_ports() {
  local port
  for port in "$@"; do
    if fu_port_busy "$port"; then
      echo "ERROR: port $port on this machine is already in use:" >&2
      fu_describe_port "$port" | sed 's/^/  /' >&2
      echo "  (a stale FollowUp instance can be stopped with: bash $(dirname "${BASH_SOURCE[0]}")/servers-down.sh --ports $port)" >&2
      exit 1
    fi
  done
}

# Write the marker of a server root: fu_write_marker ROOT KIND PORT...
fu_write_marker() {
  local root=$1 kind=$2; shift 2
  printf 'kind=%s\nports=%s\nowner=%s\ncreated=%s\n' "$kind" "$*" "${FU_OWNER_PID:-}" "$(date -Is)" >"$root/$FU_MARKER"
}

# fu_marker_get ROOT KEY -> value (empty if none)
# Nothing (not a failure) when the marker is gone, e.g. a root half-deleted by an interrupted stop.
fu_marker_get() { { sed -n "s/^$2=//p" "$1/$FU_MARKER" 2>/dev/null || true; } | head -n 1; }

# The FollowUp server root a PID runs in (from its working directory), or nothing.
# Prints "ROOT" if the root still exists, "gone:ROOT" if the directory was deleted under a live process.
fu_pid_root() {
  local cwd dir
  cwd=$(readlink "/proc/$1/cwd" 2>/dev/null) || return 0
  if [[ $cwd == *" (deleted)" ]]; then
    cwd=${cwd% (deleted)}
    if [[ $cwd =~ ^(.*/followup-(pg|mail)\.[A-Za-z0-9]+)(/|$) ]]; then echo "gone:${BASH_REMATCH[1]}"; fi
    return 0
  fi
  dir=$cwd
  while [ -n "$dir" ] && [ "$dir" != / ]; do
    if [ -f "$dir/$FU_MARKER" ]; then echo "$dir"; return 0; fi
    dir=$(dirname "$dir")
  done
}

# True when PID runs. A zombie counts as gone: daemons are re-parented to PID 1 and some init processes
# (e.g. a container's or micro-VM's) reap them only every second or two, while kill -0 still succeeds.
fu_pid_alive() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [ "${stat%% *}" != Z ]
}

# fu_signal SIG PID: signal PID; when PID leads its own process group (a daemon master after setsid), signal the
# whole group at once. Dovecot's master takes ~1.1 s to exit when only it gets SIGTERM, 0.02 s with its children.
fu_signal() {
  local pgid
  pgid=$(ps -o pgid= -p "$2" 2>/dev/null | tr -d ' ') || true
  if [ "$pgid" = "$2" ]; then kill "-$1" -- "-$2" 2>/dev/null || true; else kill "-$1" "$2" 2>/dev/null || true; fi
}

# fu_kill_wait PID... : SIGTERM (to the process group where PID leads one), wait up to 10 s for them to exit,
# then SIGKILL whatever is left.
fu_kill_wait() {
  local p i alive
  [ $# -gt 0 ] || return 0
  for p in "$@"; do if fu_pid_alive "$p"; then fu_signal TERM "$p"; fi; done
  for ((i = 0; i < 200; i++)); do
    alive=0
    for p in "$@"; do if fu_pid_alive "$p"; then alive=1; fi; done
    [ $alive = 0 ] && return 0
    sleep 0.05
  done
  for p in "$@"; do if fu_pid_alive "$p"; then fu_signal KILL "$p"; fi; done
  return 0
}

# Fail when the server in ROOT belongs to a live process other than us (FU_OWNER_PID), unless FU_FORCE=1.
fu_check_owner() {
  local owner
  [ "${FU_FORCE:-0}" != 1 ] || return 0
  owner=$(fu_marker_get "$1" owner)
  if [ -n "$owner" ] && [ "$owner" != "$$" ] && [ "$owner" != "${FU_OWNER_PID:-}" ] && fu_pid_alive "$owner"; then
    fu_die "the FollowUp $(fu_marker_get "$1" kind) server in $1 (ports $(fu_marker_get "$1" ports)) belongs to a running process: pid $owner ($(tr '\0' ' ' <"/proc/$owner/cmdline" 2>/dev/null)). Wait for it to finish, or stop it with: bash $(dirname "${BASH_SOURCE[0]}")/servers-down.sh --ports $(fu_marker_get "$1" ports)"
  fi
}

# Stop the FollowUp throw-away servers (ours only, found by marker) that listen on any of the PORTS.
# A server whose owner process (the test.sh / run.sh that started it) is still alive is in use: fail clearly,
# unless FU_FORCE=1 (an explicit stop). Anything that is not ours: fail clearly, never kill it.
fu_reclaim_ports() {
  local here port pid root kind owner
  here=$(dirname "${BASH_SOURCE[0]}")
  for port in "$@"; do
    fu_port_busy "$port" || continue
    for pid in $(fu_port_pids "$port"); do
      root=$(fu_pid_root "$pid")
      if [ -z "$root" ]; then
        continue
      elif [[ $root == gone:* ]]; then
        fu_log "port $port: killing pid $pid of deleted FollowUp server dir ${root#gone:}"
        fu_kill_wait "$pid"
        continue
      fi
      kind=$(fu_marker_get "$root" kind)
      fu_check_owner "$root"
      fu_log "port $port: stopping stale FollowUp $kind server $root"
      case $kind in
        pg) bash "$here/pg-down.sh" "$root" ;;
        mail) bash "$here/mail-down.sh" "$root" ;;
        *) fu_die "unknown server kind '$kind' in $root/$FU_MARKER" ;;
      esac
    done
    if ! fu_wait_port_free "$port" 30; then
      echo "ERROR: port $port is still in use and it is not a FollowUp throw-away server:" >&2
      fu_describe_port "$port" | sed 's/^/  /' >&2
      exit 1
    fi
  done
}

# Ports of a profile: sets PGPORT SMTP_PORT IMAP_PORT LMTP_PORT (for the caller).
# shellcheck disable=SC2034
fu_profile_ports() {
  case $1 in
    test) PGPORT=55432 SMTP_PORT=2525 IMAP_PORT=1143 LMTP_PORT=2424 ;;
    run) PGPORT=55433 SMTP_PORT=2526 IMAP_PORT=1144 LMTP_PORT=2425 ;;
    *) fu_die "unknown profile '$1' (expected: test or run)" ;;
  esac
  # Overrides, for a second set of servers beside a running one (scripts/bench.sh on a shared machine).
  PGPORT=${FU_PGPORT:-$PGPORT} SMTP_PORT=${FU_SMTP_PORT:-$SMTP_PORT}
  IMAP_PORT=${FU_IMAP_PORT:-$IMAP_PORT} LMTP_PORT=${FU_LMTP_PORT:-$LMTP_PORT}
}

# fu_env_get ENVFILE KEY -> value (the files are written by servers-up.sh with printf %q; values are simple).
fu_env_get() { sed -n "s/^$2=//p" "$1" | tail -n 1; }
