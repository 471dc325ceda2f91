#!/usr/bin/env bash
# Fuzz the capture dissectors and the pcap/pcapng reader with libFuzzer and AddressSanitizer.
#
#   Fuzz/run.sh [SECONDS] [extra libFuzzer flags...]     (default 60 seconds)
#
# Builds .build-fuzz/capture-fuzz from Sources/Inspect/Capture (everything but Live/, which needs
# SocketKit) plus Fuzz/CaptureFuzz.swift, seeds the corpus with the pcap/pcapng files in
# Tests/InspectTests/Fixtures (if any) and a few hand-made frames, and runs for SECONDS.
# Exits non-zero when libFuzzer finds a crash; the crashing input is left in .build-fuzz/.
# Needs libpcap-dev (the filter compiler is compiled in).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
shift || true
out=.build-fuzz
mkdir -p "$out/corpus"
sources=$(find Sources/Inspect/Capture -name '*.swift' -not -path '*/Live/*' | sort)
swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name Inspect \
    -I Sources/CPcap -Xcc -fmodule-map-file=Sources/CPcap/module.modulemap \
    $sources Fuzz/CaptureFuzz.swift -lpcap -o "$out/capture-fuzz"
# Seeds: a pcap header alone, a pcapng section header, and any fixture files.
printf '\xd4\xc3\xb2\xa1\x02\x00\x04\x00\x00\x00\x00\x00\x00\x00\x00\x00\xff\xff\x00\x00\x01\x00\x00\x00' > "$out/corpus/pcap-header"
printf '\x0a\x0d\x0d\x0a\x1c\x00\x00\x00\x4d\x3c\x2b\x1a\x01\x00\x00\x00\xff\xff\xff\xff\xff\xff\xff\xff\x1c\x00\x00\x00' > "$out/corpus/pcapng-header"
for fixture in Tests/InspectTests/Fixtures/*.pcap Tests/InspectTests/Fixtures/*.pcapng; do
    [ -f "$fixture" ] && cp "$fixture" "$out/corpus/"
done
cd "$out"
./capture-fuzz -max_total_time="$seconds" -max_len=4096 -timeout=10 "$@" corpus
