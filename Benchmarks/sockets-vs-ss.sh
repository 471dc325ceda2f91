#!/usr/bin/env bash
# Socket table refresh vs `ss -tanpi` over 10,000 established loopback TCP connections
# (20,000 sockets) held inside a network namespace this script creates, so the machine's own
# sockets are left alone and the set is known. Needs root, iproute2, hyperfine, python3.
#
#   bash Benchmarks/sockets-vs-ss.sh            # builds release, prints hyperfine's table
#   CONNECTIONS=2000 bash Benchmarks/sockets-vs-ss.sh
#
# Measures the default release build and the installable one (`--static-swift-stdlib`, in
# .build-static: no Swift runtime libraries to load at start), and `sockets -t -p -i --json` with
# its peak RSS. Its own files go to a fresh `mktemp -d` directory, removed at exit.
set -euo pipefail
cd "$(dirname "$0")/.."
connections=${CONNECTIONS:-10000}
ns=socktui-bench-$$
swift build -c release --product socktui >/dev/null
bin=$(swift build -c release --show-bin-path)/socktui
swift build -c release --static-swift-stdlib --scratch-path .build-static --product socktui >/dev/null
static=$(swift build -c release --static-swift-stdlib --scratch-path .build-static --show-bin-path)/socktui

work=$(mktemp -d)
ip netns add "$ns"
holder=""
cleanup() {
    [ -n "$holder" ] && kill $holder 2>/dev/null || true
    ip netns delete "$ns" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
ip netns exec "$ns" ip link set lo up
# Two processes (the hard descriptor limit here is 20,000): one accepts and holds the server
# ends, the other holds the client ends, all on the namespace's loopback.
ready=$(mktemp -d)
ip netns exec "$ns" python3 - "$connections" "$ready" <<'PY' &
import socket, sys, time, os
n, ready = int(sys.argv[1]), sys.argv[2]
server = socket.socket(); server.bind(("127.0.0.1", 40000)); server.listen(4096)
open(os.path.join(ready, "listening"), "w").close()
held = [server.accept()[0] for _ in range(n)]
open(os.path.join(ready, "server"), "w").close()
time.sleep(900)
PY
holder=$!
for _ in $(seq 1 100); do [ -f "$ready/listening" ] && break; sleep 0.1; done
ip netns exec "$ns" python3 - "$connections" "$ready" <<'PY' &
import socket, sys, time, os
n, ready = int(sys.argv[1]), sys.argv[2]
held = [socket.create_connection(("127.0.0.1", 40000)) for _ in range(n)]
open(os.path.join(ready, "client"), "w").close()
time.sleep(900)
PY
holder="$holder $!"
for _ in $(seq 1 600); do [ -f "$ready/server" ] && [ -f "$ready/client" ] && break; sleep 0.2; done
rm -rf "$ready"
echo "sockets in namespace: $(ip netns exec "$ns" ss -tan | wc -l)"
# Cold: one process per table, as a script would run it.
hyperfine --warmup 2 --runs 10 -N --output=null --export-json "$work/bench.json" \
    "ip netns exec $ns ss -tanpi" \
    "ip netns exec $ns $bin sockets -t -p -i" \
    "ip netns exec $ns $bin sockets -t -p -i --json" \
    "ip netns exec $ns ss -tan" \
    "ip netns exec $ns $bin sockets -t" \
    "ip netns exec $ns $static sockets -t -p -i" \
    "ip netns exec $ns $static sockets -t"
# Steady state: the Sockets panel refreshes in one process, owners cached between refreshes.
ip netns exec "$ns" "$bin" sockets -t -p -i --repeat-count 11 2>&1 >/dev/null | tee "$work/refresh.txt"
# Peak RSS (KiB) of one run each, as /usr/bin/time reports it (needs the `time` package).
for command in "ss -tanpi" "$bin sockets -t -p -i" "$bin sockets -t -p -i --json"; do
    /usr/bin/time -f "%M" -o "$work/rss.txt" -a ip netns exec "$ns" $command >/dev/null
done
python3 - "$work" <<'PY'
import json, statistics, re, sys, os
work = sys.argv[1]
results = json.load(open(os.path.join(work, "bench.json")))["results"]
ss_pi, st_pi, st_json, ss_plain, st_plain, static_pi, static_plain = (r["median"] for r in results)
warm = [float(m) for m in re.findall(r"refresh (?:[2-9]|1[01]): ([0-9.]+) s", open(os.path.join(work, "refresh.txt")).read())]
w = statistics.median(warm)
rss_ss, rss_text, rss_json = (int(line) / 1024 for line in open(os.path.join(work, "rss.txt")).read().split())
print(f"median: ss -tanpi {ss_pi:.3f} s, socktui sockets -t -p -i {st_pi:.3f} s (ratio {st_pi/ss_pi:.2f}x)")
print(f"median: socktui sockets -t -p -i --json {st_json:.3f} s (ratio {st_json/ss_pi:.2f}x)")
print(f"peak RSS: ss -tanpi {rss_ss:.0f} MiB, text {rss_text:.0f} MiB, --json {rss_json:.0f} MiB")
print(f"median: ss -tan {ss_plain:.3f} s, socktui sockets -t {st_plain:.3f} s (ratio {st_plain/ss_plain:.2f}x)")
print(f"static build: sockets -t -p -i {static_pi:.3f} s ({static_pi/ss_pi:.2f}x), sockets -t {static_plain:.3f} s ({static_plain/ss_plain:.2f}x)")
print(f"steady-state refresh with owners and tcp_info: {w:.3f} s = {w/ss_pi:.2f}x ss -tanpi")
PY
