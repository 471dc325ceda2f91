#!/usr/bin/env bash
# Builds the libFuzzer targets with AddressSanitizer and fuzzes each for SECONDS (default 60),
# starting from Fuzz/corpus (hand-made seeds: a pcap, a pcapng and packets of each link type).
# A crash leaves its input in Fuzz/findings/ and makes this script fail.
#   bash Fuzz/run.sh 60
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-60}
swift build --scratch-path .build-fuzz -c debug -Xswiftc -sanitize=fuzzer,address --product FuzzCapture
binary=$(swift build --scratch-path .build-fuzz -c debug --show-bin-path)/FuzzCapture
mkdir -p findings work-corpus
cp -n corpus/* work-corpus/ 2>/dev/null || true
"$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -artifact_prefix=findings/ \
    -print_final_stats=1 work-corpus
