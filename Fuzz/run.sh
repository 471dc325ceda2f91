#!/usr/bin/env bash
# Builds the libFuzzer targets with AddressSanitizer (one `swift build`, so the package compiles
# once) and fuzzes each for SECONDS (default 60), all targets at once (each its own process and log,
# so the wall time is SECONDS, not SECONDS per target), starting from its hand-made seeds in
# Fuzz/corpus/<dir>/ plus what earlier runs kept in Fuzz/work-corpus/<dir>/:
#   FuzzCapture       capture/        pcap, pcapng and packets of each link type
#   FuzzAgentFrames   agent-frames/   agent protocol frames (structure-aware: out-of-range numbers,
#                                     wrong types, deep nesting)
#   FuzzCLI           cli/            command lines of every subcommand with numeric extremes
#   FuzzSocketFilter  socket-filter/  socket filter and capture filter expressions
#   FuzzDisplayFilter display-filter/ Wireshark display filters, evaluated over sample packets
# Every target runs to its end even when another found a crash; a crash leaves its input in
# Fuzz/findings/<target>-crash-*, prints the end of that target's log and makes this script fail.
#   bash Fuzz/run.sh 60            (every target, 60 s each)
#   bash Fuzz/run.sh 300 FuzzCLI   (one target)
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-60}
# A trap is reported by libFuzzer and AddressSanitizer; Swift's own backtracer adds nothing but time.
export SWIFT_BACKTRACE=enable=no
shift || true
declare -A corpus=([FuzzCapture]=capture [FuzzAgentFrames]=agent-frames [FuzzCLI]=cli [FuzzSocketFilter]=socket-filter
    [FuzzDisplayFilter]=display-filter)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(FuzzCapture FuzzAgentFrames FuzzCLI FuzzSocketFilter FuzzDisplayFilter)
swift build --scratch-path .build-fuzz -c debug -Xswiftc -sanitize=fuzzer,address
bin=$(swift build --scratch-path .build-fuzz -c debug --show-bin-path)
mkdir -p findings
logs=$(mktemp -d "${TMPDIR:-/tmp}/socktui-fuzz.XXXXXX")
declare -A pids=()
for target in "${targets[@]}"; do
    dir=${corpus[$target]:?unknown target $target}
    mkdir -p "work-corpus/$dir"
    cp -n "corpus/$dir"/* "work-corpus/$dir/" 2>/dev/null || true
    echo "fuzz: $target for ${seconds}s"
    "$bin/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -artifact_prefix="findings/$target-" \
        -print_final_stats=1 "work-corpus/$dir" >"$logs/$target.log" 2>&1 &
    pids[$target]=$!
done
failed=()
for target in "${targets[@]}"; do
    if wait "${pids[$target]}"; then
        echo "fuzz: $target: $(grep -E '^stat::number_of_executed_units' "$logs/$target.log" | tr -s ' ' | cut -d' ' -f2) inputs, no crash"
    else
        failed+=("$target")
        echo "fuzz: $target FAILED; the end of its log:" >&2
        tail -40 "$logs/$target.log" >&2
    fi
done
rm -rf "$logs"
if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz: crashes found by ${failed[*]} (inputs in Fuzz/findings/)" >&2
    exit 1
fi
echo "fuzz: ${targets[*]}: no crash in ${seconds}s each"
