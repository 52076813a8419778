#!/usr/bin/env bash
# The wall time of `quai --demo …` commands, whole process (not a CI test):
#
#   scripts/demo-start.sh [BINARY] [RUNS]
#                       # default target/release/quai, 10 runs
#
# Each command is run RUNS times; prints the fastest, the median and the
# slowest in milliseconds beside the budget (150 ms), and where one start
# of the demo spends its time is to be read with `perf record` on it.
set -euo pipefail
bin=${1:-target/release/quai}
runs=${2:-10}
budget=150
commands=(
    "--demo stops chateau"
    "--demo board --once chateau"
    "--demo networks"
)
for command in "${commands[@]}"; do
    times=()
    for _ in $(seq "$runs"); do
        start=$(date +%s%N)
        # shellcheck disable=SC2086
        "$bin" $command >/dev/null 2>&1 || true
        end=$(date +%s%N)
        times+=($(((end - start) / 1000000)))
    done
    sorted=($(printf '%s\n' "${times[@]}" | sort -n))
    median=${sorted[$((runs / 2))]}
    verdict=ok
    ((median <= budget)) || verdict=OVER
    printf '%-32s min %4d ms  median %4d ms  max %4d ms  (budget %d ms: %s)\n' \
        "quai $command" "${sorted[0]}" "$median" "${sorted[$((runs - 1))]}" "$budget" "$verdict"
done
