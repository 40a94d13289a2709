#!/usr/bin/env bash
# The reference for the lab benchmarks: build, by hand, the namespaces of a flannel host-gw
# cluster (an underlay bridge, NODES nodes with a cni0 bridge, PODS pods per node, host-gw
# routes, the forwarding and rp_filter sysctls of each namespace), one command per action, as
# the kernel-lab note's scripts do. Everything lives in namespaces named PREFIX-*; nothing is
# created in the root namespace (veths are made inside a lab namespace with the peer moved to
# another).
#   lab-shell.sh up PREFIX NODES PODS      lab-shell.sh down PREFIX
set -euo pipefail
cmd=$1 P=$2
if [ "$cmd" = down ]; then
  for n in $(ip netns list | awk '{print $1}' | grep "^$P-" || true); do ip netns del "$n"; done
  exit 0
fi
NODES=$3 PODS=$4
mk() { ip netns add "$1"; ip -n "$1" link set lo up
  ip netns exec "$1" sysctl -qw net.ipv4.ip_forward="$2" net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0; }
mk "$P-ul" 0
ip -n "$P-ul" link add br0 type bridge; ip -n "$P-ul" link set br0 up
for i in $(seq "$NODES"); do
  n=$P-n$i; mk "$n" 1
  ip -n "$n" link add eth0 type veth peer name n$i netns "$P-ul"
  ip -n "$P-ul" link set n$i master br0 up
  ip -n "$n" addr add 10.39.0.$((10 + i))/24 dev eth0; ip -n "$n" link set eth0 up
  ip -n "$n" link add cni0 type bridge; ip -n "$n" addr add 10.244.$((i - 1)).1/24 dev cni0
  ip -n "$n" link set cni0 up
  for p in $(seq "$PODS"); do
    pod=$n-p$p; mk "$pod" 0
    ip -n "$n" link add veth$p type veth peer name eth0 netns "$pod"
    ip -n "$n" link set veth$p master cni0 up
    ip -n "$pod" addr add 10.244.$((i - 1)).$((1 + p))/24 dev eth0; ip -n "$pod" link set eth0 up
    ip -n "$pod" route add default via 10.244.$((i - 1)).1
  done
done
for i in $(seq "$NODES"); do for j in $(seq "$NODES"); do
  [ "$i" = "$j" ] || ip -n "$P-n$i" route add 10.244.$((j - 1)).0/24 via 10.39.0.$((10 + j))
done; done
