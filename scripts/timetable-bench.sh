#!/usr/bin/env bash
# Compiles synthetic GTFS feeds of Ginko's size (400 k stop times) and of
# IDFM's (13 M), and prints wall time and peak memory of
# `quai timetable update --from FEED`, then the index's size, opening time
# and query time. Numbers, not a pass/fail: see docs/performance.md.
#
#   scripts/timetable-bench.sh            # both sizes
#   scripts/timetable-bench.sh 400000     # one size
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("${@:-400000 13000000}")
cargo build --release --quiet --bin quai --example synthetic_gtfs --example timetable_query
work=${TMPDIR:-/tmp}/quai-timetable-bench
mkdir -p "$work"
for size in ${sizes[@]}; do
    feed="$work/feed-$size.zip"
    [ -s "$feed" ] || target/release/examples/synthetic_gtfs "$size" "$feed"
    data="$work/data-$size"
    rm -rf "$data"
    XDG_DATA_HOME="$data" /usr/bin/time -f "%e %M" -o "$work/time" \
        target/release/quai timetable update --network ginko --from "$feed" >/dev/null
    read -r wall kb < "$work/time"
    printf '%9s stop times: feed %s MB, compiled in %s s, peak %s MB\n' "$size" \
        "$(( $(stat -c %s "$feed") / 1000000 ))" "$wall" "$(( kb / 1024 ))"
    target/release/examples/timetable_query "$data/quai/ginko/timetable.idx" | sed 's/^/           /'
done
