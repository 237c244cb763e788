#!/usr/bin/env bash
# The archive's figures in BENCHMARKS.md (issue 15): 1,000 audit logs (about 1 GB, made from
# the fixture recordings by scripts/fake-scalingo.py) served by a local imitation of the
# Scalingo API on 127.0.0.1, then, on SQLite and on PostgreSQL:
#   - `auditty archive sync` timed (target: under a minute), and a second sync (nothing new);
#   - `auditty search` latency, whole command, median of 5 (targets: 50 ms SQLite, 100 ms PG);
#   - the index's size against the audit logs' (target: at most 0.5x).
# PostgreSQL: $AUDITTY_BENCH_PG (a server URL; a database is made on it), else a throwaway
# cluster started here as .ci/run starts one (skipped if there is no PostgreSQL).
# Usage: scripts/bench-archive.sh [WORKDIR] [SESSIONS] [MEGABYTES]   (default /tmp/auditty-bench-archive 1000 1000)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-/tmp/auditty-bench-archive}
sessions=${2:-1000}
megabytes=${3:-1000}
mkdir -p "$work"
cd "$here"
bin=${AUDITTY_BIN:-target/release/auditty}
[[ -x $bin ]] || cargo build --release --bin auditty -q
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"

data=$work/data-$sessions-$megabytes
[[ -s $data/sessions.json ]] || python3 scripts/fake-scalingo.py make "$data" "$sessions" "$megabytes"
logs_bytes=$(du -sb "$data/logs" | cut -f1)
echo "audit logs: $sessions, $((logs_bytes / 1000000)) MB"

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
api_port=$(free_port)
python3 scripts/fake-scalingo.py serve "$data" "$api_port" >"$work/api.log" 2>&1 &
api_pid=$!
pg_stop=:
cleanup() { kill "$api_pid" 2>/dev/null || true; $pg_stop; }
trap cleanup EXIT
for _ in $(seq 50); do grep -q serving "$work/api.log" 2>/dev/null && break; sleep 0.1; done
export SCALINGO_API_TOKEN=tk-bench SCALINGO_AUTH_URL=http://127.0.0.1:$api_port SCALINGO_API_URL=http://127.0.0.1:$api_port
unset SCALINGO_REGION AUDITTY_DB AUDITTY_ARCHIVE

t() { /usr/bin/time -f "$1: wall %e s, cpu %U+%S s, peak %M KB" "${@:2}"; }
# the median wall time of 5 runs of a command, in milliseconds
median_ms() {
  local i s e
  for i in 1 2 3 4 5; do
    s=$EPOCHREALTIME
    "$@" >/dev/null
    e=$EPOCHREALTIME
    echo "$s $e" | awk '{printf "%.1f\n", ($2 - $1) * 1000}'
  done | sort -n | sed -n 3p
}
queries=('"drop table"' 'DROP*' 'SECRET_KEY' 'rm -rf' 'hello' 'lorem ipsum' 'nothing-like-this')
searches() {
  local q n
  for q in "${queries[@]}"; do
    n=$("$bin" search "$q" "$@" --json | wc -l)
    printf '  search %-20s %3d hits  %s ms\n' "$q" "$n" "$(median_ms "$bin" search "$q" "$@")"
  done
  n=$("$bin" search "SECRET_KEY" --in output --user bob@acme.io "$@" --json | wc -l)
  printf '  search %-20s %3d hits  %s ms\n' "SECRET_KEY --in output --user bob@acme.io" "$n" \
    "$(median_ms "$bin" search SECRET_KEY --in output --user bob@acme.io "$@")"
  printf '  archive ls --json  %s ms\n' "$(median_ms "$bin" archive ls --json "$@")"
}
sync_twice() {
  : >"$data/downloads.log"
  t "archive sync ($1)" "$bin" archive sync --app bench-app "${@:2}"
  echo "  downloads: $(wc -l <"$data/downloads.log")"
  t "archive sync again ($1)" "$bin" archive sync --app bench-app "${@:2}"
  echo "  downloads: $(wc -l <"$data/downloads.log") in all"
}

echo "== SQLite"
arch=$work/sqlite
rm -rf "$arch"
sync_twice SQLite --archive "$arch"
searches --archive "$arch"
db_bytes=$(du -cb "$arch"/archive.db* | tail -1 | cut -f1)
objects_bytes=$(du -sb "$arch/objects" | cut -f1)
echo "  index (archive.db): $((db_bytes / 1000000)) MB, files (objects/): $((objects_bytes / 1000000)) MB," \
  "index / logs: $(awk -v a="$db_bytes" -v b="$logs_bytes" 'BEGIN {printf "%.2f", a / b}')"

echo "== PostgreSQL"
server=${AUDITTY_BENCH_PG:-}
if [[ -z $server ]]; then
  pg=$(for d in /usr/lib/postgresql/*/bin; do [[ -x $d/pg_ctl ]] && echo "$d"; done | sort -V | tail -1)
  if [[ -z $pg ]]; then
    echo "no PostgreSQL here (apt-get install postgresql, or set AUDITTY_BENCH_PG): skipped"
    exit 0
  fi
  pg_dir=$(mktemp -d /tmp/auditty-bench-pg.XXXXXX)
  run_pg=()
  if ((EUID == 0)); then chown postgres "$pg_dir"; run_pg=(runuser -u postgres --); fi
  "${run_pg[@]}" "$pg/initdb" -D "$pg_dir/data" -U auditty --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  port=$(free_port)
  "${run_pg[@]}" "$pg/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w -o "-c listen_addresses=127.0.0.1 -p $port -k $pg_dir" start >/dev/null
  pg_stop() { "${run_pg[@]}" "$pg/pg_ctl" -D "$pg_dir/data" -m fast -w stop >/dev/null; rm -rf "$pg_dir"; }
  pg_stop=pg_stop
  server=postgres://auditty@127.0.0.1:$port/postgres
fi
echo "server: $(psql "$server" -Atc 'SHOW server_version') (default settings, fsync on)"
psql "$server" -qc "DROP DATABASE IF EXISTS auditty_bench" -c "CREATE DATABASE auditty_bench"
db=${server%/*}/auditty_bench
sync_twice PostgreSQL --db "$db"
searches --db "$db"
psql "$db" -qc "VACUUM ANALYZE"
psql "$db" -At -F ' ' -c "SELECT pg_total_relation_size('sessions') + pg_total_relation_size('content'),
  pg_total_relation_size('objects'), pg_database_size(current_database()) FROM sessions LIMIT 1" |
  while read -r index files all; do
    echo "  index (sessions + content): $((index / 1000000)) MB, files (objects, TOAST-compressed):" \
      "$((files / 1000000)) MB, database: $((all / 1000000)) MB, index / logs:" \
      "$(awk -v a="$index" -v b="$logs_bytes" 'BEGIN {printf "%.2f", a / b}')"
  done
