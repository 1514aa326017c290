#!/usr/bin/env bash
# Capture lost-tail on this machine's kernel (as root; needs iproute2, iptables, tshark,
# python3), in a throwaway network namespace: the first two segments carrying "hello"
# are dropped. Writes lost-tail.segments (the shared traces' format), .calls and .sysctl.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
ns=tcplocal$$
ip netns add $ns; trap 'ip netns del $ns' EXIT
ip netns exec $ns ip link set lo up
for _ in 1 2; do
  ip netns exec $ns iptables -A INPUT -p tcp --dport 9821 -m string --string "hello" --algo bm \
    -m statistic --mode nth --every 1000000 --packet 0 -j DROP
done
pcap=$(mktemp --suffix=.pcap)
ip netns exec $ns tshark -q -i lo -f "tcp port 9821" -w "$pcap" >/dev/null 2>&1 &
cap=$!
sleep 1.5
ip netns exec $ns python3 "$here/capture-lost-tail.py" > "$here/lost-tail.calls" 2>&1 || true
sleep 0.5
kill $cap; wait $cap 2>/dev/null || true
tshark -r "$pcap" -T fields -E separator=' ' -e frame.time_relative -e tcp.srcport -e tcp.dstport \
  -e tcp.flags.str -e tcp.seq -e tcp.ack -e tcp.len > "$here/lost-tail.segments" 2>/dev/null
{ uname -r; ip netns exec $ns sysctl -a 2>/dev/null | grep -E '^net\.ipv4\.tcp_(sack|timestamps|window_scaling|reordering|recovery|early_retrans|slow_start_after_idle|congestion_control|rto_min_us) '; } > "$here/lost-tail.sysctl"
rm -f "$pcap"
