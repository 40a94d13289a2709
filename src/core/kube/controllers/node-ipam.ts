/**
 * @module core/kube/controllers/node-ipam
 * kube-controller-manager's node IPAM (the range allocator, `--allocate-node-cidrs`): each Node
 * without a podCIDR gets the next free subnet of the cluster CIDR, one per family.
 *
 * - The cluster CIDR is `networking.podSubnet` (kubeadm's podSubnet, kind's, or kube-proxy's
 *   clusterCIDR). Without one, kpath uses kind's default 10.244.0.0/16 so pods still get IPs.
 * - Subnet sizes: node-cidr-mask-size, default /24 for IPv4 and /64 for IPv6.
 * - As the allocator does on start-up, podCIDRs already on Nodes are marked used first; free
 *   subnets are then handed out lowest first to Nodes in input order (kind's nodes in config
 *   order: the control plane registers first and gets the first subnet).
 * - A full range is not an error in Kubernetes (the Node just gets no podCIDR and a
 *   CIDRNotAvailable event): kpath warns and leaves the Node without one.
 */
import { KpathError } from '../../errors.js'
import type { Node } from '../model.js'
import { indexIn, parseRanges, type Range, rangeSize, subnetAt } from './ranges.js'
import { type ClusterDraft, originOf, type Warning } from './types.js'

export const FALLBACK_POD_SUBNET = '10.244.0.0/16'

interface Pool {
  readonly range: Range
  readonly prefix: number
  readonly used: Set<bigint>
  next: bigint
}

export function allocateNodeCidrs(draft: ClusterDraft): ClusterDraft {
  const pools = parseRanges(draft.networking.podSubnet ?? FALLBACK_POD_SUBNET).map((range) =>
    pool(draft, range),
  )
  for (const node of draft.nodes) for (const c of givenCidrs(node)) markUsed(pools, c)
  const warnings: Warning[] = []
  const nodes = draft.nodes.map((node) => {
    const given = givenCidrs(node)
    if (given.length > 0) return withCidrs(node, given)
    const cidrs = pools.map((p) => take(p))
    if (cidrs.every((c) => c !== undefined)) return withCidrs(node, cidrs)
    warnings.push(exhausted(draft, node))
    return node
  })
  return { ...draft, nodes, warnings: [...draft.warnings, ...warnings] }
}

function pool(draft: ClusterDraft, range: Range): Pool {
  const size = draft.networking.nodeCidrMaskSize
  const prefix = range.family === 4 ? (size ?? 24) : size !== undefined && size > 32 ? size : 64
  if (prefix < range.prefix)
    throw new KpathError(
      'KPATH_INVALID_ARGUMENT',
      `node-cidr-mask-size /${prefix} is larger than the cluster CIDR's /${range.prefix}`,
      {
        hint: 'kube-controller-manager refuses to start; use a mask size at least the CIDR length',
      },
    )
  return { range, prefix, used: new Set(), next: 0n }
}

/** The node's podCIDRs as the API server keeps them: podCIDRs, else [podCIDR]. */
function givenCidrs(node: Node): readonly string[] {
  if (node.spec.podCIDRs !== undefined && node.spec.podCIDRs.length > 0) return node.spec.podCIDRs
  return node.spec.podCIDR === undefined ? [] : [node.spec.podCIDR]
}

function markUsed(pools: readonly Pool[], cidr: string): void {
  const [address = ''] = cidr.split('/')
  for (const p of pools) {
    const i = indexIn(p.range, address)
    if (i !== undefined) p.used.add(i >> BigInt(bitsPerSubnet(p)))
  }
}

function bitsPerSubnet(p: Pool): number {
  return (p.range.family === 4 ? 32 : 128) - p.prefix
}

function take(p: Pool): string | undefined {
  const count = rangeSize(p.range) >> BigInt(bitsPerSubnet(p))
  while (p.next < count && p.used.has(p.next)) p.next++
  if (p.next >= count) return undefined
  p.used.add(p.next)
  return subnetAt(p.range, p.prefix, p.next)
}

function withCidrs(node: Node, cidrs: readonly (string | undefined)[]): Node {
  const list = cidrs.filter((c): c is string => c !== undefined)
  return { ...node, spec: { ...node.spec, podCIDR: node.spec.podCIDR ?? list[0], podCIDRs: list } }
}

function exhausted(draft: ClusterDraft, node: Node): Warning {
  const location = originOf(draft, 'Node', node.metadata)
  return {
    message: `node ${node.metadata.name} gets no podCIDR: the cluster CIDR ${draft.networking.podSubnet ?? FALLBACK_POD_SUBNET} is used up (CIDRNotAvailable)`,
    ...(location === undefined ? {} : { location }),
  }
}
