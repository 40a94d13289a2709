/**
 * @module core/kube/proxy/ipvs
 * kube-proxy's IPVS mode (pkg/proxy/ipvs/proxier.go, v1.33): per IP family the IPVS virtual
 * services with their real servers, the ipsets, the addresses bound to kube-ipvs0 and the
 * iptables-restore payload; per node the kube-ipvs0 link and the sysctls. README.md in this
 * folder lists what is followed and what is not.
 *
 * @example
 * const out = renderKubeProxy(cluster, proxyNodeContext(cluster)) // mode: ipvs
 * out.ipvs?.node.ipvs.services[0] // { key: { kind: 'addr', address: '10.96.0.1', port: 443 … } … }
 */
import type { IpSet } from '../../../ipset/model.js'
import type { IpvsService, IpvsState } from '../../../ipvs/model.js'
import type { Address, Link } from '../../../model/netns.js'
import type { Ruleset } from '../../../netfilter/rule.js'
import type { KubeProxyConfiguration } from '../../model.js'
import type { ServicePortPlan } from '../plan.js'
import { kubeProxyIpsets } from './ipsets.js'
import { KUBE_IPVS0 } from './names.js'
import { ipvsNodeRuleset } from './node-view.js'
import type { IpvsOptions } from './options.js'
import { buildIpvsTables, payloadText } from './rules.js'
import { syncServicePorts } from './sync.js'
import { type IpvsTimeouts, ipvsSysctls, ipvsTimeouts } from './sysctls.js'

export type { IpvsOptions } from './options.js'
export { ipvsOptions } from './options.js'
export type { IpvsTimeouts } from './sysctls.js'

/** One family's IPVS render; `payload`/`emitted`/`ruleset` read like an iptables render. */
export interface IpvsFamilyRender {
  /** The restore payload in kube-proxy's order (its IPVS tests do not sort). */
  readonly payload: string
  readonly emitted: string
  /** The node's iptables of this family after the sync. Lazy. */
  readonly ruleset: Ruleset
  readonly services: readonly IpvsService[]
  /** Every set of `ipsetInfo` (KUBE-… for IPv4, KUBE-6-… for IPv6), as `ipset save` shows it. */
  readonly ipsets: readonly IpSet[]
  /** Addresses bound to kube-ipvs0 (ClusterIPs, and external/LB IPs not on another link). */
  readonly bound: readonly string[]
}

export function renderIpvsFamily(
  plans: readonly ServicePortPlan[],
  o: IpvsOptions,
): IpvsFamilyRender {
  const r = syncServicePorts(plans, o)
  const bound = [...r.bound]
  r.entries.set('KUBE-IPVS-IPS', new Set(bound))
  const payload = payloadText(buildIpvsTables(r, o))
  const ipsets = kubeProxyIpsets(r.entries, o.family)
  let ruleset: Ruleset | undefined
  const family = o.family === 'IPv4' ? 4 : 6
  return {
    payload,
    emitted: payload,
    get ruleset() {
      ruleset ??= ipvsNodeRuleset(payload, family)
      return ruleset
    },
    services: r.services,
    ipsets,
    bound,
  }
}

/** What the node gets besides iptables: kube-ipvs0, its addresses, IPVS, ipsets, sysctls. */
export interface IpvsNodeRender {
  /** `ip link add kube-ipvs0 type dummy`: never brought up (kube-proxy does not), NOARP. */
  readonly link: Omit<Link, 'index' | 'mac'>
  /** Each bound address as `ip addr add X/32` (or /128) leaves it: scope global. */
  readonly addresses: readonly Address[]
  readonly ipvs: IpvsState
  readonly ipsets: readonly IpSet[]
  readonly sysctls: Readonly<Record<string, string>>
  /** `ipvs.tcpTimeout`/`tcpFinTimeout`/`udpTimeout` (IpvsState has no place for them). */
  readonly timeouts?: IpvsTimeouts
}

export function ipvsNode(
  families: readonly IpvsFamilyRender[],
  config: KubeProxyConfiguration,
): IpvsNodeRender {
  const addresses: Address[] = []
  for (const f of families)
    for (const local of f.bound) {
      const v6 = local.includes(':')
      addresses.push({
        iface: KUBE_IPVS0,
        family: v6 ? 6 : 4,
        local,
        prefixLen: v6 ? 128 : 32,
        scope: 'global',
      })
    }
  const timeouts = ipvsTimeouts(config)
  return {
    // ensureDummyDevice: netlink.LinkAdd with a zero-valued LinkAttrs sends IFLA_TXQLEN 0, so
    // the device has no transmit queue length (`ip link` prints no qlen).
    link: { name: KUBE_IPVS0, kind: 'dummy', mtu: 1500, up: false, noarp: true, txqlen: 0 },
    addresses,
    ipvs: { services: families.flatMap((f) => f.services), connections: [] },
    ipsets: families.flatMap((f) => f.ipsets),
    sysctls: ipvsSysctls(config),
    ...(timeouts === undefined ? {} : { timeouts }),
  }
}
