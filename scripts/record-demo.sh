#!/usr/bin/env bash
# Re-record assets/demo.json: a bash session in a real pty (needs ../shared/tools/record.py,
# bash, less, vim, grep). Usage: scripts/record-demo.sh [OUT]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$here/assets/demo.json}
home=$(mktemp -d)
cat > "$home/notes.md" <<'NOTES'
# Incident 4512 — checkout latency

Timeline
- 09:12 deploy of web v142
- 09:14 p95 latency above 2 s on /checkout
- 09:20 rollback started

Suspects
1. new ORM query in CartController#show
2. cache TTL lowered from 300 s to 30 s
3. payment provider slowness (ruled out: their status page is green)

Next steps
- compare query plans before/after
- raise TTL back, watch p95
NOTES
for i in $(seq 1 120); do
  printf '2026-11-22T09:%02d:%02d.%03dZ web-%d %s /checkout %d %dms\n' $((10+i/60)) $((i%60)) $((i*7%1000)) $((i%3+1)) \
    "$([ $((i%9)) = 0 ] && echo POST || echo GET)" "$([ $((i%17)) = 0 ] && echo 500 || echo 200)" $((80+i*13%900))
done > "$home/access.log"
steps=$(python3 - <<'PY'
import json
T=lambda s:["type",s]; S=lambda s:["sleep",s]
slow=lambda s:[T(c) for c in s]
st=[S(0.6)]
st+=slow("ls -la --color=always")+[T("\r"),S(0.8)]
st+=slow("grep -c ' 500 ' access.log")+[T("\r"),S(0.8)]
st+=slow("grep --color=always ' 500 ' access.log | head -5")+[T("\r"),S(1.2)]
st+=slow("less access.log")+[T("\r"),S(1.0),T(" "),S(0.8),T("/500"),S(0.3),T("\r"),S(1.0),T("q"),S(0.5)]
st+=slow("vim -u NONE -N notes.md")+[T("\r"),S(1.0),T("G"),S(0.3),T("o"),S(0.2)]+slow("- 09:31 found it: cache TTL, reverted")+[T("\x1b"),S(0.5),T(":syntax on\r"),S(0.6),T(":wq\r"),S(0.6)]
st+=slow("tail -3 notes.md")+[T("\r"),S(0.8)]
st+=slow("printf '\\033[1;32mresolved\\033[0m at %s\\n' \"$(date -u +%H:%M)\"")+[T("\r"),S(1.0)]
st+=slow("exit")+[T("\r"),S(0.3)]
print(json.dumps(st))
PY
)
cd "$home" && STEPS="$steps" HOME="$home" python3 "$here/../shared/tools/record.py" demo 100 28 "$out" -- bash --norc -i
rm -f "$out.raw" "$out.meta"
