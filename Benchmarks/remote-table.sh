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
# RUNS rounds of these whole commands in turn (Benchmarks/in-turn.py), output to /dev/null;
# medians and ratios to the first:
#   local:  ip netns exec NS socktui sockets -t -p -i --json
#   remote: socktui sockets -t -p -i --json --host bench (ssh login, agent start, table, output)
#   the same through a shared connection (ControlMaster auto, ControlPersist 60: no login)
#   ssh bench true, both ways (the login alone; the shared one is the remote shell's start)
# and, to tell socktui's cost from this machine's login shell, the two remote commands again
# against host `plain`: the same sshd, but with Debian's default ~/.bashrc (/etc/skel/.bashrc,
# which returns at once in a non-interactive shell) bind-mounted over the user's in the sshd's own
# mount namespace. Root's ~/.bashrc on the machine these figures come from starts pyenv, and
# sshd's bash reads it before every remote command (0.13 s).
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
ssh_hosts_add "$work" plain
printf '  ProxyCommand ip netns exec %s unshare -m sh -c "mount --bind /etc/skel/.bashrc $HOME/.bashrc && exec /usr/sbin/sshd -i -f %s"\n' \
    "$NS" "$work/plain-sshd" >> "$work/ssh_config"
ssh -F "$work/ssh_config" bench true
ssh -F "$work/ssh_config" plain true

# A second configuration sharing one connection (ControlMaster/ControlPersist, as a user's own
# ssh_config may): commands after the first skip the login.
mkdir -m 0700 "$work/mux"
cp "$work/ssh_config" "$work/ssh_config_mux"
printf 'Host *\n  ControlMaster auto\n  ControlPath %s/mux/%%C\n  ControlPersist 60\n' "$work" >> "$work/ssh_config_mux"
for host in bench plain; do
    for config in ssh_config ssh_config_mux; do
        printf '#!/bin/sh\nexec %s sockets -t -p -i --json --host %s --ssh-config %s --agent-command "%s agent"\n' \
            "$bin" "$host" "$work/$config" "$bin" > "$work/$host-$config"
        chmod +x "$work/$host-$config"
    done
    ssh -F "$work/ssh_config_mux" "$host" true
done
rows() { python3 -c "import json, sys; print(len(json.load(sys.stdin)['sockets']))"; }

echo "== one table, sockets -t -p -i --json: namespace $NS, $runs rounds in turn =="
echo "rows: local $(ip netns exec "$NS" "$bin" sockets -t -p -i --json | rows), through ssh $("$work/bench-ssh_config" | rows)"
python3 Benchmarks/in-turn.py "$runs" "ip netns exec $NS $bin sockets -t -p -i --json" "$work/bench-ssh_config" \
    "$work/bench-ssh_config_mux" "ssh -F $work/ssh_config bench true" "ssh -F $work/ssh_config_mux bench true" \
    "$work/plain-ssh_config" "$work/plain-ssh_config_mux" "ssh -F $work/ssh_config_mux plain true"
for host in bench plain; do ssh -F "$work/ssh_config_mux" -O exit "$host" 2>/dev/null || true; done
