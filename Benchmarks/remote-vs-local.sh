#!/usr/bin/env bash
# Remote hosts through ssh, measured on this machine: HOSTS network namespaces, each with its own
# OpenSSH server on the namespace's 127.0.0.1:22 (reached by a ProxyCommand that enters the
# namespace), keys and known_hosts generated here. Needs root, openssh-server, openssh-client,
# iproute2, python3, tcpdump, cc.
#
#   bash Benchmarks/remote-vs-local.sh                       # release build
#   BIN=.build/debug/socktui HOSTS=5 LISTENERS=500 bash Benchmarks/remote-vs-local.sh
#   PROXY=inetd bash Benchmarks/remote-vs-local.sh          # sshd -i per connection, no TCP relay
#
# 1. Sockets: each namespace holds LISTENERS TCP listeners. Local: `socktui sockets -t -p
#    --repeat-count 21` inside one namespace (one table). Merged: `socktui sockets -t -p
#    --repeat-count 21 --host h1 ... --host hHOSTS` from the root namespace: each refresh asks
#    every host in parallel over the open ssh links and waits for the last answer. Medians of
#    refreshes 2-21 (the first starts ssh / walks /proc cold).
# 2. Capture through ssh: COUNT 64-byte UDP datagrams (Benchmarks/udpflood.c) at RATE/s inside
#    host 1, captured there with the kernel filter `udp dst port 9` by `socktui capture --host h1
#    -w FILE` and by `ssh h1 tcpdump -U -w - | tcpdump -r - -w FILE` in turn; reports packets that
#    arrived here (counted by reading the file) and the remote kernel's drops.
set -euo pipefail
cd "$(dirname "$0")/.."
hosts=${HOSTS:-5}
listeners=${LISTENERS:-500}
count=${COUNT:-500000}
rates=${RATES-"100000 300000 0"}   # RATES="" skips the capture part
if [ -z "${BIN:-}" ]; then
    swift build -c release --product socktui >/dev/null
    BIN=$(swift build -c release --show-bin-path)/socktui
fi
bin=$(realpath "$BIN")
tag=$$
work=$(mktemp -d /tmp/socktui-remote-bench.XXXXXX)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do pkill -KILL -P "$pid" 2>/dev/null || true; kill -KILL "$pid" 2>/dev/null || true; done
    for i in $(seq 1 "$hosts"); do ip netns delete "socktui-rb-$tag-$i" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
cc -O2 -o "$work/udpflood" Benchmarks/udpflood.c
. Benchmarks/lib/ssh-hosts.sh
ssh_hosts_init "$work"
cat > "$work/proxy.py" <<'EOF'
import os, select, socket
s = socket.create_connection(("127.0.0.1", 22))
inputs = [0, s.fileno()]
while inputs:
    ready, _, _ = select.select(inputs, [], [])
    if 0 in ready:
        data = os.read(0, 65536)
        if data: s.sendall(data)
        else: s.shutdown(socket.SHUT_WR); inputs.remove(0)
    if s.fileno() in ready:
        data = s.recv(65536)
        if not data: break
        os.write(1, data)
EOF
host_args=()
for i in $(seq 1 "$hosts"); do
    ns=socktui-rb-$tag-$i alias=bench-$i
    ip netns add "$ns"
    ip -n "$ns" link set lo up
    ssh_hosts_add "$work" "$alias" listen
    # PROXY=inetd: ssh talks to an sshd started per connection in inetd mode (sshd -i) inside the
    # namespace over pipes; default: the namespace's listening sshd through a small TCP relay.
    if [ "${PROXY:-relay}" = inetd ]; then
        echo "  ProxyCommand ip netns exec $ns /usr/sbin/sshd -i -f $work/$alias-sshd" >> "$work/ssh_config"
    else
        echo "  ProxyCommand ip netns exec $ns python3 $work/proxy.py" >> "$work/ssh_config"
    fi
    ip netns exec "$ns" /usr/sbin/sshd -D -f "$work/$alias-sshd" & pids+=($!)
    ip netns exec "$ns" python3 -c "
import socket, sys
held = []
for _ in range($listeners):
    s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(1); held.append(s)
print('ready', flush=True)
import signal; signal.pause()" > "$work/$alias.listeners" & pids+=($!)
    host_args+=(--host "$alias")
done
# Ready when every host answers a plain ssh command.
for i in $(seq 1 "$hosts"); do
    for _ in $(seq 1 100); do ssh -F "$work/ssh_config" "bench-$i" true 2>/dev/null && break; sleep 0.1; done
    for _ in $(seq 1 100); do grep -q ready "$work/bench-$i.listeners" && break; sleep 0.1; done
done
remote=(--ssh-config "$work/ssh_config" --agent-command "$bin agent")

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
refreshes() { grep -oE "refresh ([2-9]|[1-9][0-9]+): [0-9.]+ s" | awk '{ print $3 }'; }

echo "== sockets: one local table vs $hosts hosts merged through ssh ($listeners listeners per host) =="
ip netns exec "socktui-rb-$tag-1" "$bin" sockets -t -p --repeat-count 21 2>"$work/local.err" >/dev/null
"$bin" sockets -t -p --repeat-count 21 "${remote[@]}" "${host_args[@]}" 2>"$work/merged.err" >/dev/null
local_median=$(refreshes < "$work/local.err" | median)
merged_median=$(refreshes < "$work/merged.err" | median)
rows=$(grep -oE "\([0-9]+ sockets from" "$work/merged.err" | tail -1 | grep -oE "[0-9]+")
echo "local table (1 namespace): median refresh ${local_median} s"
echo "merged ($hosts hosts, $rows rows): median refresh ${merged_median} s"
awk -v m="$merged_median" -v l="$local_median" 'BEGIN { printf "merged / local: %.2fx\n", m / l }'
/usr/bin/time -f "one-shot merged command (ssh start included): %e s" "$bin" sockets -t -p "${remote[@]}" "${host_args[@]}" >/dev/null
# One-shot JSON, as a script runs it: the whole command, local and merged, next to a bare ssh
# login (what the merged command cannot do without). Medians of 5.
oneshot() { for _ in 1 2 3 4 5; do /usr/bin/time -f "%e" "$@" 2>&1 >/dev/null | tail -1; done | median; }
echo "one-shot sockets --json, local (1 namespace): $(oneshot ip netns exec "socktui-rb-$tag-1" "$bin" sockets --json) s"
echo "one-shot sockets --json, $hosts hosts merged: $(oneshot "$bin" sockets --json "${remote[@]}" "${host_args[@]}") s"
echo "ssh login alone (ssh bench-1 true): $(oneshot ssh -F "$work/ssh_config" bench-1 true) s"

echo "== capture through ssh: $count datagrams of 64 bytes on bench-1's lo =="
printf "%-40s %-10s %12s %14s\n" tool rate arrived remote_drops
ns1=socktui-rb-$tag-1
for rate in $rates; do
    label=$([ "$rate" = 0 ] && echo unpaced || echo "$rate/s")
    # socktui: the agent's capture, streamed as pcapng chunks.
    "$bin" capture --host bench-1 "${remote[@]}" -i lo -w "$work/socktui.pcapng" udp dst port 9 2>"$work/socktui.err" &
    capture=$!
    for _ in $(seq 1 200); do grep -q "capturing on" "$work/socktui.err" 2>/dev/null && break; sleep 0.05; done
    ip netns exec "$ns1" "$work/udpflood" "$count" 64 9 "$rate" 2>/dev/null
    sleep 1
    kill -INT "$capture"; wait "$capture" || true
    arrived=$("$bin" read "$work/socktui.pcapng" 2>/dev/null | wc -l)
    drops=$(grep -oE "[0-9]+ packets dropped by kernel" "$work/socktui.err" | grep -oE "^[0-9]+")
    printf "%-40s %-10s %12s %14s\n" "socktui capture --host" "$label" "$arrived" "$drops"
    # tcpdump over ssh into a local tcpdump writing a file.
    ssh -F "$work/ssh_config" bench-1 "echo \$\$ > $work/remote-tcpdump.pid; exec tcpdump -n -i lo -U -w - udp dst port 9" 2>"$work/tcpdump.err" \
        | tcpdump -r - -w "$work/tcpdump.pcap" 2>/dev/null &
    pipeline=$!
    for _ in $(seq 1 200); do grep -q "listening on" "$work/tcpdump.err" 2>/dev/null && break; sleep 0.05; done
    ip netns exec "$ns1" "$work/udpflood" "$count" 64 9 "$rate" 2>/dev/null
    sleep 1
    kill -INT "$(cat "$work/remote-tcpdump.pid")" || true
    wait "$pipeline" || true
    arrived=$(tcpdump -r "$work/tcpdump.pcap" 2>/dev/null | wc -l)
    drops=$(grep -oE "[0-9]+ packets dropped by kernel" "$work/tcpdump.err" | grep -oE "^[0-9]+" || echo "?")
    printf "%-40s %-10s %12s %14s\n" "ssh tcpdump -U -w - | tcpdump -r -" "$label" "$arrived" "$drops"
done
