#!/usr/bin/env bash
# One publisher, many screens: prints the upstream requests per minute with
# 1 and with 50 subscribed screens, the publisher's CPU and memory, and the
# delay from a refresh (the demo server's answer) to a screen receiving the
# board. Numbers, not a pass/fail: see docs/mqtt.md.
#
#   scripts/mqtt-measure.sh [SECONDS]     # each phase (default 60)
#
# Needs mosquitto and mosquitto_sub (Debian: mosquitto, mosquitto-clients).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
cargo build --release --quiet --bin quai
bin=target/release/quai
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

broker_port=$(free_port)
printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\n' "$broker_port" > "$work/mosquitto.conf"
mosquitto_bin=$(command -v mosquitto || echo /usr/sbin/mosquitto)
"$mosquitto_bin" -c "$work/mosquitto.conf" >/dev/null 2>&1 & pids+=($!)
demo_port=$(free_port)
"$bin" serve-demo --port "$demo_port" --access-log "$work/access.log" >/dev/null 2>&1 & pids+=($!)
sleep 1
HOME="$work" GINKO_API_URL="http://127.0.0.1:$demo_port" GINKO_API_KEY=demo \
    "$bin" publish crous "ile de france" republique --broker "mqtt://127.0.0.1:$broker_port" \
    2> "$work/publish.log" & publisher=$!; pids+=($publisher)
sleep 5

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
hz=$(getconf CLK_TCK)

phase() {
    local screens=$1
    local subs=()
    for i in $(seq 1 "$screens"); do
        mosquitto_sub -h 127.0.0.1 -p "$broker_port" -t 'quai/#' -F '%U %t' > "$work/sub-$screens-$i.txt" 2>/dev/null &
        subs+=($!); pids+=($!)
    done
    sleep 2
    local start_ms t0
    start_ms=$(date +%s%3N)
    t0=$(ticks "$publisher")
    sleep "$seconds"
    local end_ms t1
    end_ms=$(date +%s%3N)
    t1=$(ticks "$publisher")
    local requests
    requests=$(awk -v a="$start_ms" -v b="$end_ms" '$1 >= a && $1 < b' "$work/access.log" | wc -l)
    local per_minute cpu
    per_minute=$(python3 -c "print(round($requests * 60000 / ($end_ms - $start_ms), 1))")
    cpu=$(python3 -c "print(round(($t1 - $t0) / $hz * 3600 / ($end_ms - $start_ms) * 1000, 2))")
    printf '%3s screens: %s upstream requests/min, publisher %s CPU-s/h, %s MB\n' \
        "$screens" "$per_minute" "$cpu" "$(( $(rss "$publisher") / 1024 ))"
    # The delay from each TR/getListeTemps answer to the first screen's
    # copy of the board that followed it.
    python3 - "$work/access.log" "$work/sub-$screens-1.txt" "$start_ms" "$end_ms" <<'PY'
import sys
log, sub, a, b = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
asks = [int(l.split()[0]) for l in open(log) if "TR/getListeTemps" in l and a <= int(l.split()[0]) < b]
got = sorted(float(l.split()[0]) * 1000 for l in open(sub) if l.split()[1].endswith("crous-universite/board"))
delays = []
for t in asks:
    after = [g for g in got if g >= t]
    if after and after[0] - t < 10000:
        delays.append(after[0] - t)
delays.sort()
if delays:
    print(f"             refresh to screen: median {delays[len(delays)//2]:.0f} ms, max {delays[-1]:.0f} ms ({len(delays)} refreshes)")
PY
    for p in "${subs[@]}"; do kill "$p" 2>/dev/null || true; done
}

phase 1
phase 50
