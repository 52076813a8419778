#!/usr/bin/env bash
# Counts the instructions of an idle board and an idle kiosk, run as
# scripts/measure.sh runs them (the demo server at 08:00, the same
# favourites, a 120×40 tmux terminal), under callgrind, over a window after
# a warm-up. Instructions do not change with the machine's load, unlike the
# CPU time of measure.sh. Needs valgrind and tmux; builds the profiling
# profile (the release build with symbols).
#
#   scripts/callgrind.sh [WINDOW_SECONDS] [board|kiosk|all] [OUT_DIR]
#
# Prints the instructions per minute of each and leaves the callgrind files
# in OUT_DIR (default: a temporary directory, printed) for callgrind_annotate.
set -euo pipefail
cd "$(dirname "$0")/.."
window=${1:-120}
what=${2:-all}
out=${3:-$(mktemp -d)}
warmup=${WARMUP:-25}
mkdir -p "$out"
command -v valgrind >/dev/null || { echo "callgrind: needs valgrind" >&2; exit 2; }
command -v tmux >/dev/null || { echo "callgrind: needs tmux" >&2; exit 2; }
# QUAI_BIN: another build to count (without symbols, only the totals).
if [[ -z ${QUAI_BIN:-} ]]; then
    CARGO_INCREMENTAL=0 cargo build --profile profiling --locked --quiet
fi
bin=${QUAI_BIN:-$PWD/target/profiling/quai}
work=$(mktemp -d)
socket=$work/tmux.sock
cleanup() {
    tmux -S "$socket" kill-server 2>/dev/null || true
    [[ -n ${server_pid:-} ]] && kill "$server_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

"$bin" serve-demo --port 0 --at 08:00 >"$work/server.out" 2>&1 &
server_pid=$!
for _ in $(seq 100); do grep -q listening "$work/server.out" 2>/dev/null && break; sleep 0.05; done
url=$(grep -o 'http://[0-9.:]*' "$work/server.out" | head -1)
[[ -n $url ]] || { echo "callgrind: the demo server did not start" >&2; exit 2; }

# Starts quai ARGS under callgrind, with the environment ENV only, in a
# 120×40 tmux session NAME.
start() { # name "env" args...
    local name=$1 vars=$2
    shift 2
    tmux -S "$socket" new-session -d -s "$name" -x 120 -y 40 \
        "env -i $vars valgrind --tool=callgrind --callgrind-out-file=$out/$name.cg $bin $* 2>$work/$name.err"
}
# Waits for the board's text, warms up, zeroes the counts, waits the
# window, dumps them.
count() { # name
    local name=$1 pid
    for _ in $(seq 600); do
        tmux -S "$socket" capture-pane -p -t "$name" | grep -q "mis à jour" && break
        sleep 0.2
    done
    sleep "$warmup"
    # The tool's own process (not the shell or env that started it).
    pid=
    for p in $(pgrep -f "callgrind-out-file=$out/$name.cg"); do
        [[ $(cat "/proc/$p/comm" 2>/dev/null) == *callgrind* || $(cat "/proc/$p/comm" 2>/dev/null) == *memcheck* || $(readlink "/proc/$p/exe" 2>/dev/null) == *valgrind* ]] && pid=$p
    done
    [[ -n $pid ]] || { echo "callgrind: $name is not running" >&2; return 1; }
    callgrind_control -z "$pid" >/dev/null
    sleep "$window"
    callgrind_control -d "$name-window" "$pid" >/dev/null
    sleep 2
    tmux -S "$socket" capture-pane -p -t "$name" >"$out/$name.txt"
    tmux -S "$socket" kill-session -t "$name"
    local file
    file=$(ls "$out/$name.cg".*"$name-window"* 2>/dev/null | head -1 || true)
    [[ -n $file ]] || file=$(ls -t "$out/$name.cg".* | head -1)
    local ir
    ir=$(awk '/^summary:/ { print $2 }' "$file")
    printf '%s: %s instructions in %s s, %.1f M per minute (%s)\n' "$name" "$ir" "$window" \
        "$(awk -v i="$ir" -v w="$window" 'BEGIN { print i * 60 / w / 1e6 }')" "$file"
}

if [[ $what != kiosk ]]; then
    mkdir -p "$work/home/.config/quai" "$work/cache"
    cat >"$work/home/.config/quai/favorites.toml" <<'TOML'
[[favorite]]
place = "Gare Viotte"
[[favorite]]
place = "Ile de France"
[[favorite]]
place = "Chamars"
[[favorite]]
place = "Révolution"
[[favorite]]
place = "Crous Université"
TOML
    start board "HOME=$work/home XDG_CACHE_HOME=$work/cache PATH=/usr/bin:/bin GINKO_API_URL=$url GINKO_API_KEY=demo LANG=C.UTF-8 TERM=xterm-256color COLORTERM=truecolor"
fi
if [[ $what != board ]]; then
    mkdir -p "$work/kiosk/.config/quai" "$work/kiosk-cache"
    printf 'api_url = "%s"\napi_key = "demo"\n' "$url" >"$work/kiosk/.config/quai/config.toml"
    cat >"$work/kiosk/.config/quai/favorites.toml" <<'TOML'
[[favorite]]
place = "Gare Viotte"
[[favorite]]
place = "Ile de France"
[[favorite]]
place = "Chamars"
TOML
    start kiosk "HOME=$work/kiosk XDG_CACHE_HOME=$work/kiosk-cache PATH=/usr/bin:/bin LANG=C.UTF-8 TERM=linux" kiosk
fi
pids=()
if [[ $what != kiosk ]]; then count board & pids+=($!); fi
if [[ $what != board ]]; then count kiosk & pids+=($!); fi
wait "${pids[@]}"
echo "callgrind files in $out"
