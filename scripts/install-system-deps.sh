#!/usr/bin/env bash
# Install the Debian packages kpath's live tests and benchmarks use: the real kernel tools that
# are the ground truth for the emulator, and what `kpath lab` runs (python3: its echo servers,
# flanneld forwarder and probe client; nfacct: kube-proxy's nfacct objects). Needs root. Safe to re-run.
set -euo pipefail
pkgs=(iproute2 iptables nftables ipset conntrack tshark python3 procps nfacct)
missing=()
for p in "${pkgs[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ "${#missing[@]}" -eq 0 ]; then
  echo "system packages present: ${pkgs[*]}"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "need root to install: ${missing[*]} (live kernel tests will be skipped without them)" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
# tshark's wireshark-common asks whether non-root users may capture: answer no, unasked.
echo 'wireshark-common wireshark-common/install-setuid boolean false' | debconf-set-selections
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
