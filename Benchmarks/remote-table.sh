#!/usr/bin/env bash
# One large socket table through ssh, against the same table read locally (issue #20's remote goal:
# the first table within 2x the local --json time). The agent runs inside network namespace NS,
# under an OpenSSH server started per connection in inetd mode (ProxyCommand `ip netns exec NS
# sshd -i`), so it sees the namespace's sockets; keys and known_hosts are generated here. Needs
# root, openssh-server, openssh-client, iproute2, python3.
#
#   NS=sbench bash Benchmarks/remote-table.sh             # a namespace that already holds the sockets
#   CONNECTIONS=10000 bash Benchmarks/remote-table.sh     # makes one with that many loopback connections
#   BIN=.build/release/socktui RUNS=5 NS=sbench bash Benchmarks/remote-table.sh
#
# Medians of RUNS whole commands, output to /dev/null:
#   local:  ip netns exec NS socktui sockets -t -p -i --json
#   remote: socktui sockets -t -p -i --json --host bench (ssh login, agent start, table, output)
#   ssh bench true (the login alone)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-5}
if [ -z "${BIN:-}" ]; then
    swift build -c release --product socktui >/dev/null
    BIN=$(swift build -c release --show-bin-path)/socktui
fi
bin=$(realpath "$BIN")
work=$(mktemp -d /tmp/socktui-remote-table.XXXXXX)
made=""
holder=""
cleanup() {
    [ -n "$holder" ] && kill -KILL "$holder" 2>/dev/null || true
    [ -n "$made" ] && ip netns delete "$made" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
if [ -z "${NS:-}" ]; then
    NS=socktui-rt-$$
    made=$NS
    ip netns add "$NS"
    ip -n "$NS" link set lo up
    ip netns exec "$NS" python3 -c "
import resource, socket, signal
n = ${CONNECTIONS:-10000}
hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 2 * n + 100), hard))
listener = socket.socket(); listener.bind(('127.0.0.1', 0)); listener.listen(4096)
held = []
for _ in range(n):
    client = socket.create_connection(listener.getsockname()); server, _ = listener.accept(); held += [client, server]
print('ready', flush=True)
signal.pause()" > "$work/holder.out" &
    holder=$!
    for _ in $(seq 1 600); do grep -q ready "$work/holder.out" 2>/dev/null && break; sleep 0.1; done
fi
. Benchmarks/lib/ssh-hosts.sh
ssh_hosts_init "$work"
ssh_hosts_add "$work" bench
echo "  ProxyCommand ip netns exec $NS /usr/sbin/sshd -i -f $work/bench-sshd" >> "$work/ssh_config"
remote=(--host bench --ssh-config "$work/ssh_config" --agent-command "$bin agent")
ssh -F "$work/ssh_config" bench true

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
timed() { for _ in $(seq 1 "$runs"); do /usr/bin/time -f "%e" "$@" 2>&1 >/dev/null | tail -1; done | median; }
rows() { python3 -c "import json, sys; print(len(json.load(sys.stdin)['sockets']))"; }

echo "== one table, sockets -t -p -i --json: namespace $NS, medians of $runs =="
echo "rows: local $(ip netns exec "$NS" "$bin" sockets -t -p -i --json | rows), through ssh $("$bin" sockets -t -p -i --json "${remote[@]}" | rows)"
local_time=$(timed ip netns exec "$NS" "$bin" sockets -t -p -i --json)
remote_time=$(timed "$bin" sockets -t -p -i --json "${remote[@]}")
login_time=$(timed ssh -F "$work/ssh_config" bench true)
echo "local:           ${local_time} s"
echo "through ssh:     ${remote_time} s"
echo "ssh login alone: ${login_time} s"
awk -v r="$remote_time" -v l="$local_time" 'BEGIN { printf "through ssh / local: %.2fx\n", r / l }'
