#!/usr/bin/env bash
# Fuzzes the JSON decoding and the HTML-to-text rendering for a bounded time.
#
#   scripts/fuzz.sh [SECONDS]     (default 60)
#
# Runs tests/fuzz.rs (proptest) in release, batch after batch of many cases
# with fresh random seeds, until SECONDS have passed. A failing case stops
# the run; proptest saves it in tests/fuzz.proptest-regressions, where every
# later `cargo test` replays it: fix the cause and commit that file.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
cases=${FUZZ_CASES:-2000}
cargo test --release --test fuzz --no-run --quiet
start=$(date +%s)
batches=0
while (( $(date +%s) - start < seconds )); do
    if ! PROPTEST_CASES=$cases cargo test --release --quiet --test fuzz >/tmp/quai-fuzz.$$ 2>&1; then
        cat /tmp/quai-fuzz.$$
        rm -f /tmp/quai-fuzz.$$
        echo "fuzz: a case failed after $batches batches; see tests/fuzz.proptest-regressions" >&2
        exit 1
    fi
    batches=$((batches + 1))
done
rm -f /tmp/quai-fuzz.$$
echo "fuzz: $batches batches of $cases cases per property in $(( $(date +%s) - start )) s, no failure"
