#!/usr/bin/env bash
# A private, throw-away PostgreSQL cluster for the JourneyKit.Storage.PostgreSql tests.
#
#   eval "$(bash eng/postgres.sh start)"               # exports JOURNEYKIT_POSTGRES (a connection string) and
#                                                       # JOURNEYKIT_POSTGRES_DIR (the cluster's directory)
#   bash eng/postgres.sh stop "$JOURNEYKIT_POSTGRES_DIR" # stops that cluster and deletes its directory
#
# The cluster lives in a new temporary directory, listens on 127.0.0.1 only, on a free port, with its unix socket inside
# that directory and trust authentication (nothing but this machine can reach it). PostgreSQL refuses to run as root,
# so under root the cluster runs as the system user "jkpg" (created when missing). The server binaries are Debian's
# (/usr/lib/postgresql/<version>/bin; eng/test.sh installs the "postgresql" package when they are missing).
set -euo pipefail

bindir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$dir" ] || [ ! -x "$dir/initdb" ] || [ ! -x "$dir/pg_ctl" ]; then
    echo "eng/postgres.sh: no PostgreSQL server binaries under /usr/lib/postgresql/*/bin (apt-get install postgresql)" >&2
    return 1
  fi
  echo "$dir"
}

# Runs a command as the cluster's owner: jkpg under root, else the current user.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    if command -v runuser >/dev/null 2>&1; then
      runuser -u jkpg -- "$@"
    else
      su -s /bin/sh jkpg -c "$(printf '%q ' "$@")"
    fi
  else
    "$@"
  fi
}

port_in_use() {
  # A connection that succeeds means something listens there.
  (exec 3<>"/dev/tcp/127.0.0.1/$1") >/dev/null 2>&1
}

start() {
  local bin dir port attempt
  bin=$(bindir)
  if [ "$(id -u)" -eq 0 ] && ! id -u jkpg >/dev/null 2>&1; then
    useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin jkpg
  fi
  dir=$(mktemp -d "${TMPDIR:-/tmp}/journeykit-pg.XXXXXX")
  chmod 700 "$dir"
  [ "$(id -u)" -eq 0 ] && chown jkpg "$dir"
  # initdb: no fsync of the fresh files (a throw-away cluster); the server itself keeps fsync on.
  (cd "$dir" && as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1) \
    || (cd "$dir" && as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --no-locale --no-sync >"$dir/initdb.log" 2>&1) \
    || { cat "$dir/initdb.log" >&2; rm -rf "$dir"; echo "eng/postgres.sh: initdb failed" >&2; return 1; }
  for attempt in 1 2 3 4 5 6 7 8; do
    port=$((20000 + (RANDOM % 40000)))
    port_in_use "$port" && continue
    if (cd "$dir" && as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
          -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=128MB" start >/dev/null 2>&1); then
      echo "export JOURNEYKIT_POSTGRES='Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres'"
      echo "export JOURNEYKIT_POSTGRES_DIR='$dir'"
      return 0
    fi
  done
  tail -n 20 "$dir/server.log" >&2 || true
  rm -rf "$dir"
  echo "eng/postgres.sh: the server did not start" >&2
  return 1
}

stop() {
  local dir="$1" bin
  [ -n "$dir" ] && [ -d "$dir" ] || return 0
  bin=$(bindir) || true
  if [ -n "${bin:-}" ] && [ -f "$dir/data/postmaster.pid" ]; then
    (cd "$dir" && as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null 2>&1) || true
  fi
  rm -rf "$dir"
}

case "${1:-}" in
  start) start ;;
  stop) stop "${2:-}" ;;
  *) echo "usage: bash eng/postgres.sh start | stop DIR" >&2; exit 2 ;;
esac
