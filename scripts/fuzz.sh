#!/usr/bin/env bash
# Fuzzes what reads outside input for a bounded time: the JSON decoding and
# the HTML-to-text rendering (tests/fuzz.rs), the GTFS compile, tables
# and zip (tests/timetable_fuzz.rs), and what a screen reads from a broker:
# boards, row states and messages (tests/mqtt_fuzz.rs).
#
#   scripts/fuzz.sh [SECONDS]     (default 60)
#
# Runs the proptest files in release, batch after batch of many cases
# with fresh random seeds, until SECONDS have passed. A failing case stops
# the run; proptest saves it in tests/NAME.proptest-regressions, where
# every later `cargo test` replays it: fix the cause and commit that file.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
cases=${FUZZ_CASES:-2000}
gtfs_cases=${FUZZ_GTFS_CASES:-$(( cases / 4 ))}
cargo test --release --test fuzz --test timetable_fuzz --test mqtt_fuzz --no-run --quiet
start=$(date +%s)
batches=0
while (( $(date +%s) - start < seconds )); do
    for run in "fuzz $cases" "timetable_fuzz $gtfs_cases" "mqtt_fuzz $cases"; do
        set -- $run
        if ! PROPTEST_CASES=$2 cargo test --release --quiet --test "$1" >/tmp/quai-fuzz.$$ 2>&1; then
            cat /tmp/quai-fuzz.$$
            rm -f /tmp/quai-fuzz.$$
            echo "fuzz: a case of tests/$1.rs failed after $batches batches; see tests/$1.proptest-regressions" >&2
            exit 1
        fi
    done
    batches=$((batches + 1))
done
rm -f /tmp/quai-fuzz.$$
echo "fuzz: $batches batches of $cases JSON/HTML/MQTT and $gtfs_cases GTFS cases per property in $(( $(date +%s) - start )) s, no failure"
