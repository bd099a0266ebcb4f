#!/usr/bin/env bash
# A private ClickHouse server for the peer benchmark: Debian's clickhouse-server/clickhouse-client (18.16 on Debian 12),
# a temporary directory, 127.0.0.1 on a free port, started by hand (no service manager).
#   bash clickhouse.sh install        # apt-get install clickhouse-server clickhouse-client (root or sudo)
#   eval "$(bash clickhouse.sh start)" # exports CLICKHOUSE_PORT and CLICKHOUSE_DIR
#   bash clickhouse.sh stop "$CLICKHOUSE_DIR"
set -euo pipefail

cmd=${1:-}
case "$cmd" in
install)
  if command -v clickhouse-server >/dev/null 2>&1 || [ -x /usr/sbin/clickhouse-server ]; then exit 0; fi
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq clickhouse-server clickhouse-client >/dev/null
  ;;
start)
  server=$(command -v clickhouse-server || echo /usr/sbin/clickhouse-server)
  dir=$(mktemp -d /tmp/jk-clickhouse.XXXXXX)
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  http=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  mkdir -p "$dir/data" "$dir/tmp" "$dir/user_files" "$dir/format_schemas" "$dir/log"
  cat > "$dir/config.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>$dir/log/server.log</log><errorlog>$dir/log/server.err.log</errorlog><console>0</console></logger>
  <http_port>$http</http_port>
  <tcp_port>$port</tcp_port>
  <listen_host>127.0.0.1</listen_host>
  <max_concurrent_queries>10</max_concurrent_queries>
  <mark_cache_size>536870912</mark_cache_size>
  <path>$dir/data/</path>
  <tmp_path>$dir/tmp/</tmp_path>
  <user_files_path>$dir/user_files/</user_files_path>
  <format_schema_path>$dir/format_schemas/</format_schema_path>
  <users_config>$dir/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
</yandex>
XML
  cat > "$dir/users.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>8000000000</max_memory_usage><max_threads>2</max_threads></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
XML
  # Debian's 18.16 runs as whichever user starts it (root is accepted); --daemon detaches it, pid in the directory.
  "$server" --config-file="$dir/config.xml" --pid-file="$dir/server.pid" --daemon >/dev/null 2>&1
  for _ in $(seq 1 100); do
    if clickhouse-client --port "$port" --query "SELECT 1" >/dev/null 2>&1; then
      echo "export CLICKHOUSE_PORT=$port CLICKHOUSE_DIR=$dir"
      exit 0
    fi
    sleep 0.2
  done
  echo "clickhouse-server did not start; see $dir/log" >&2
  exit 1
  ;;
stop)
  dir=${2:?usage: clickhouse.sh stop DIR}
  case "$dir" in /tmp/jk-clickhouse.*) ;; *) echo "not a peer directory: $dir" >&2; exit 2;; esac
  if [ -f "$dir/server.pid" ]; then
    pid=$(cat "$dir/server.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  fi
  rm -rf "$dir"
  ;;
*)
  echo "usage: clickhouse.sh install|start|stop DIR" >&2; exit 2 ;;
esac
