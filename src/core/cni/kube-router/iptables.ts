/**
 * @module core/cni/kube-router/iptables
 * The iptables rules kube-router adds on a node, written as `iptables-save` prints them (so
 * that parsing and printing give the seed's lines back):
 *
 * - routing controller, `--enable-pod-egress` (pod_egress.go), appended to nat POSTROUTING,
 *   `--random-fully` because go-iptables finds iptables ≥ 1.6.2:
 *   `-m set --match-set kube-router-pod-subnets src -m set ! --match-set
 *   kube-router-pod-subnets dst -m set ! --match-set kube-router-node-ips dst -j MASQUERADE
 *   --random-fully` (seed 001, no comment);
 * - routing controller, always (`enableForwarding`): three filter FORWARD ACCEPT rules, each
 *   inserted at position 1, so the last inserted comes first;
 * - service proxy (`ensureMasqueradeIptablesRule`), appended to nat POSTROUTING: with
 *   `--masquerade-all` an SNAT of all IPVS-masqueraded traffic, and per pod CIDR
 *   `! -s CIDR ! -d CIDR -m ipvs --vdir ORIGINAL --vmethod MASQ -m comment --comment ""
 *   -j SNAT --to-source NODEIP --random-fully`. kube-router passes `--ipvs` too, which
 *   libxt_ipvs does not print when other ipvs options are set (seed 001 shows it without).
 *
 * The routing and proxy controllers start concurrently; kpath puts the egress rule first, the
 * order seen when the routing controller starts first (it is started first in pkg/cmd).
 */
import type { NodeUnderlay } from '../types.js'
import type { KubeRouterConfig } from './config.js'
import { KUBE_BRIDGE, NODE_IPS_SET, POD_SUBNETS_SET } from './names.js'
import type { NodeView } from './node-view.js'

const EGRESS =
  `-A POSTROUTING -m set --match-set ${POD_SUBNETS_SET} src -m set ! --match-set ${POD_SUBNETS_SET} dst ` +
  `-m set ! --match-set ${NODE_IPS_SET} dst -j MASQUERADE --random-fully`

const IPVS_MASQ = '-m ipvs --vdir ORIGINAL --vmethod MASQ -m comment --comment ""'

function ipvsMasquerade(cfg: KubeRouterConfig, node: NodeView): string[] {
  const ip = node.bestIPv4
  if (ip === undefined) return []
  const out: string[] = []
  if (cfg.options.masqueradeAll)
    out.push(`-A POSTROUTING ${IPVS_MASQ} -j SNAT --to-source ${ip} --random-fully`)
  // v1.x has one pod CIDR per node (nsc.podCidr); v2.x loops over them.
  const cidrs = cfg.major === 1 ? node.podCIDRs4.slice(0, 1) : node.podCIDRs4
  for (const c of cidrs)
    out.push(
      `-A POSTROUTING ! -s ${c} ! -d ${c} ${IPVS_MASQ} -j SNAT --to-source ${ip} --random-fully`,
    )
  return out
}

function forward(u: NodeUnderlay): string[] {
  const rule = (dir: string, comment: string) =>
    `-A FORWARD ${dir} -m comment --comment "${comment}" -j ACCEPT`
  return [
    rule(
      `-o ${u.iface}`,
      'allow outbound node port traffic on node interface with which node ip is associated',
    ),
    rule(`-o ${KUBE_BRIDGE}`, 'allow inbound traffic to pods'),
    rule(`-i ${KUBE_BRIDGE}`, 'allow outbound traffic from pods'),
  ]
}

function table(name: string, rules: readonly string[]): string {
  return rules.length === 0 ? '' : `*${name}\n${rules.map((r) => `${r}\n`).join('')}COMMIT\n`
}

/** kube-router's IPv4 rules for a node, as an iptables-restore payload (empty when none). */
export function kubeRouterIptables(cfg: KubeRouterConfig, u: NodeUnderlay, node: NodeView): string {
  const o = cfg.options
  const nat = [
    ...(o.runRouter && o.enablePodEgress ? [EGRESS] : []),
    ...(o.runServiceProxy ? ipvsMasquerade(cfg, node) : []),
  ]
  const filter = o.runRouter ? forward(u) : []
  return table('nat', nat) + table('filter', filter)
}
