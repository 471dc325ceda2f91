#!/usr/bin/env bash
# Live capture and file reading, socktui vs tcpdump (and tshark), on loopback traffic inside a
# network namespace this script creates. Needs root, iproute2, tcpdump, tshark, hyperfine, cc.
#
#   bash Benchmarks/capture-vs-tcpdump.sh               # 2,000,000-datagram flood
#   COUNT=500000 bash Benchmarks/capture-vs-tcpdump.sh
#   READ=0 bash Benchmarks/capture-vs-tcpdump.sh        # live capture only
#   PRINT=1 READ=0 bash Benchmarks/capture-vs-tcpdump.sh # live, printing summary lines
#
# 1. Flood: COUNT 64-byte UDP datagrams on the namespace's lo (Benchmarks/udpflood.c, sendmmsg),
#    captured with `-w /dev/null` (PRINT=1: printing a summary line per packet to /dev/null, tcpdump
#    with TZ=UTC) and filter `udp dst port 9` by each tool in turn at the same
#    load, unpaced and paced; reports packets captured, kernel drops and the capture process's
#    own CPU time per captured packet (user + system, from /usr/bin/time).
# 2. Read: a 1,000,000-packet pcap written by socktui, summarised by `socktui read`,
#    `tcpdump -nn -r` (local time zone and TZ=UTC) and `tshark -r`, output discarded
#    (hyperfine -N --output=null: no shell). Then the same for 1,000,000 packets of mixed
#    web-like traffic (TCP with options, HTTP, DNS, ICMP; ~480 MB) from
#    Benchmarks/make-mixed-pcap.py, whole and its first 100,000.
#    READ_ONLY=1 skips the live part (no root or namespace needed): the flood file is then
#    written by Benchmarks/make-flood-pcap.py, in the shape the capture gives.
set -euo pipefail
cd "$(dirname "$0")/.."
count=${COUNT:-2000000}
ns=socktui-cap-$$
work=$(mktemp -d)
swift build -c release --product socktui >/dev/null
bin=$(swift build -c release --show-bin-path)/socktui
cc -O2 -o "$work/udpflood" Benchmarks/udpflood.c

# flood_read FILE: socktui and tcpdump (local zone and UTC) in one hyperfine run, then tshark.
flood_read() {
    local file=$1
    ls -l "$file"
    hyperfine -N --warmup 2 --runs 10 --output=null \
        "$bin read $file" \
        "env TZ=America/New_York $bin read $file" \
        "tcpdump -nn -r $file" \
        "env TZ=UTC tcpdump -nn -r $file"
    hyperfine -N --runs 2 --output=null "tshark -r $file"
    /usr/bin/time -f "socktui read: %e s, max RSS %M KB" "$bin" read "$file" > /dev/null
    /usr/bin/time -o "$work/tshark.time" -f "tshark -r: %e s, max RSS %M KB" tshark -r "$file" > /dev/null 2>&1
    cat "$work/tshark.time"
}

mixed_read() {
    echo "== reading mixed traffic (Benchmarks/make-mixed-pcap.py) =="
    python3 Benchmarks/make-mixed-pcap.py "$work/mixed.pcap" 1000000
    tcpdump -r "$work/mixed.pcap" -c 100000 -w "$work/mixed100k.pcap" 2>/dev/null
    ls -l "$work/mixed.pcap" "$work/mixed100k.pcap"
    hyperfine -N --warmup 2 --runs 10 --output=null \
        "$bin read $work/mixed100k.pcap" \
        "env TZ=UTC tcpdump -nn -r $work/mixed100k.pcap"
    hyperfine -N --warmup 1 --runs 3 --output=null \
        "$bin read $work/mixed.pcap" \
        "env TZ=UTC tcpdump -nn -r $work/mixed.pcap"
}
if [ "${READ_ONLY:-0}" = 1 ]; then
    trap 'rm -rf "$work"' EXIT
    echo "== reading a 1,000,000-packet flood pcap (Benchmarks/make-flood-pcap.py) =="
    python3 Benchmarks/make-flood-pcap.py "$work/million.pcap" 1000000
    flood_read "$work/million.pcap"
    mixed_read
    exit 0
fi

ip netns add "$ns"
trap 'ip netns delete "$ns" 2>/dev/null || true; rm -rf "$work"' EXIT
ip netns exec "$ns" ip link set lo up

# run_capture NAME RATE COMMAND...: capture during one flood; prints "captured dropped cpu_s".
run_capture() {
    local name=$1 rate=$2; shift 2
    ip netns exec "$ns" /usr/bin/time -o "$work/$name.time" -f "%U %S" "$@" >/dev/null 2>"$work/$name.err" &
    for _ in $(seq 1 100); do
        grep -qE "listening on|capturing on" "$work/$name.err" 2>/dev/null && break
        sleep 0.1
    done
    ip netns exec "$ns" "$work/udpflood" "$count" 64 9 "$rate" 2>"$work/flood.err"
    sleep 0.5
    pkill -INT -f -- "-i lo .*udp dst port 9" || true
    wait
    local captured dropped cpu
    captured=$(grep -oE "^[0-9]+ packets captured" "$work/$name.err" | grep -oE "^[0-9]+")
    dropped=$(grep -oE "^[0-9]+ packets dropped by kernel" "$work/$name.err" | grep -oE "^[0-9]+")
    cpu=$(awk '{print $1 + $2}' "$work/$name.time")
    echo "$captured $dropped $cpu"
}

# PRINT=1: both tools print a summary line per packet (to /dev/null; tcpdump with TZ=UTC, its
# fastest time zone) instead of writing -w /dev/null.
if [ "${PRINT:-0}" = 1 ]; then
    output=()
    what="printing summary lines"
else
    output=(-w /dev/null)
    what="-w /dev/null"
fi
echo "== live capture, $count datagrams of 64 bytes on lo, $what =="
printf "%-28s %-10s %12s %10s %10s %14s\n" tool rate captured dropped cpu_s ns_per_packet
for rate in 0 500000; do
    for tool in tcpdump socktui; do
        if [ "$tool" = tcpdump ]; then
            result=$(run_capture "tcpdump-$rate" "$rate" env TZ=UTC tcpdump -n -i lo "${output[@]}" udp dst port 9)
        else
            result=$(run_capture "socktui-$rate" "$rate" "$bin" capture -i lo "${output[@]}" udp dst port 9)
        fi
        read -r captured dropped cpu <<<"$result"
        label=$([ "$rate" = 0 ] && echo unpaced || echo "$rate/s")
        printf "%-28s %-10s %12s %10s %10s %14.1f\n" "$tool" "$label" "$captured" "$dropped" "$cpu" \
            "$(echo "$cpu $captured" | awk '{ if ($2 > 0) print $1 * 1e9 / $2; else print 0 }')"
    done
done

[ "${READ:-1}" = 0 ] && exit 0
echo "== reading a 1,000,000-packet pcap =="
ip netns exec "$ns" "$bin" capture -i lo -c 1000000 -w "$work/million.pcap" udp dst port 9 2>"$work/write.err" &
for _ in $(seq 1 100); do grep -q "capturing on" "$work/write.err" 2>/dev/null && break; sleep 0.1; done
ip netns exec "$ns" "$work/udpflood" 1100000 64 9 400000 2>/dev/null
wait
flood_read "$work/million.pcap"
mixed_read
