/**
 * @module core/cni/kube-router/node-view
 * A node as kube-router sees it (pkg/utils/node.go `KRNode`): its IPv4 addresses, InternalIPs
 * before ExternalIPs (`GetNodeIPv4Addrs`), the best one (`FindBestIPv4NodeAddress`: the first
 * InternalIP, else the first ExternalIP), and its IPv4 pod CIDRs.
 */

import type { Node } from '../../kube/model.js'
import { parseIPv4 } from '../../net/ip.js'
import type { CniContext } from '../types.js'

export interface NodeView {
  readonly name: string
  /** IPv4 InternalIPs, then IPv4 ExternalIPs. */
  readonly ipv4: readonly string[]
  readonly bestIPv4: string | undefined
  readonly podCIDRs4: readonly string[]
}

function v4Of(node: Node, type: 'InternalIP' | 'ExternalIP'): string[] {
  return node.status.addresses
    .filter((a) => a.type === type && parseIPv4(a.address) !== undefined)
    .map((a) => a.address)
}

export function nodeView(ctx: CniContext, node: Node): NodeView {
  const ipv4 = [...v4Of(node, 'InternalIP'), ...v4Of(node, 'ExternalIP')]
  const cidrs = ctx.podCIDRs.get(node.metadata.name) ?? node.spec.podCIDRs ?? []
  return {
    name: node.metadata.name,
    ipv4,
    bestIPv4: ipv4[0],
    podCIDRs4: cidrs.filter((c) => !c.includes(':')),
  }
}
