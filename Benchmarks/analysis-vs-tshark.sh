#!/usr/bin/env bash
# Capture analysis, socktui vs tshark, on the 1,000,000-packet pcap of capture-vs-tcpdump.sh's read
# mode (64-byte UDP datagrams to port 9 on the loopback of a network namespace this script
# creates). Needs root, iproute2, tshark, hyperfine, python3, cc.
#
#   bash Benchmarks/analysis-vs-tshark.sh
#   COUNT=200000 RUNS=3 bash Benchmarks/analysis-vs-tshark.sh
#   MIXED=1 bash Benchmarks/analysis-vs-tshark.sh    # also TCP-heavy traffic (make-mixed-pcap.py)
#
# Times, in one hyperfine run per pair (output to /dev/null):
#   socktui read F --stats conv,tcp     vs  tshark -r F -q -z conv,tcp
#   socktui read F --stats conv,udp     vs  tshark -r F -q -z conv,udp
#   socktui read F --follow udp,0       vs  tshark -r F -q -z follow,udp,raw,0
# then checks the results agree: the UDP conversation's frames and bytes, and the followed bytes.
set -euo pipefail
cd "$(dirname "$0")/.."
count=${COUNT:-1000000}
runs=${RUNS:-3}
ns=socktui-ana-$$
work=$(mktemp -d)
swift build -c release --product socktui >/dev/null
bin=$(swift build -c release --show-bin-path)/socktui
cc -O2 -o "$work/udpflood" Benchmarks/udpflood.c
ip netns add "$ns"
trap 'ip netns delete "$ns" 2>/dev/null || true; rm -rf "$work"' EXIT
ip netns exec "$ns" ip link set lo up

# The same file capture-vs-tcpdump.sh reads: socktui captures COUNT datagrams of a paced flood.
ip netns exec "$ns" "$bin" capture -i lo -c "$count" -w "$work/million.pcap" udp dst port 9 2>"$work/write.err" &
for _ in $(seq 1 100); do grep -q "capturing on" "$work/write.err" 2>/dev/null && break; sleep 0.1; done
ip netns exec "$ns" "$work/udpflood" $((count + count / 10)) 64 9 400000 2>/dev/null
wait
ls -l "$work/million.pcap"
f="$work/million.pcap"

hyperfine --warmup 1 --runs "$runs" -N --output=null \
    "$bin read $f --stats conv,tcp" "tshark -r $f -q -z conv,tcp"
hyperfine --warmup 1 --runs "$runs" -N --output=null \
    "$bin read $f --stats conv,udp" "tshark -r $f -q -z conv,udp"
hyperfine --warmup 1 --runs "$runs" -N --output=null \
    "$bin read $f --follow udp,0" "tshark -r $f -q -z follow,udp,raw,0"
/usr/bin/time -f "socktui read --follow udp,0: %e s, max RSS %M KB" "$bin" read "$f" --follow udp,0 > /dev/null
/usr/bin/time -o "$work/tshark.time" -f "tshark -z follow,udp,raw,0: %e s, max RSS %M KB" tshark -r "$f" -q -z follow,udp,raw,0 > /dev/null 2>&1
cat "$work/tshark.time"

echo "== results agree? =="
"$bin" read "$f" --stats conv,udp | grep "<->" | grep -v "^A " | awk '{print "socktui conv,udp:", $1, $3, "frames", $8, "bytes", $9}'
tshark -r "$f" -q -z conv,udp 2>/dev/null | grep "<->" | awk '{print "tshark  conv,udp:", $1, $3, "frames", $10, "bytes", $11, $12}'
"$bin" read "$f" --follow udp,0 --save-raw "$work/follow" > /dev/null 2>&1
tshark -r "$f" -q -z follow,udp,raw,0 2>/dev/null | python3 -c '
import sys
data = bytearray()
for line in sys.stdin:
    line = line.strip()
    if not line or line.startswith(("=", "Follow:", "Filter:", "Node ")): continue
    data += bytes.fromhex(line)
sys.stdout.buffer.write(data)' > "$work/tshark-follow"
echo "followed bytes: socktui $(wc -c < "$work/follow.node0"), tshark $(wc -c < "$work/tshark-follow"), equal: $(cmp -s "$work/follow.node0" "$work/tshark-follow" && echo yes || echo no)"

[ "${MIXED:-0}" = 1 ] || exit 0
echo "== mixed traffic (Benchmarks/make-mixed-pcap.py, 1,000,000 packets, mostly TCP) =="
python3 Benchmarks/make-mixed-pcap.py "$work/mixed.pcap" 1000000
m="$work/mixed.pcap"
ls -l "$m"
hyperfine --warmup 1 --runs "$runs" -N --output=null \
    "$bin read $m --stats conv,tcp" "tshark -r $m -q -z conv,tcp"
hyperfine --warmup 1 --runs "$runs" -N --output=null \
    "$bin read $m --follow tcp,0" "tshark -r $m -q -z follow,tcp,raw,0"
"$bin" read "$m" --stats conv,tcp | grep -c "<->" | awk '{print "socktui conv,tcp rows:", $1 - 1}'
tshark -r "$m" -q -z conv,tcp 2>/dev/null | grep -c "<->" | awk '{print "tshark  conv,tcp rows:", $1}'
"$bin" read "$m" --follow tcp,0 --save-raw "$work/tcp0" > /dev/null 2>&1
tshark -r "$m" -q -z follow,tcp,raw,0 2>/dev/null | python3 -c '
import sys
data = [bytearray(), bytearray()]
for line in sys.stdin:
    if not line.strip() or line.startswith(("=", "Follow:", "Filter:", "Node ")): continue
    data[1 if line.startswith("\t") else 0] += bytes.fromhex(line.strip())
open(sys.argv[1] + ".node0", "wb").write(data[0]); open(sys.argv[1] + ".node1", "wb").write(data[1])' "$work/tshark-tcp0"
for n in 0 1; do
    echo "tcp,0 node $n: socktui $(wc -c < "$work/tcp0.node$n"), tshark $(wc -c < "$work/tshark-tcp0.node$n") bytes, equal: $(cmp -s "$work/tcp0.node$n" "$work/tshark-tcp0.node$n" && echo yes || echo no)"
done
