#!/usr/bin/env bash
# Soak check of the kiosk (not a CI test): runs `quai kiosk` in a detached
# tmux terminal against `quai serve-demo --fail-every 3` for a long stretch,
# with a server outage and a SIGHUP reload on the way, and reports the
# kiosk's memory (VmRSS) over time and whether it ever exited.
#
#   scripts/soak-kiosk.sh [SECONDS]      # default 600
#
# Needs tmux. Prints the figures; exits 1 if the kiosk exited or its memory
# grew by more than 2 MiB between the first minute and the end.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-600}
cargo build --release --quiet
bin=$PWD/target/release/quai
work=$(mktemp -d)
socket=$work/tmux.sock
cleanup() {
    tmux -S "$socket" kill-server 2>/dev/null || true
    [[ -n ${server_pid:-} ]] && kill "$server_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
start_server() {
    "$bin" serve-demo --port "$port" --fail-every 3 --at 08:00 >"$work/server.log" 2>&1 &
    server_pid=$!
}
start_server

mkdir -p "$work/home/.config/quai"
cat >"$work/home/.config/quai/favorites.toml" <<'TOML'
[[favorite]]
place = "Crous Université"
[[favorite]]
place = "Ile de France"
[[favorite]]
place = "République"
[[favorite]]
place = "Chamars"
[[favorite]]
place = "Pôle Viotte"
TOML

tmux -S "$socket" new-session -d -s soak -x 100 -y 30 \
    "env -i HOME=$work/home PATH=/usr/bin:/bin TERM=linux GINKO_API_URL=http://127.0.0.1:$port GINKO_API_KEY=demo \
     sh -c 'echo \$\$ > $work/pid; exec $bin kiosk --refresh 5 --page-seconds 2 2>$work/kiosk.log'; echo EXITED > $work/exited"
for _ in $(seq 50); do [[ -s $work/pid ]] && break; sleep 0.1; done
pid=$(cat "$work/pid")

rss() { awk '/^VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0; }
alive() { kill -0 "$pid" 2>/dev/null && [[ ! -e $work/exited ]]; }

echo "kiosk pid $pid, $duration s against serve-demo --fail-every 3 (port $port)"
sleep 60
first=$(rss)
echo "t=60s   VmRSS ${first} kB"
elapsed=60
outage_done=0
reload_done=0
peak=$first
while ((elapsed < duration)); do
    step=$((duration - elapsed < 60 ? duration - elapsed : 60))
    sleep "$step"
    elapsed=$((elapsed + step))
    if ! alive; then
        echo "FAIL: the kiosk exited at about t=${elapsed}s"
        tail -20 "$work/kiosk.log"
        exit 1
    fi
    now=$(rss)
    ((now > peak)) && peak=$now
    echo "t=${elapsed}s VmRSS ${now} kB"
    # Once: the server goes away for 90 s, then comes back.
    if ((outage_done == 0 && elapsed >= duration / 3)); then
        kill "$server_pid"; wait "$server_pid" 2>/dev/null || true
        echo "        server stopped for 90 s"
        sleep 90; elapsed=$((elapsed + 90))
        tmux -S "$socket" capture-pane -p -t soak | grep -E "Données anciennes|en attente|indisponible" | head -2 | sed 's/^/        screen: /'
        start_server
        outage_done=1
    fi
    if ((reload_done == 0 && elapsed >= 2 * duration / 3)); then
        kill -HUP "$pid"
        echo "        SIGHUP sent"
        reload_done=1
    fi
done
last=$(rss)
echo "---"
echo "VmRSS at 60 s: ${first} kB; at the end: ${last} kB; peak: ${peak} kB"
echo "state changes logged: $(wc -l <"$work/kiosk.log")"
sed 's/^/    /' "$work/kiosk.log" | tail -8
tmux -S "$socket" capture-pane -p -t soak | tail -3 | sed 's/^/    screen: /'
if ! alive; then echo "FAIL: the kiosk exited"; exit 1; fi
if ((last - first > 2048)); then echo "FAIL: memory grew by $((last - first)) kB"; exit 1; fi
echo "OK: alive after ${duration} s, memory did not grow"
