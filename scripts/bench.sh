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
echo "== engine benchmark (132x43)"
cargo bench -q --bench engine -- "$log" 132 43
echo "== whole commands"
t "auditty info" $bin info "$log" > /dev/null
t "auditty screen --at end (132x43 given)" $bin screen "$log" --at end --cols 132 --rows 43 > /dev/null
t "auditty screen --at end (geometry inferred)" $bin screen "$log" --at end > /dev/null
t "auditty export asciicast-v2" $bin export "$log" -o "$work/big.cast" --cols 132 --rows 43
t "auditty export txt" $bin export "$log" -o "$work/big-auditty.txt" --cols 132 --rows 43
if command -v asciinema > /dev/null; then
  echo "== the peer: asciinema $(asciinema --version | cut -d' ' -f2) on the same session as asciicast v2"
  t "asciinema convert -f txt" asciinema convert -f txt "$work/big.cast" "$work/big-asciinema.txt" --overwrite
  cmp -s "$work/big-asciinema.txt" "$work/big-auditty.txt" && echo "txt outputs identical" || echo "txt outputs differ"
fi
echo "== vt100 alone on the same output (the floor for emulation)"
target/release/examples/vt100_speed "$log" 132 43
