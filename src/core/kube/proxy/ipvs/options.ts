/**
 * @module core/kube/proxy/ipvs/options
 * What one IPVS proxier (one IP family) decides once, from the KubeProxyConfiguration and the
 * node (pkg/proxy/ipvs/proxier.go `NewProxier`, v1.33; cmd/kube-proxy/app/server_linux.go).
 */
import { KpathError } from '../../../errors.js'
import { IPVS_SCHEDULERS, type IpvsScheduler } from '../../../ipvs/model.js'
import type { Cluster, IPFamily } from '../../model.js'
import { goMarkText, type ProxyNodeContext } from '../context.js'
import { familyOf, formatGoCIDR, formatGoIP, parseCIDRSloppy, parseIPSloppy } from '../ip-text.js'
import { type LocalDetector, localDetector } from '../local-detector.js'
import { nodePortAddresses, nodePortIPs } from '../node-ports.js'
import { KUBE_IPVS0 } from './names.js'

export interface IpvsOptions {
  readonly family: IPFamily
  /** ipvs.scheduler, `rr` when empty (`defaultScheduler`). */
  readonly scheduler: IpvsScheduler
  /** iptables.masqueradeAll (server_linux.go passes the iptables field to the IPVS proxier). */
  readonly masqueradeAll: boolean
  /** Go's `%#08x` of `1 << masqueradeBit`. */
  readonly mark: string
  readonly hasRandomFully: boolean
  readonly detector: LocalDetector
  readonly nodeIP: string
  /**
   * Every local address of the family except kube-ipvs0's, loopback and IPv6 link-local
   * (`GetAllLocalAddressesExcept` with `isValidForSet`): external and LB IPs found here are not
   * bound to kube-ipvs0.
   */
  readonly nodeAddresses: readonly string[]
  /** The addresses NodePort virtual services are created on. */
  readonly nodePortIPs: readonly string[]
  /** ipvs.excludeCIDRs of this family: only spare existing services from cleanup. */
  readonly excludeCIDRs: readonly string[]
  /**
   * Terminating TCP endpoints are kept at weight 0 (the graceful termination manager's state
   * while they still have connections) rather than removed (none left).
   */
  readonly drainTerminating: boolean
}

function parseHost(text: string) {
  return parseIPSloppy(text.split('/')[0] ?? '')
}

/** `isValidForSet`: family matches, not loopback, not IPv6 link-local. */
function validForSet(text: string, family: IPFamily): string | undefined {
  const ip = parseHost(text)
  if (ip === undefined || familyOf(ip) !== family) return undefined
  if (ip.family === 4) return ip.value >>> 24 === 127 ? undefined : formatGoIP(ip)
  if (ip.value === 1n || ip.value >> 118n === 0x3fan) return undefined
  return formatGoIP(ip)
}

export function localAddresses(
  interfaces: Readonly<Record<string, readonly string[]>>,
  family: IPFamily,
): string[] {
  const out = new Set<string>()
  for (const [name, list] of Object.entries(interfaces)) {
    if (name === KUBE_IPVS0) continue
    for (const text of list) {
      const ip = validForSet(text, family)
      if (ip !== undefined) out.add(ip)
    }
  }
  return [...out]
}

function cidrsOf(list: readonly string[], family: IPFamily): string[] {
  const out: string[] = []
  for (const text of list) {
    const c = parseCIDRSloppy(text.trim())
    if (c && familyOf(c) === family) out.push(formatGoCIDR(c))
  }
  return out
}

/**
 * `rr` when unset; a name the kernel has no `ip_vs_<name>` module for makes kube-proxy's start-up
 * check (`CanUseIPVSProxier` adds a dummy service with it) fail, and kube-proxy exits.
 */
export function schedulerOf(name: string | undefined): IpvsScheduler {
  if (name === undefined || name === '') return 'rr'
  const found = IPVS_SCHEDULERS.find((s) => s === name)
  if (found !== undefined) return found
  throw new KpathError(
    'KPATH_INVALID_ARGUMENT',
    `ipvs.scheduler ${name} is not an IPVS scheduler`,
    {
      hint: `kube-proxy fails to start with it; use one of ${IPVS_SCHEDULERS.join(', ')}`,
    },
  )
}

export function ipvsOptions(
  cluster: Cluster,
  node: ProxyNodeContext,
  family: IPFamily,
  drainTerminating: boolean,
): IpvsOptions {
  const config = cluster.kubeProxy
  const nodeIP = node.nodeIPs[family]
  const nodeAddresses = localAddresses(node.interfaces, family)
  const npa = nodePortAddresses(config.nodePortAddresses, family, nodeIP)
  // MatchAll: every node address; otherwise the addresses inside the CIDRs, loopback dropped.
  const ports = npa.matchAll
    ? nodeAddresses
    : nodePortIPs(npa, node.interfaces).filter((ip) => validForSet(ip, family) !== undefined)
  return {
    family,
    scheduler: schedulerOf(config.ipvs?.scheduler),
    masqueradeAll: config.iptables.masqueradeAll,
    mark: node.masqueradeMark ?? goMarkText(2 ** config.iptables.masqueradeBit),
    hasRandomFully: node.hasRandomFully,
    detector: localDetector(
      config,
      cluster.nodes.find((n) => n.metadata.name === node.nodeName),
      family,
    ),
    nodeIP,
    nodeAddresses,
    nodePortIPs: ports,
    excludeCIDRs: cidrsOf(config.ipvs?.excludeCIDRs ?? [], family),
    drainTerminating,
  }
}
