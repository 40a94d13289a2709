/**
 * @module core/kube/proxy/node-ports
 * `--nodeport-addresses` (pkg/proxy/util/nodeport_addresses.go, v1.33): which node addresses
 * accept NodePort traffic for one IP family. An empty list, or one without a CIDR of the family,
 * means every address ("match all"); `primary` stands for the node's IP of the family. The
 * matching addresses come from the node's interfaces.
 */

import { type Cidr, cidrContains } from '../../net/ip.js'
import type { IPFamily } from '../model.js'
import { familyOf, formatGoIP, hostCidr, parseCIDRSloppy, parseIPSloppy } from './ip-text.js'

export const NODE_PORT_ADDRESSES_PRIMARY = 'primary'

export interface NodePortAddresses {
  readonly matchAll: boolean
  readonly cidrs: readonly Cidr[]
  /** Some CIDR covers 127.0.0.1 (kube-proxy keeps localhost NodePorts only then). */
  readonly containsIPv4Loopback: boolean
}

const ZERO: Readonly<Record<IPFamily, string>> = { IPv4: '0.0.0.0/0', IPv6: '::/0' }
const IPV4_LOOPBACK = parseIPSloppy('127.0.0.1')

function selectCidrs(list: readonly string[], family: IPFamily, nodeIP: string): Cidr[] {
  const out: Cidr[] = []
  for (const text of list) {
    if (text === NODE_PORT_ADDRESSES_PRIMARY) {
      const ip = parseIPSloppy(nodeIP)
      if (ip && familyOf(ip) === family) out.push(hostCidr(ip))
      continue
    }
    const c = parseCIDRSloppy(text)
    if (c && familyOf(c) === family) out.push(c)
  }
  return out
}

/** `NewNodePortAddresses(family, list, primaryIP)`. */
export function nodePortAddresses(
  list: readonly string[],
  family: IPFamily,
  nodeIP: string,
): NodePortAddresses {
  const selected = selectCidrs(list, family, nodeIP)
  const cidrs = selected.length > 0 ? selected : selectCidrs([ZERO[family]], family, nodeIP)
  const zero = cidrs.find((c) => c.len === 0)
  const loop = IPV4_LOOPBACK
  return {
    matchAll: zero !== undefined,
    cidrs: zero ? [zero] : cidrs,
    containsIPv4Loopback: loop !== undefined && cidrs.some((c) => cidrContains(c, loop)),
  }
}

/**
 * `GetNodeIPs`: the interface addresses inside the CIDRs, each once. kube-proxy collects them
 * in a Go map (random order); we keep interface order.
 */
export function nodePortIPs(
  npa: NodePortAddresses,
  interfaces: Readonly<Record<string, readonly string[]>>,
): string[] {
  const seen = new Set<string>()
  for (const list of Object.values(interfaces)) {
    for (const text of list) {
      const ip = parseIPSloppy(text.split('/')[0] ?? '')
      if (ip && npa.cidrs.some((c) => cidrContains(c, ip))) seen.add(formatGoIP(ip))
    }
  }
  return [...seen]
}

/** True for 127.0.0.0/8 and ::1 (Go's `IP.IsLoopback`). */
export function isLoopback(ip: string): boolean {
  const a = parseIPSloppy(ip)
  if (!a) return false
  return a.family === 4 ? a.value >>> 24 === 127 : a.value === 1n
}
