/**
 * @module core/cni/calico/ipam
 * Calico IPAM for the whole cluster: which blocks each node owns, each node's tunnel
 * addresses, and each pod's address. Calico ignores the node's `spec.podCIDR`; this is what
 * replaces the loader's host-local style addresses (see {@link calicoPodIPs} in plugin.ts).
 *
 * Order, as a cluster comes up:
 * 1. Block claims given in the input (BlockAffinity, IPAMBlock) are honoured.
 * 2. Addresses the input fixes are kept and claim their block for the node: the node's tunnel
 *    annotations, then each pod's Calico annotations (`cni.projectcalico.org/podIP(s)`, which
 *    Calico's CNI plugin writes on every pod it wires, so `kubectl get pods -o yaml` of a Calico
 *    cluster carries them; or `cni.projectcalico.org/ipAddrs`). A pod's `status.podIP` alone is
 *    not kept: the loader fills it host-local style when the input has none, and a Cluster does
 *    not say which addresses were written.
 * 3. Tunnel addresses (calico-node, before any pod): for each node in input order, one from an
 *    IPIP pool and one from a VXLAN pool that select the node, if such pools exist.
 * 4. Every other pod, in pod order, gets the lowest free address of its node's blocks, or of a
 *    newly claimed block.
 *
 * **Stand-in:** a node claims the lowest free block of the first pool that selects it; Calico
 * starts from a block chosen at random (seeded by the host name), so real block numbers differ
 * unless the input pins them (tunnel annotations, BlockAffinity, pod annotations).
 */
import { type Cluster, type Node, objectKey, type Pod } from '../../kube/model.js'
import { formatIPv4 } from '../../net/ip.js'
import { Block, blockBaseOf, blockBases, ipNumber, poolContains } from './blocks.js'
import type { CalicoConfig, Finding, IpPool } from './config-types.js'
import { annotatedPodIP, calicoPods, podPoolRequest, tunnelAnnotation } from './ipam-inputs.js'
import { matchesLabels } from './selector.js'

export interface NodeTunnels {
  readonly ipip?: string
  readonly vxlan?: string
}

export interface IpamPlan {
  /** Each node's blocks, in the order it claimed them. */
  readonly blocks: ReadonlyMap<string, readonly Block[]>
  /** `namespace/name` → IPv4 address. */
  readonly podIPs: ReadonlyMap<string, string>
  readonly tunnels: ReadonlyMap<string, NodeTunnels>
  readonly findings: readonly Finding[]
}

class Allocator {
  readonly byBase = new Map<number, Block>()
  readonly byNode = new Map<string, Block[]>()
  readonly findings: Finding[] = []

  constructor(readonly pools: readonly IpPool[]) {}

  poolOf(ip: number): IpPool | undefined {
    return this.pools.find((p) => poolContains(p, ip))
  }

  claim(pool: IpPool, base: number, node: string): Block {
    const block = new Block(pool, base, node)
    this.byBase.set(base, block)
    this.byNode.set(node, [...(this.byNode.get(node) ?? []), block])
    return block
  }

  /** The block holding `ip`, claimed for `node` when free; undefined outside every pool. */
  blockFor(ip: number, node: string): Block | undefined {
    const pool = this.poolOf(ip)
    if (!pool) return undefined
    const base = blockBaseOf(pool, ip)
    return this.byBase.get(base) ?? this.claim(pool, base, node)
  }

  /** The lowest free address in `node`'s blocks of `pools`, claiming a block when needed. */
  allocate(node: string, pools: readonly IpPool[]): string | undefined {
    for (const b of this.byNode.get(node) ?? []) {
      if (!pools.includes(b.pool)) continue
      const ip = b.next()
      if (ip !== undefined) return ip
    }
    for (const pool of pools) {
      for (const base of blockBases(pool)) {
        if (!this.byBase.has(base)) return this.claim(pool, base, node).next()
      }
    }
    return undefined
  }
}

function eligible(config: CalicoConfig, node: Node, use: 'workload' | 'tunnel'): IpPool[] {
  const labels = node.metadata.labels ?? {}
  return config.pools.filter(
    (p) =>
      !p.disabled &&
      (use === 'workload' ? p.forWorkloads : p.forTunnels) &&
      matchesLabels(p.nodeSelector, labels),
  )
}

export function planIpam(cluster: Cluster, config: CalicoConfig): IpamPlan {
  const a = new Allocator(config.pools)
  for (const c of config.claims) {
    const ip = ipNumber(c.cidr.split('/')[0] ?? '')
    const pool = ip === undefined ? undefined : a.poolOf(ip)
    if (ip === undefined || !pool) {
      a.findings.push({
        message: `block ${c.cidr} is in no IPv4 pool; its claim is ignored`,
        ...(c.location ? { location: c.location } : {}),
      })
    } else if (!a.byBase.has(ip)) a.claim(pool, ip, c.node)
  }
  const tunnels = new Map<string, { ipip?: string; vxlan?: string }>()
  for (const node of cluster.nodes) fixedTunnels(a, node, tunnels)
  const podIPs = new Map<string, string>()
  const pods = calicoPods(cluster)
  const pending = pods.filter((pod) => !fixedPod(a, cluster, pod, podIPs))
  for (const node of cluster.nodes) allocateTunnels(a, config, node, tunnels)
  const nodes = new Map(cluster.nodes.map((n) => [n.metadata.name, n]))
  for (const pod of pending) allocatePod(a, config, cluster, pod, nodes, podIPs)
  return { blocks: a.byNode, podIPs, tunnels, findings: a.findings }
}

function fixedTunnels(a: Allocator, node: Node, out: Map<string, NodeTunnels>): void {
  const name = node.metadata.name
  for (const kind of ['ipip', 'vxlan'] as const) {
    const ip = tunnelAnnotation(node, kind)
    if (ip === undefined) continue
    a.blockFor(ip, name)?.take(ip)
    out.set(name, { ...out.get(name), [kind]: formatIPv4(ip) })
  }
}

function fixedPod(a: Allocator, cluster: Cluster, pod: Pod, out: Map<string, string>): boolean {
  const node = pod.spec.nodeName ?? ''
  const where = cluster.locations.get(pod)
  const ip = annotatedPodIP(pod, where, a.findings)
  if (ip === undefined) return false
  const located = where ? { location: where } : {}
  const text = formatIPv4(ip)
  const block = a.blockFor(ip, node)
  if (block && block.node !== node) {
    a.findings.push({
      message: `pod ${objectKey(pod)} has ${text}, borrowed from ${block.node}'s block ${block.cidr}; BIRD's /32 route for it is not modelled`,
      ...located,
    })
  }
  if (block && !block.take(ip)) {
    a.findings.push({
      message: `pod ${objectKey(pod)} has ${text}, which another pod or tunnel already has`,
      ...located,
    })
  }
  out.set(objectKey(pod), text)
  return true
}

function allocateTunnels(
  a: Allocator,
  config: CalicoConfig,
  node: Node,
  out: Map<string, NodeTunnels>,
): void {
  const name = node.metadata.name
  const pools = eligible(config, node, 'tunnel')
  const have = out.get(name) ?? {}
  const want = {
    ipip: pools.filter((p) => p.ipipMode !== 'Never'),
    vxlan: pools.filter((p) => p.vxlanMode !== 'Never'),
  }
  const got: { ipip?: string; vxlan?: string } = { ...have }
  for (const kind of ['ipip', 'vxlan'] as const) {
    if (have[kind] !== undefined || want[kind].length === 0 || config.backend === 'none') continue
    // IPIP needs BIRD's routes; calico-node allocates its address only with the bird backend.
    if (kind === 'ipip' && config.backend !== 'bird') continue
    const ip = a.allocate(name, want[kind])
    if (ip === undefined)
      a.findings.push({ message: `no free address for ${name}'s ${kind} tunnel` })
    else got[kind] = ip
  }
  if (got.ipip !== undefined || got.vxlan !== undefined) out.set(name, got)
}

function allocatePod(
  a: Allocator,
  config: CalicoConfig,
  cluster: Cluster,
  pod: Pod,
  nodes: ReadonlyMap<string, Node>,
  out: Map<string, string>,
): void {
  const node = nodes.get(pod.spec.nodeName ?? '')
  const where = cluster.locations.get(pod)
  const located = where ? { location: where } : {}
  if (!node) {
    a.findings.push({
      message: `pod ${objectKey(pod)} is bound to unknown node ${pod.spec.nodeName}`,
      ...located,
    })
    return
  }
  const request = podPoolRequest(pod, a.findings, where) ?? config.cniPools
  const pools = eligible(config, node, 'workload').filter(
    (p) => request === undefined || request.includes(p.name) || request.includes(p.cidr),
  )
  const ip = pools.length === 0 ? undefined : a.allocate(node.metadata.name, pools)
  if (ip === undefined) {
    const why = pools.length === 0 ? 'no enabled IPv4 pool selects its node' : 'its pools are full'
    a.findings.push({ message: `pod ${objectKey(pod)} gets no Calico address: ${why}`, ...located })
    return
  }
  out.set(objectKey(pod), ip)
}
