# Sourced by the remote benchmarks: OpenSSH hosts made for one run, each an sshd inside a network
# namespace the caller created, reached through its own ssh_config (keys and known_hosts made here,
# nothing of the machine's ssh setup used). Needs root, openssh-server, openssh-client.
#
#   ssh_hosts_init WORK                 client key, authorized_keys, empty known_hosts and ssh_config
#   ssh_hosts_add WORK ALIAS [LISTEN]   a host key and sshd config WORK/ALIAS-sshd (listening on
#                                       127.0.0.1 when LISTEN is set), and a `Host ALIAS` block in
#                                       WORK/ssh_config; the caller appends its ProxyCommand line

ssh_hosts_init() {
    local work=$1
    mkdir -p -m 0755 /run/sshd
    ssh-keygen -q -t ed25519 -N '' -f "$work/client"
    cp "$work/client.pub" "$work/authorized_keys"
    : > "$work/known_hosts"
    : > "$work/ssh_config"
}

ssh_hosts_add() {
    local work=$1 alias=$2 listen=${3:-}
    ssh-keygen -q -t ed25519 -N '' -f "$work/$alias-key"
    echo "$alias $(cut -d' ' -f1,2 "$work/$alias-key.pub")" >> "$work/known_hosts"
    {
        if [ -n "$listen" ]; then
            echo "ListenAddress 127.0.0.1"
            echo "PidFile $work/$alias.pid"
        fi
        cat <<CONFIG
HostKey $work/$alias-key
AuthorizedKeysFile $work/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
StrictModes no
UsePAM no
LogLevel ERROR
CONFIG
    } > "$work/$alias-sshd"
    cat >> "$work/ssh_config" <<CONFIG
Host $alias
  User root
  IdentityFile $work/client
  IdentitiesOnly yes
  UserKnownHostsFile $work/known_hosts
  GlobalKnownHostsFile /dev/null
  StrictHostKeyChecking yes
  HostKeyAlias $alias
  BatchMode yes
CONFIG
}
