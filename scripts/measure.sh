#!/usr/bin/env bash
# The resource figures of the README's "Performance" section, measured on
# the release binary against `quai serve-demo` (not a CI test):
#
#   scripts/measure.sh [SECONDS]      # idle window, default 120, at least 60
#
# - CPU seconds per hour of a live board of 5 favourites (40 line-directions)
#   left alone in a 120×40 terminal (tmux) for SECONDS, from /proc/PID/stat;
# - its resident memory (VmRSS) and peak (VmHWM) after that window;
# - the HTTP requests and bytes per refresh, from the demo server's access
#   log (a refresh is a burst of TR/getListeTemps requests);
# - the wall time of `quai board PLACE --once` with a warm cache;
# - the size of the (stripped) release binary.
#
# Needs tmux. Prints each figure beside its budget; exits 1 if one is over.
set -euo pipefail
cd "$(dirname "$0")/.."
window=${1:-120}
if ((window < 60)); then
    echo "measure: the idle window must be at least 60 s" >&2
    exit 2
fi
command -v tmux >/dev/null || { echo "measure: needs tmux" >&2; exit 2; }
cargo build --release --locked --quiet
bin=$PWD/target/release/quai
work=$(mktemp -d)
socket=$work/tmux.sock
cleanup() {
    tmux -S "$socket" kill-server 2>/dev/null || true
    [[ -n ${server_pid:-} ]] && kill "$server_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
over=0
budget() { # name value unit limit
    local verdict=ok
    if awk -v v="$2" -v l="$4" 'BEGIN { exit !(v > l) }'; then
        verdict=OVER
        over=1
    fi
    printf '%-44s %12s %-8s (budget %s %s) %s\n' "$1" "$2" "$3" "$4" "$3" "$verdict"
}
# kB (KiB, as /proc and time print them) to MB (10^6 bytes).
mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k * 1024 / 1e6 }'; }

# The demo server, its clock at 08:00 so that every line runs.
"$bin" serve-demo --port 0 --at 08:00 --access-log "$work/access.log" >"$work/server.out" 2>&1 &
server_pid=$!
for _ in $(seq 100); do grep -q listening "$work/server.out" 2>/dev/null && break; sleep 0.05; done
url=$(grep -o 'http://[0-9.:]*' "$work/server.out" | head -1)
[[ -n $url ]] || { echo "measure: the demo server did not start" >&2; cat "$work/server.out" >&2; exit 2; }

mkdir -p "$work/home/.config/quai" "$work/cache"
cat >"$work/home/.config/quai/favorites.toml" <<'TOML'
# 12 + 8 + 8 + 8 + 4 = 40 line-directions asked of the demo network.
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
quai_env=(env -i "HOME=$work/home" "XDG_CACHE_HOME=$work/cache" PATH=/usr/bin:/bin
    "GINKO_API_URL=$url" GINKO_API_KEY=demo LANG=C.UTF-8)

# 1. The live board, left alone.
tmux -S "$socket" new-session -d -s board -x 120 -y 40 \
    "${quai_env[*]} TERM=xterm-256color COLORTERM=truecolor sh -c 'echo \$\$ > $work/pid; exec $bin 2>$work/board.err'"
for _ in $(seq 100); do [[ -s $work/pid ]] && break; sleep 0.05; done
pid=$(cat "$work/pid")
for _ in $(seq 300); do
    tmux -S "$socket" capture-pane -p -t board | grep -q "mis à jour" && break
    sleep 0.1
done
sleep 5 # the first refresh's follow-ups (messages, line states) are done
# CPU time: nanoseconds on CPU of every thread (schedstat), and the
# coarser user + system clock ticks of the process as a cross-check.
cpu_ns() { cat "/proc/$pid"/task/*/schedstat | awk '{ s += $1 } END { printf "%d", s }'; }
cpu_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$pid/stat"; }
hz=$(getconf CLK_TCK)
ms_now() { date +%s%3N; }
t0=$(ms_now)
c0=$(cpu_ticks)
n0=$(cpu_ns)
sleep "$window"
n1=$(cpu_ns)
c1=$(cpu_ticks)
t1=$(ms_now)
rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$pid/status")
hwm=$(awk '/^VmHWM/ { print $2 }' "/proc/$pid/status")
threads=$(awk '/^Threads/ { print $2 }' "/proc/$pid/status")
cpu_per_hour=$(awk -v n=$((n1 - n0)) -v w=$((t1 - t0)) 'BEGIN { printf "%.2f", n / 1e9 * 3600 / (w / 1000) }')
ticks_per_hour=$(awk -v c=$((c1 - c0)) -v hz="$hz" -v w=$((t1 - t0)) 'BEGIN { printf "%.1f", c / hz * 3600 / (w / 1000) }')
tmux -S "$socket" capture-pane -p -t board >"$work/screen.txt"

echo "quai $("$bin" --version | awk '{ print $2 }') on $(uname -m), $(nproc) cores; board of 5 favourites, 120×40"
echo "idle window: $(((t1 - t0) / 1000)) s, $(((n1 - n0) / 1000)) µs on CPU ($((c1 - c0)) ticks of 1/$hz s: $ticks_per_hour CPU-s/h), $threads threads"
budget "idle board: CPU per hour" "$cpu_per_hour" "CPU-s" 2
budget "idle board: resident memory (VmRSS)" "$(mb "$rss")" "MB" 15
printf '%-44s %12s %-8s\n' "idle board: peak resident memory (VmHWM)" "$(mb "$hwm")" "MB"

# 2. Requests and bytes per refresh in the idle window. A refresh is a
#    burst of TR/getListeTemps requests less than 2 s apart.
awk -v t0="$t0" -v t1="$t1" '
    $1 >= t0 && $1 <= t1 {
        n[$2]++; bytes[$2] += $4 + $5; all++
        if ($2 == "TR/getListeTemps") {
            if (last == "" || $1 - last > 2000) refreshes++
            last = $1; up += $4; down += $5
        }
    }
    END {
        w = (t1 - t0) / 1000
        printf "%-44s %12d\n", "refreshes in the window", refreshes
        printf "%-44s %12.2f %-8s (budget 1 request) %s\n", "TR/getListeTemps requests per refresh",
            n["TR/getListeTemps"] / refreshes, "requests", (n["TR/getListeTemps"] > refreshes ? "OVER" : "ok")
        printf "%-44s %12d %-8s\n", "bytes sent per refresh (query and form)", up / refreshes, "B"
        printf "%-44s %12d %-8s\n", "bytes received per refresh (answer body)", down / refreshes, "B"
        printf "%-44s %12.1f %-8s\n", "all requests per minute", all * 60 / w, "requests"
        for (m in n) printf "    %-40s %5d requests %9d B\n", m, n[m], bytes[m]
        if (n["TR/getListeTemps"] > refreshes) exit 1
    }' "$work/access.log" || over=1

# 3. `quai board PLACE --once` with a warm cache (the stop list and the
#    lines of the place already cached by a first run).
"${quai_env[@]}" "$bin" board "Gare Viotte" --once >/dev/null
runs=()
for _ in $(seq 10); do
    a=$(date +%s%N)
    "${quai_env[@]}" "$bin" board "Gare Viotte" --once >/dev/null
    b=$(date +%s%N)
    runs+=($(((b - a) / 1000000)))
done
sorted=$(printf '%s\n' "${runs[@]}" | sort -n)
median=$(echo "$sorted" | sed -n 5p)
worst=$(echo "$sorted" | tail -1)
once_rss=$("${quai_env[@]}" /usr/bin/time -f %M "$bin" board "Gare Viotte" --once 2>&1 >/dev/null | tail -1)
budget "board --once, warm cache: median of 10" "$median" "ms" 150
printf '%-44s %12s %-8s\n' "board --once, warm cache: slowest of 10" "$worst" "ms"
printf '%-44s %12s %-8s\n' "board --once: peak resident memory" "$(mb "$once_rss")" "MB"

# 4. The binary.
size=$(stat -c %s "$bin")
budget "release binary (stripped)" "$(awk -v s="$size" 'BEGIN { printf "%.2f", s / 1e6 }')" "MB" 10

if ! grep -q "mis à jour" "$work/screen.txt"; then
    echo "measure: the board did not show departures:" >&2
    cat "$work/screen.txt" >&2
    exit 1
fi
exit "$over"
