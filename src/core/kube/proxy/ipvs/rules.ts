/**
 * @module core/kube/proxy/ipvs/rules
 * The iptables-restore payload of the IPVS proxier (`writeIptablesRules`,
 * `createAndLinkKubeChain`, `acceptIPVSTraffic`; pkg/proxy/ipvs/proxier.go, v1.33). IPVS
 * balances; iptables only marks for masquerade (by ipset), masquerades, filters access to the
 * VIPs and accepts what IPVS will take. kube-proxy writes nat chains, nat rules, filter chains,
 * filter rules, in that order, and always the same rules: a set's rule is left out only while
 * the set is empty.
 */

import { writeForwardAcceptRules, writeMasqueradeRules } from '../iptables/fixed.js'
import {
  addChain,
  addRule,
  emptyPayload,
  pushTable,
  type RestorePayload,
} from '../iptables/payload.js'
import { iptablesIfNotLocal } from '../local-detector.js'
import {
  FILTER_CHAINS,
  KUBE_IPVS_FILTER,
  KUBE_IPVS_OUT_FILTER,
  KUBE_LOAD_BALANCER,
  KUBE_MARK_MASQ,
  KUBE_NODE_PORT,
  KUBE_POSTROUTING,
  KUBE_PROXY_FIREWALL,
  KUBE_SERVICES,
  KUBE_SOURCE_RANGES_FIREWALL,
  NAT_CHAINS,
  type SetKey,
  setComment,
  setName,
} from './names.js'
import type { IpvsOptions } from './options.js'
import type { SyncResult } from './sync.js'

/** The same two tables as iptables mode; only the emission order differs (nat first). */
type Tables = RestorePayload

interface SetJump {
  readonly key: SetKey
  readonly table: 'nat' | 'filter'
  readonly from: string
  readonly to: string
  readonly match: string
  readonly proto?: string
}

/** `ipsetWithIptablesChain`, in order (the Local node-port sets must precede the others). */
const SET_JUMPS: readonly SetJump[] = [
  {
    key: 'KUBE-LOOP-BACK',
    table: 'nat',
    from: KUBE_POSTROUTING,
    to: 'MASQUERADE',
    match: 'dst,dst,src',
  },
  {
    key: 'KUBE-LOAD-BALANCER',
    table: 'nat',
    from: KUBE_SERVICES,
    to: KUBE_LOAD_BALANCER,
    match: 'dst,dst',
  },
  {
    key: 'KUBE-LOAD-BALANCER-LOCAL',
    table: 'nat',
    from: KUBE_LOAD_BALANCER,
    to: 'RETURN',
    match: 'dst,dst',
  },
  {
    key: 'KUBE-NODE-PORT-LOCAL-TCP',
    table: 'nat',
    from: KUBE_NODE_PORT,
    to: 'RETURN',
    match: 'dst',
    proto: 'tcp',
  },
  {
    key: 'KUBE-NODE-PORT-TCP',
    table: 'nat',
    from: KUBE_NODE_PORT,
    to: KUBE_MARK_MASQ,
    match: 'dst',
    proto: 'tcp',
  },
  {
    key: 'KUBE-NODE-PORT-LOCAL-UDP',
    table: 'nat',
    from: KUBE_NODE_PORT,
    to: 'RETURN',
    match: 'dst',
    proto: 'udp',
  },
  {
    key: 'KUBE-NODE-PORT-UDP',
    table: 'nat',
    from: KUBE_NODE_PORT,
    to: KUBE_MARK_MASQ,
    match: 'dst',
    proto: 'udp',
  },
  {
    key: 'KUBE-NODE-PORT-LOCAL-SCTP-HASH',
    table: 'nat',
    from: KUBE_NODE_PORT,
    to: 'RETURN',
    match: 'dst,dst',
    proto: 'sctp',
  },
  {
    key: 'KUBE-NODE-PORT-SCTP-HASH',
    table: 'nat',
    from: KUBE_NODE_PORT,
    to: KUBE_MARK_MASQ,
    match: 'dst,dst',
    proto: 'sctp',
  },
  {
    key: 'KUBE-LOAD-BALANCER-FW',
    table: 'filter',
    from: KUBE_PROXY_FIREWALL,
    to: KUBE_SOURCE_RANGES_FIREWALL,
    match: 'dst,dst',
  },
  {
    key: 'KUBE-LOAD-BALANCER-SOURCE-CIDR',
    table: 'filter',
    from: KUBE_SOURCE_RANGES_FIREWALL,
    to: 'RETURN',
    match: 'dst,dst,src',
  },
  {
    key: 'KUBE-LOAD-BALANCER-SOURCE-IP',
    table: 'filter',
    from: KUBE_SOURCE_RANGES_FIREWALL,
    to: 'RETURN',
    match: 'dst,dst,src',
  },
]

/** Build both tables of the payload, in kube-proxy's emission order. */
export function buildIpvsTables(r: SyncResult, o: IpvsOptions): Tables {
  const t: Tables = emptyPayload()
  for (const c of NAT_CHAINS) addChain(t.nat, c)
  for (const c of FILTER_CHAINS) addChain(t.filter, c)
  const has = (key: SetKey) => (r.entries.get(key)?.size ?? 0) > 0
  const name = (key: SetKey) => setName(key, o.family)
  const matchSet = (key: SetKey) =>
    ['-m', 'comment', '--comment', setComment(key)].concat('-m', 'set', '--match-set', name(key))
  // Connections to localhost never reach a service (IPVS would not take them anyway).
  addRule(
    t.nat,
    KUBE_SERVICES,
    '-s',
    o.family === 'IPv4' ? '127.0.0.0/8' : '::1/128',
    '-j',
    'RETURN',
  )
  for (const j of SET_JUMPS) {
    if (!has(j.key)) continue
    const proto = j.proto === undefined ? [] : ['-p', j.proto]
    addRule(t[j.table], j.from, proto, matchSet(j.key), j.match, '-j', j.to)
  }
  writeClusterIPMasquerade(t, has('KUBE-CLUSTER-IP'), matchSet('KUBE-CLUSTER-IP'), o)
  writeExternalIPRules(t, has, matchSet)
  addRule(t.nat, KUBE_SERVICES, '-m', 'addrtype', '--dst-type', 'LOCAL', '-j', KUBE_NODE_PORT)
  addRule(t.nat, KUBE_LOAD_BALANCER, '-j', KUBE_MARK_MASQ)
  addRule(t.filter, KUBE_SOURCE_RANGES_FIREWALL, '-j', 'DROP')
  // The node reaching an LB IP whose source ranges leave it out (kubernetes#119656): IPVS
  // picks the LB IP as source, so source and virtual address are both the LB IP.
  for (const e of r.noNodeAccess)
    addRule(
      t.filter,
      KUBE_IPVS_OUT_FILTER,
      ['-s', e.ip, '-m', 'ipvs', '--vaddr', e.ip, '--vproto', e.protocol],
      ['--vport', String(e.port), '-j', 'DROP'],
    )
  // acceptIPVSTraffic: the last KUBE-SERVICES rules, so nothing later can drop what IPVS takes.
  for (const key of ['KUBE-CLUSTER-IP', 'KUBE-LOAD-BALANCER'] as const)
    if (has(key))
      addRule(
        t.nat,
        KUBE_SERVICES,
        '-m',
        'set',
        '--match-set',
        name(key),
        'dst,dst',
        '-j',
        'ACCEPT',
      )
  writeFilterFixed(t, name, o)
  // KUBE-POSTROUTING and KUBE-MARK-MASQ, as in iptables mode (mark, XOR it away, masquerade).
  writeMasqueradeRules(t, o)
  return t
}

function writeClusterIPMasquerade(
  t: Tables,
  nonEmpty: boolean,
  matchSet: readonly string[],
  o: IpvsOptions,
): void {
  if (!nonEmpty) return
  if (o.masqueradeAll) addRule(t.nat, KUBE_SERVICES, matchSet, 'dst,dst', '-j', KUBE_MARK_MASQ)
  else if (o.detector.kind !== 'none')
    // Off-cluster traffic to a VIP (a static route to a node) may leave the node again.
    addRule(
      t.nat,
      KUBE_SERVICES,
      matchSet,
      'dst,dst',
      iptablesIfNotLocal(o.detector),
      '-j',
      KUBE_MARK_MASQ,
    )
  // Without a detector: the node's own connections whose source is a VIP on kube-ipvs0.
  else addRule(t.nat, KUBE_SERVICES, matchSet, 'src,dst', '-j', KUBE_MARK_MASQ)
}

function writeExternalIPRules(
  t: Tables,
  has: (key: SetKey) => boolean,
  matchSet: (key: SetKey) => string[],
): void {
  const accept = (args: readonly string[]) => {
    // Off-machine traffic (not bridged from a container, not from a local address) …
    addRule(
      t.nat,
      KUBE_SERVICES,
      args,
      '-m',
      'physdev',
      '!',
      '--physdev-is-in',
      '-m',
      'addrtype',
      '!',
      '--src-type',
      'LOCAL',
      '-j',
      'ACCEPT',
    )
    // … and external IPs that are the node's own addresses (GCE-style LB VIPs) stay local.
    addRule(t.nat, KUBE_SERVICES, args, '-m', 'addrtype', '--dst-type', 'LOCAL', '-j', 'ACCEPT')
  }
  if (has('KUBE-EXTERNAL-IP')) {
    const args = [...matchSet('KUBE-EXTERNAL-IP'), 'dst,dst']
    addRule(t.nat, KUBE_SERVICES, args, '-j', KUBE_MARK_MASQ)
    accept(args)
  }
  if (has('KUBE-EXTERNAL-IP-LOCAL')) accept([...matchSet('KUBE-EXTERNAL-IP-LOCAL'), 'dst,dst'])
}

function writeFilterFixed(t: Tables, name: (key: SetKey) => string, o: IpvsOptions): void {
  writeForwardAcceptRules(t, o.mark)
  const hc = 'KUBE-HEALTH-CHECK-NODE-PORT'
  addRule(
    t.filter,
    KUBE_NODE_PORT,
    '-m',
    'comment',
    '--comment',
    setComment(hc),
    '-m',
    'set',
    '--match-set',
    name(hc),
    'dst',
    '-j',
    'ACCEPT',
  )
  // kubernetes#72236: a VIP on kube-ipvs0 must not expose the node's own ports; what is not a
  // service port of it is rejected.
  const allowed: readonly [SetKey, string][] = [
    ['KUBE-LOAD-BALANCER', 'dst,dst'],
    ['KUBE-CLUSTER-IP', 'dst,dst'],
    ['KUBE-EXTERNAL-IP', 'dst,dst'],
    ['KUBE-EXTERNAL-IP-LOCAL', 'dst,dst'],
    [hc, 'dst'],
  ]
  for (const [key, dir] of allowed)
    addRule(t.filter, KUBE_IPVS_FILTER, '-m', 'set', '--match-set', name(key), dir, '-j', 'RETURN')
  addRule(
    t.filter,
    KUBE_IPVS_FILTER,
    '-m',
    'conntrack',
    '--ctstate',
    'NEW',
    '-m',
    'set',
    '--match-set',
    name('KUBE-IPVS-IPS'),
    'dst',
    '-j',
    'REJECT',
  )
}

/** The payload as kube-proxy hands it to `iptables-restore --noflush --counters`. */
export function payloadText(t: Tables): string {
  const out: string[] = []
  pushTable(out, 'nat', t.nat)
  pushTable(out, 'filter', t.filter)
  out.push('')
  return out.join('\n')
}
