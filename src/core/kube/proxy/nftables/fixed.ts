/**
 * @module core/kube/proxy/nftables/fixed
 * The part of the `kube-proxy` table that does not depend on Services (kube-proxy-spec.md
 * §3.1–3.2, following the v1.33-era unit tests' layout): base chains hooked into netfilter,
 * the dispatch maps, and the fixed helper chains.
 *
 * Filtering must see pre-DNAT addresses, so the firewall check runs at priority dstnat-10;
 * REJECT is only valid in input/forward/output, so the "no endpoints" checks hang off those.
 */
import { anonSetListed, anonSetTx } from './anon-set.js'
import type { BaseChain, NftChain, NftRule, NftSet, NftTable } from './model.js'
import { same } from './model.js'
import {
  CLUSTER_IPS,
  CLUSTER_IPS_CHECK,
  FIREWALL_CHECK,
  FIREWALL_IPS,
  MARK_MASQ,
  MASQUERADING,
  NO_ENDPOINT_NODEPORTS,
  NO_ENDPOINT_SERVICES,
  NODEPORT_ENDPOINTS_CHECK,
  NODEPORT_IPS,
  REJECT_CHAIN,
  SERVICE_ENDPOINTS_CHECK,
  SERVICE_IPS,
  SERVICE_NODEPORTS,
  SERVICES,
} from './names.js'
import { addrType, ipX, type NftOptions } from './options.js'

/** The sets and maps every service port writes elements into. */
export interface FixedSets {
  readonly clusterIPs: NftSet
  readonly nodePortIPs: NftSet | undefined
  readonly firewallIPs: NftSet
  readonly noEndpointNodePorts: NftSet
  readonly noEndpointServices: NftSet
  readonly serviceIPs: NftSet
  readonly serviceNodePorts: NftSet
}

function sets(o: NftOptions): FixedSets {
  const addr = addrType(o)
  const svcKey = [addr, 'inet_proto', 'inet_service'] as const
  const portKey = ['inet_proto', 'inet_service'] as const
  const map = (name: string, key: NftSet['key'], comment: string): NftSet => ({
    kind: 'map',
    name,
    key,
    value: 'verdict',
    comment,
    elements: [],
  })
  return {
    clusterIPs: {
      kind: 'set',
      name: CLUSTER_IPS,
      key: [addr],
      comment: 'Active ClusterIPs',
      elements: [],
    },
    nodePortIPs: o.nodePortsMatchAll
      ? undefined
      : {
          kind: 'set',
          name: NODEPORT_IPS,
          key: [addr],
          comment: 'IPs that accept NodePort traffic',
          elements: o.nodePortIPs.map((ip) => ({ key: [ip] })),
        },
    firewallIPs: map(
      FIREWALL_IPS,
      svcKey,
      'destinations that are subject to LoadBalancerSourceRanges',
    ),
    noEndpointNodePorts: map(
      NO_ENDPOINT_NODEPORTS,
      portKey,
      'vmap to drop or reject packets to service nodeports with no endpoints',
    ),
    noEndpointServices: map(
      NO_ENDPOINT_SERVICES,
      svcKey,
      'vmap to drop or reject packets to services with no endpoints',
    ),
    serviceIPs: map(SERVICE_IPS, svcKey, 'ClusterIP, ExternalIP and LoadBalancer IP traffic'),
    serviceNodePorts: map(SERVICE_NODEPORTS, portKey, 'NodePort traffic'),
  }
}

function chain(name: string, rules: NftRule[], base?: BaseChain, comment?: string): NftChain {
  return { name, rules, ...(base ? { base } : {}), ...(comment === undefined ? {} : { comment }) }
}

const newJump = (to: string): NftRule => same(`ct state new jump ${to}`)

function clusterIPsCheck(o: NftOptions): NftRule[] {
  const ip = ipX(o)
  const rules = [
    same(
      `${ip} daddr @${CLUSTER_IPS} reject comment "Reject traffic to invalid ports of ClusterIPs"`,
    ),
  ]
  if (o.serviceCIDRs.length > 0) {
    const tail = 'drop comment "Drop traffic to unallocated ClusterIPs"'
    rules.push({
      tx: `${ip} daddr ${anonSetTx(o.serviceCIDRs)} ${tail}`,
      listed: `${ip} daddr ${anonSetListed(o.serviceCIDRs, o.family)} ${tail}`,
    })
  }
  return rules
}

/** `mark set mark or M` and friends, as written and as nft lists them (`0x%08x`). */
function masqueradingRules(o: NftOptions): { mark: NftRule[]; masq: NftRule[] } {
  const m = o.markText
  const hex = `0x${o.markValue.toString(16).padStart(8, '0')}`
  return {
    mark: [{ tx: `mark set mark or ${m}`, listed: `meta mark set meta mark | ${hex}` }],
    masq: [
      { tx: `mark and ${m} == 0 return`, listed: `meta mark & ${hex} == 0x00000000 return` },
      { tx: `mark set mark xor ${m}`, listed: `meta mark set meta mark ^ ${hex}` },
      same('masquerade fully-random'),
    ],
  }
}

/** NodePort destinations: the `nodeport-ips` set, or any local address but loopback. */
function nodePortMatch(o: NftOptions, withFib: boolean): string {
  const ip = ipX(o)
  if (!o.nodePortsMatchAll) return `${ip} daddr @${NODEPORT_IPS}`
  const notLoopback = `${ip} daddr != ${o.family === 'IPv4' ? '127.0.0.0/8' : '::1'}`
  return withFib ? `fib daddr type local ${notLoopback}` : notLoopback
}

function fixedChains(o: NftOptions): NftChain[] {
  const ip = ipX(o)
  const tuple = `${ip} daddr . meta l4proto . th dport vmap`
  const { mark, masq } = masqueradingRules(o)
  return [
    chain(CLUSTER_IPS_CHECK, clusterIPsCheck(o)),
    chain('filter-prerouting-pre-dnat', [newJump(FIREWALL_CHECK)], {
      type: 'filter',
      hook: 'prerouting',
      priority: -110,
    }),
    chain('filter-output-pre-dnat', [newJump(FIREWALL_CHECK)], {
      type: 'filter',
      hook: 'output',
      priority: -110,
    }),
    chain('filter-forward', [newJump(SERVICE_ENDPOINTS_CHECK), newJump(CLUSTER_IPS_CHECK)], {
      type: 'filter',
      hook: 'forward',
      priority: 0,
    }),
    chain('filter-input', [newJump(NODEPORT_ENDPOINTS_CHECK), newJump(SERVICE_ENDPOINTS_CHECK)], {
      type: 'filter',
      hook: 'input',
      priority: 0,
    }),
    chain('filter-output', [newJump(SERVICE_ENDPOINTS_CHECK), newJump(CLUSTER_IPS_CHECK)], {
      type: 'filter',
      hook: 'output',
      priority: 0,
    }),
    chain(FIREWALL_CHECK, [same(`${tuple} @${FIREWALL_IPS}`)]),
    chain(MARK_MASQ, mark),
    chain(MASQUERADING, masq),
    chain('nat-output', [same(`jump ${SERVICES}`)], {
      type: 'nat',
      hook: 'output',
      priority: -100,
    }),
    chain('nat-postrouting', [same(`jump ${MASQUERADING}`)], {
      type: 'nat',
      hook: 'postrouting',
      priority: 100,
    }),
    chain('nat-prerouting', [same(`jump ${SERVICES}`)], {
      type: 'nat',
      hook: 'prerouting',
      priority: -100,
    }),
    chain(NODEPORT_ENDPOINTS_CHECK, [
      same(`${nodePortMatch(o, false)} meta l4proto . th dport vmap @${NO_ENDPOINT_NODEPORTS}`),
    ]),
    chain(
      REJECT_CHAIN,
      [same('reject')],
      undefined,
      'helper for @no-endpoint-services / @no-endpoint-nodeports',
    ),
    chain(SERVICES, [
      same(`${tuple} @${SERVICE_IPS}`),
      same(`${nodePortMatch(o, true)} meta l4proto . th dport vmap @${SERVICE_NODEPORTS}`),
    ]),
    chain(SERVICE_ENDPOINTS_CHECK, [same(`${tuple} @${NO_ENDPOINT_SERVICES}`)]),
  ]
}

/** A fresh table holding the fixed objects, and handles on the sets services fill. */
export function setupTable(o: NftOptions): { table: NftTable; sets: FixedSets } {
  const s = sets(o)
  const table: NftTable = {
    family: ipX(o),
    name: 'kube-proxy',
    comment: 'rules for kube-proxy',
    sets: [
      s.clusterIPs,
      ...(s.nodePortIPs ? [s.nodePortIPs] : []),
      s.firewallIPs,
      s.noEndpointNodePorts,
      s.noEndpointServices,
      s.serviceIPs,
      s.serviceNodePorts,
    ],
    chains: fixedChains(o),
  }
  return { table, sets: s }
}
