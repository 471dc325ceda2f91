#!/usr/bin/env bash
# The Capture panel on a large file, socktui vs termshark: `socktui -r FILE` and `termshark -r FILE`
# each run in its own tmux session on the same pcap. Needs root (the file is captured from a
# loopback flood inside a network namespace this script creates), iproute2, tmux, termshark, cc.
#
#   bash Benchmarks/capture-panel-vs-termshark.sh                 # 1,000,000 packets of 522 bytes
#   COUNT=100000 bash Benchmarks/capture-panel-vs-termshark.sh
#   FILE=/path/x.pcap bash Benchmarks/capture-panel-vs-termshark.sh   # an existing file
#   LIMIT=300 ...                                                  # give termshark up to 300 s per step
#
# Measured for each tool, from the `tmux new-session` that starts it:
#   first rows  until the pane shows a packet row (polled every 50 ms with `tmux capture-pane`);
#               socktui also reports `first-frame` itself through SOCKTUI_TRACE_FILE
#   loaded      socktui: `index-done` from its trace; termshark: until no tshark child runs and its
#               progress bar is gone
#   filter      the display filter `udp.dstport == 9` (Wireshark syntax, both tools; socktui's
#               `bpf:udp dst port 9` too, libpcap's) typed, from its Enter: socktui until the frame
#               with the final "displayed N of M" (its trace's `filter-done`), termshark until it
#               reloaded the list (a tshark PSML child ran) and is idle again
#   peak RSS    the largest sum of VmRSS over the tool's process tree (termshark plus its tshark
#               children), sampled every 100 ms; for socktui also its own VmHWM
set -euo pipefail
cd "$(dirname "$0")/.."
count=${COUNT:-1000000}
size=${SIZE:-480}
limit=${LIMIT:-180}
work=$(mktemp -d)
ns=socktui-panel-$$
tmux_socket=socktui-panel-bench-$$
swift build -c release --product socktui >/dev/null
bin=$(swift build -c release --show-bin-path)/socktui
cleanup() {
    tmux -L "$tmux_socket" kill-server 2>/dev/null || true
    ip netns delete "$ns" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

file=${FILE:-}
if [ -z "$file" ]; then
    cc -O2 -o "$work/udpflood" Benchmarks/udpflood.c
    ip netns add "$ns"
    ip netns exec "$ns" ip link set lo up
    file=$work/panel.pcap
    ip netns exec "$ns" "$bin" capture -i lo -c "$count" -w "$file" udp dst port 9 2>"$work/write.err" &
    for _ in $(seq 1 100); do grep -q "capturing on" "$work/write.err" 2>/dev/null && break; sleep 0.1; done
    ip netns exec "$ns" "$work/udpflood" $((count + count / 10)) "$size" 9 300000 2>/dev/null
    wait
fi
bytes=$(stat -c %s "$file")
echo "file: $file, $bytes bytes"

now() { date +%s.%N; }
elapsed() { echo "$(now) $1" | awk '{ printf "%.3f", $1 - $2 }'; }
pane() { tmux -L "$tmux_socket" capture-pane -p -t "$1"; }

# tree_rss PID: the summed VmRSS (KiB) of PID and its descendants.
tree_rss() {
    local pids=$1 all=$1 next
    while [ -n "$pids" ]; do
        next=$(for p in $pids; do cat /proc/"$p"/task/*/children 2>/dev/null; done | tr '\n' ' ')
        all="$all $next"
        pids=$(echo "$next" | xargs)
    done
    for p in $all; do awk '/^VmRSS:/ { print $2 }' /proc/"$p"/status 2>/dev/null; done | awk '{ s += $1 } END { print s + 0 }'
}

# sample_peak PID OUT: writes the largest tree_rss seen to OUT until PID exits.
sample_peak() {
    local pid=$1 out=$2 peak=0 rss
    while kill -0 "$pid" 2>/dev/null; do
        rss=$(tree_rss "$pid")
        [ "$rss" -gt "$peak" ] && peak=$rss && echo "$peak" > "$out"
        sleep 0.1
    done
}

# wait_until SECONDS COMMAND...: polls every 50 ms; fails after SECONDS.
wait_until() {
    local deadline; deadline=$(echo "$(now) $1" | awk '{ printf "%.3f", $1 + $2 }'); shift
    until "$@"; do
        if awk -v n="$(now)" -v d="$deadline" 'BEGIN { exit !(n > d) }'; then return 1; fi
        sleep 0.05
    done
}

# Whether termshark (pid in $term_pid) is working: a tshark child runs (the packet list, the
# detail of the selected packet, a filter check) or its progress bar ("NN %") shows.
termshark_busy() {
    pgrep -P "$term_pid" tshark >/dev/null || tmux -L "$tmux_socket" capture-pane -p -t termshark | head -3 | grep -qE "[0-9]+ %"
}
termshark_idle() { ! termshark_busy; }

echo "== socktui -r =="
trace=$work/trace
start=$(now)
tmux -L "$tmux_socket" -f /dev/null new-session -d -s socktui -x 200 -y 50 "exec env SOCKTUI_TRACE_FILE=$trace $bin -r $file"
pid=$(tmux -L "$tmux_socket" display-message -p -t socktui '#{pane_pid}')
sample_peak "$pid" "$work/socktui.peak" &
wait_until 60 sh -c "tmux -L $tmux_socket capture-pane -p -t socktui | grep -q '127.0.0.1 '"
socktui_first=$(elapsed "$start")
wait_until 300 grep -q index-done "$trace"
socktui_loaded=$(awk '/^index-done/ { print $2 }' "$trace")
socktui_first_trace=$(awk '/^first-frame/ { print $2 }' "$trace")
tmux -L "$tmux_socket" send-keys -t socktui /
tmux -L "$tmux_socket" send-keys -t socktui -l "${SOCKTUI_FILTER:-udp.dstport == 9}"
filter_start=$(now)
tmux -L "$tmux_socket" send-keys -t socktui Enter
# The count shows as matches arrive; the trace says when the last chunk was drawn.
wait_until 300 grep -q filter-done "$trace"
socktui_filter=$(elapsed "$filter_start")
socktui_filter_trace=$(awk '/^filter-done/ { print $3 }' "$trace")
socktui_hwm=$(awk '/^VmHWM:/ { print $2 }' /proc/"$pid"/status)
pane socktui | sed -n 2,4p
tmux -L "$tmux_socket" send-keys -t socktui q
wait_until 10 sh -c "! kill -0 $pid 2>/dev/null" || kill "$pid"
sleep 0.2
socktui_peak=$(cat "$work/socktui.peak")
echo "first rows ${socktui_first} s (trace: first-frame ${socktui_first_trace} s), loaded ${socktui_loaded} s, filter ${socktui_filter} s (scan ${socktui_filter_trace} s), peak RSS $((socktui_peak / 1024)) MiB (VmHWM $((socktui_hwm / 1024)) MiB)"

echo "== termshark -r =="
start=$(now)
tmux -L "$tmux_socket" -f /dev/null new-session -d -s termshark -x 200 -y 50 "exec termshark -r $file"
pid=$(tmux -L "$tmux_socket" display-message -p -t termshark '#{pane_pid}')
term_pid=$pid
sample_peak "$pid" "$work/termshark.peak" &
term_first=unfinished term_loaded=unfinished term_filter=unfinished
if wait_until "$limit" sh -c "tmux -L $tmux_socket capture-pane -p -t termshark | grep -q '127.0.0.1 '"; then
    term_first=$(elapsed "$start")
    if wait_until "$limit" termshark_idle; then
        term_loaded=$(elapsed "$start")
        tmux -L "$tmux_socket" send-keys -t termshark /
        sleep 0.3
        tmux -L "$tmux_socket" send-keys -t termshark -l "udp.dstport == 9"
        filter_start=$(now)
        tmux -L "$tmux_socket" send-keys -t termshark Enter
        # termshark first checks the filter (tshark -Y on an empty file), then reloads the list.
        if wait_until 10 sh -c "pgrep -P $term_pid -f -- \"-T psml\" >/dev/null" && wait_until "$limit" termshark_idle; then term_filter=$(elapsed "$filter_start"); fi
    fi
fi
pane termshark | sed -n 1,3p
children=$(cat /proc/"$pid"/task/*/children 2>/dev/null || true)
kill "$pid" $children 2>/dev/null || true
sleep 0.3
term_peak=$(cat "$work/termshark.peak" 2>/dev/null || echo 0)
echo "first rows ${term_first} s, loaded ${term_loaded} s, filter ${term_filter} s, peak RSS $((term_peak / 1024)) MiB"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 > 0 && a + 0 > 0) printf "%.3f", a / b; else print "n/a" }'; }
echo "== ratios socktui / termshark =="
echo "first rows $(ratio "$socktui_first" "$term_first")  loaded $(ratio "$socktui_loaded" "$term_loaded")  filter $(ratio "$socktui_filter" "$term_filter")  peak RSS $(ratio "$socktui_peak" "$term_peak") (socktui VmHWM: $(ratio "$socktui_hwm" "$term_peak"))"
echo "socktui VmHWM / file size $(ratio "$((socktui_hwm * 1024))" "$bytes")"
