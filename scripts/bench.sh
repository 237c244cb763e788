#!/usr/bin/env bash
# Every figure in BENCHMARKS.md: builds once (release), makes a 120 MB audit log from the
# fixture recordings, then measures auditty and asciinema (if installed) on it.
# Usage: scripts/bench.sh [WORKDIR]   (default /tmp/auditty-bench)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-/tmp/auditty-bench}
mkdir -p "$work"
cd "$here"
cargo build --release --bins --examples --benches -q
bin=target/release/auditty
log=$work/big.json
[ -s "$log" ] || target/release/examples/make_big_log "$log" 120
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
t() { /usr/bin/time -f "$1: wall %e s, cpu %U+%S s, peak %M KB" "${@:2}"; }
# like t, and keeps wall and user+sys CPU seconds in $work/time.$1 for the ratio below
tk() { /usr/bin/time -o "$work/time.$1" -f "%e %U %S" "${@:2}" &&
  awk -v n="$1" '{printf "%s: wall %.2f s, cpu %.2f s\n", n, $1, $2+$3}' "$work/time.$1" >&2; }
echo "== engine benchmark (132x43)"
cargo bench -q --bench engine -- "$log" 132 43
echo "== whole commands"
t "auditty info" $bin info "$log" > /dev/null
t "auditty screen --at end (132x43 given)" $bin screen "$log" --at end --cols 132 --rows 43 > /dev/null
t "auditty screen --at end (geometry inferred)" $bin screen "$log" --at end > /dev/null
tk screen-given $bin screen "$log" --at end --cols 132 --rows 43 > /dev/null
# two threads: on a quiet machine the wall time is about the longer thread's CPU time
if command -v perf > /dev/null; then
  perf record -q -e cpu-clock -F 999 -o "$work/perf.data" $bin screen "$log" --at end --cols 132 --rows 43 > /dev/null 2>&1 &&
    echo "CPU share by thread (screen --at end, 132x43): $(perf report -i "$work/perf.data" --sort comm --stdio 2>/dev/null | grep '%' | tr -s ' ' | paste -sd,)"
fi
[ -s "$log.gz" ] || gzip -1 -k -c "$log" > "$log.gz"
t "auditty screen --at end, gzipped log (132x43 given)" $bin screen "$log.gz" --at end --cols 132 --rows 43 > /dev/null
# a 2 GiB gzip bomb of zeros (2048 gzip members of 1 MiB each, 2 MB on disk): refused early
[ -s "$work/bomb.gz" ] || { head -c 1048576 /dev/zero | gzip -9 > "$work/member.gz"
  for _ in $(seq 2048); do cat "$work/member.gz"; done > "$work/bomb.gz"; }
t "auditty info on a 2 GiB gzip bomb (refused)" $bin info "$work/bomb.gz" 2> /dev/null || true
t "auditty export asciicast-v2" $bin export "$log" -o "$work/big.cast" --cols 132 --rows 43
t "auditty export txt" $bin export "$log" -o "$work/big-auditty.txt" --cols 132 --rows 43
if command -v asciinema > /dev/null; then
  echo "== the peer: asciinema $(asciinema --version | cut -d' ' -f2) on the same session as asciicast v2"
  t "asciinema convert -f txt" asciinema convert -f txt "$work/big.cast" "$work/big-asciinema.txt" --overwrite
  tk asciinema asciinema convert -f txt "$work/big.cast" "$work/big-asciinema.txt" --overwrite
  # the target is on wall time (auditty uses two cores at once, asciinema one): on a busy
  # machine, run it a few times
  paste "$work/time.screen-given" "$work/time.asciinema" | awk '{printf "ratio, screen --at end (132x43) / asciinema convert: wall %.2fx, cpu %.2fx\n", $1 / $4, ($2 + $3) / ($5 + $6)}'
  # asciinema's txt is what its terminal holds at the end (the screen and the scrollback it
  # kept), auditty's the whole session's text: compare asciinema's lines with auditty's last
  if cmp -s "$work/big-asciinema.txt" "$work/big-auditty.txt"; then echo "txt outputs identical"; else
    n=$(wc -l < "$work/big-asciinema.txt")
    echo "txt outputs: asciinema's is the last $n lines its terminal kept, auditty's the whole" \
      "session ($(wc -l < "$work/big-auditty.txt") lines); of auditty's last $n lines," \
      "$(tail -n "$n" "$work/big-auditty.txt" | diff - "$work/big-asciinema.txt" | grep -c '^<' || true)" \
      "differ (long lines: asciinema keeps the terminal's wrap, auditty joins them)"
  fi
fi
echo "== vt100 alone on the same output (the floor for emulation)"
target/release/examples/vt100_speed "$log" 132 43
