#!/usr/bin/env bash
# The resource figures of the README's "Performance" section, measured on
# the release binary against `quai serve-demo` (not a CI test):
#
#   scripts/measure.sh [SECONDS] [all|board|kiosk]
#                       # idle window, default 120, at least 60; default all
#
# - CPU seconds per hour of a live board of 5 favourites (41 line-directions)
#   left alone in a 120×40 terminal (tmux) for SECONDS, from /proc/PID/stat;
# - its resident memory (VmRSS) and peak (VmHWM) after that window;
# - the HTTP requests and bytes per refresh, from the demo server's access
#   log (a refresh is a burst of TR/getListeTemps requests);
# - the same CPU, memory and requests of `quai kiosk` on 3 favourites
#   (28 line-directions, large digits, pages turning) in a 120×40 terminal
#   under TERM=linux, its network named by a settings file, for SECONDS
#   after the board's window;
# - the wall time of `quai board PLACE --once` with a warm cache;
# - the size of the (stripped) release binary.
#
# Needs tmux. Prints each figure beside its budget; exits 1 if one is over.
set -euo pipefail
cd "$(dirname "$0")/.."
window=${1:-120}
what=${2:-all}
if ((window < 60)); then
    echo "measure: the idle window must be at least 60 s" >&2
    exit 2
fi
case $what in
all | board | kiosk) ;;
*)
    echo "measure: what to measure is all, board or kiosk, not $what" >&2
    exit 2
    ;;
esac
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
figure() { # name value unit
    printf '%-44s %12s %-8s\n' "$1" "$2" "$3"
}
# kB (KiB, as /proc and time print them) to MB (10^6 bytes).
mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k * 1024 / 1e6 }'; }

# The demo server, its clock at 08:00 so that every line runs.
"$bin" serve-demo --port 0 --at 08:00 --access-log "$work/access.log" >"$work/server.out" 2>&1 &
server_pid=$!
for _ in $(seq 100); do grep -q listening "$work/server.out" 2>/dev/null && break; sleep 0.05; done
url=$(grep -o 'http://[0-9.:]*' "$work/server.out" | head -1)
[[ -n $url ]] || { echo "measure: the demo server did not start" >&2; cat "$work/server.out" >&2; exit 2; }
echo "quai $("$bin" --version | awk '{ print $2 }') on $(uname -m), $(nproc) cores"

# Starts COMMAND in a detached 120×40 tmux session NAME, waits for TEXT on
# its screen, then 5 s more (the first refresh's follow-ups: messages, line
# states), and sets pid.
start() { # name text command
    tmux -S "$socket" new-session -d -s "$1" -x 120 -y 40 \
        "sh -c 'echo \$\$ > $work/$1.pid; exec $3 2>$work/$1.err'"
    for _ in $(seq 100); do [[ -s $work/$1.pid ]] && break; sleep 0.05; done
    pid=$(cat "$work/$1.pid")
    for _ in $(seq 300); do
        tmux -S "$socket" capture-pane -p -t "$1" | grep -q "$2" && break
        sleep 0.1
    done
    sleep 5
}

# Leaves process pid alone for the window and sets t0, t1 (ms), on_cpu_us,
# ticks, cpu_per_hour, ticks_per_hour, rss, hwm and threads. CPU time:
# nanoseconds on CPU of every thread (schedstat), and the coarser user +
# system clock ticks of the process as a cross-check.
hz=$(getconf CLK_TCK)
sample() {
    cpu_ns() { cat "/proc/$pid"/task/*/schedstat | awk '{ s += $1 } END { printf "%d", s }'; }
    cpu_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$pid/stat"; }
    ms_now() { date +%s%3N; }
    local n0 n1 c0 c1
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
    on_cpu_us=$(((n1 - n0) / 1000))
    ticks=$((c1 - c0))
    cpu_per_hour=$(awk -v n=$((n1 - n0)) -v w=$((t1 - t0)) 'BEGIN { printf "%.2f", n / 1e9 * 3600 / (w / 1000) }')
    ticks_per_hour=$(awk -v c="$ticks" -v hz="$hz" -v w=$((t1 - t0)) 'BEGIN { printf "%.1f", c / hz * 3600 / (w / 1000) }')
}

# The requests of the window [t0, t1] in the access log: per refresh (a
# burst of TR/getListeTemps requests less than 2 s apart) and per minute.
requests() { # label
    awk -v t0="$t0" -v t1="$t1" -v label="$1" '
        $1 >= t0 && $1 <= t1 {
            n[$2]++; bytes[$2] += $4 + $5; all++
            if ($2 == "TR/getListeTemps") {
                if (last == "" || $1 - last > 2000) refreshes++
                last = $1; up += $4; down += $5
            }
        }
        END {
            w = (t1 - t0) / 1000
            if (refreshes == 0) {
                printf "%s: no refresh in the window\n", label
                exit 1
            }
            printf "%-44s %12d\n", label ": refreshes in the window", refreshes
            printf "%-44s %12.2f %-8s (budget 1 request) %s\n", label ": TR/getListeTemps per refresh",
                n["TR/getListeTemps"] / refreshes, "requests", (n["TR/getListeTemps"] > refreshes ? "OVER" : "ok")
            printf "%-44s %12d %-8s\n", label ": bytes sent per refresh", up / refreshes, "B"
            printf "%-44s %12d %-8s\n", label ": bytes received per refresh", down / refreshes, "B"
            printf "%-44s %12.1f %-8s\n", label ": all requests per minute", all * 60 / w, "requests"
            for (m in n) printf "    %-40s %5d requests %9d B\n", m, n[m], bytes[m]
            if (n["TR/getListeTemps"] > refreshes) exit 1
        }' "$work/access.log" || over=1
}

report() { # label
    echo "$1: idle window $(((t1 - t0) / 1000)) s, $on_cpu_us µs on CPU ($ticks ticks of 1/$hz s: $ticks_per_hour CPU-s/h), $threads threads"
    budget "$1: CPU per hour" "$cpu_per_hour" "CPU-s" 1.2
    budget "$1: resident memory (VmRSS)" "$(mb "$rss")" "MB" 15
    figure "$1: peak resident memory (VmHWM)" "$(mb "$hwm")" "MB"
    requests "$1"
}

# 1. The live board of 5 favourites, left alone.
if [[ $what != kiosk ]]; then
    mkdir -p "$work/home/.config/quai" "$work/cache"
    cat >"$work/home/.config/quai/favorites.toml" <<'TOML'
# 11 + 8 + 10 + 8 + 4 = 41 line-directions asked of the demo network.
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
    start board "mis à jour" "${quai_env[*]} TERM=xterm-256color COLORTERM=truecolor $bin"
    sample
    tmux -S "$socket" capture-pane -p -t board >"$work/board.txt"
    tmux -S "$socket" kill-session -t board
    echo "board of 5 favourites (41 line-directions), 120×40, xterm-256color"
    report "idle board"
    if ! grep -q "mis à jour" "$work/board.txt"; then
        echo "measure: the board did not show departures:" >&2
        cat "$work/board.txt" >&2
        exit 1
    fi
fi

# 2. The kiosk of 3 favourites: at 120×40, large digits and three pages
#    (Gare Viotte split in two, then Ile de France and Chamars), turning
#    every 8 s. Its network and key come from its settings file.
if [[ $what != board ]]; then
    mkdir -p "$work/kiosk/.config/quai" "$work/kiosk-cache"
    cat >"$work/kiosk/.config/quai/config.toml" <<TOML
api_url = "$url"
api_key = "demo"
TOML
    cat >"$work/kiosk/.config/quai/favorites.toml" <<'TOML'
# 12 + 8 + 8 = 28 line-directions asked of the demo network.
[[favorite]]
place = "Gare Viotte"
[[favorite]]
place = "Ile de France"
[[favorite]]
place = "Chamars"
TOML
    start kiosk "mis à jour" "env -i HOME=$work/kiosk XDG_CACHE_HOME=$work/kiosk-cache PATH=/usr/bin:/bin LANG=C.UTF-8 TERM=linux $bin kiosk"
    # The pages seen during the window, one look every 2 s.
    : >"$work/kiosk-pages.txt"
    (
        while sleep 2; do
            tmux -S "$socket" capture-pane -p -t kiosk 2>/dev/null | grep -o 'page [0-9]*/[0-9]*' | head -1 >>"$work/kiosk-pages.txt" || true
        done
    ) &
    watcher=$!
    sample
    kill "$watcher" 2>/dev/null || true
    wait "$watcher" 2>/dev/null || true
    tmux -S "$socket" capture-pane -p -t kiosk >"$work/kiosk.txt"
    pages=$(sort -u "$work/kiosk-pages.txt" | paste -sd ' ')
    echo "kiosk of 3 favourites (28 line-directions), 120×40, TERM=linux, pages seen: ${pages:-none}"
    report "kiosk"
    if ! grep -q "mis à jour" "$work/kiosk.txt" || [[ $(sort -u "$work/kiosk-pages.txt" | wc -l) -lt 2 ]]; then
        echo "measure: the kiosk did not show departures on turning pages:" >&2
        cat "$work/kiosk.txt" >&2
        exit 1
    fi
fi

if [[ $what == all || $what == board ]]; then
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
    figure "board --once, warm cache: slowest of 10" "$worst" "ms"
    figure "board --once: peak resident memory" "$(mb "$once_rss")" "MB"

    # 4. The binary.
    size=$(stat -c %s "$bin")
    budget "release binary (stripped)" "$(awk -v s="$size" 'BEGIN { printf "%.2f", s / 1e6 }')" "MB" 10
fi
exit "$over"
