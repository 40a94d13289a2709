/**
 * @module core/cni/kube-router/pod-plan
 * Which pods of a node the bridge plugin wires, and the facts both the node and the pod side
 * need: the pod's address in the node's pod CIDR (host-local hands out addresses of the range
 * kube-router writes into the conflist: the node's pod CIDR), the gateway (host-local's
 * default, the range's first address), and the veth name and MACs, drawn deterministically
 * with the helpers the other plugin models use (cluster/names, cni/bridge/names).
 *
 * A pod is wired when it is bound to the node, not hostNetwork, and has an IPv4 address in one
 * of the node's pod CIDRs; anything else is a problem `pod()` reports.
 */

import { deterministicMac } from '../../cluster/names.js'
import type { Pod } from '../../kube/model.js'
import { podsOnNode } from '../../kube/pods-by-node.js'
import { netnsName } from '../../model/cluster-state.js'
import { type Cidr, cidrContains, formatIPv4, parseAddr, parseCidr } from '../../net/ip.js'
import { hostVethName } from '../bridge/names.js'
import type { CniContext } from '../types.js'
import type { NodeView } from './node-view.js'

export interface PodPlan {
  readonly pod: Pod
  readonly netns: string
  readonly ip: string
  readonly prefixLen: number
  readonly broadcast: string | undefined
  readonly gateway: string
  readonly hostVeth: string
  readonly hostMac: string
  readonly podMac: string
}

export type PodProblem = { readonly pod: Pod; readonly message: string }

function podIPv4(pod: Pod): string | undefined {
  const all = [pod.status?.podIP, ...(pod.status?.podIPs ?? []).map((p) => p.ip)]
  return all.find((ip) => ip !== undefined && !ip.includes(':'))
}

function v4(c: Cidr | undefined): (Cidr & { family: 4 }) | undefined {
  return c?.family === 4 ? c : undefined
}

function plan(ctx: CniContext, pod: Pod, ip: string, subnet: Cidr & { family: 4 }): PodPlan {
  const netns = netnsName.pod(pod.metadata.namespace ?? 'default', pod.metadata.name)
  const node = pod.spec.nodeName ?? ''
  const host = hostVethName(ctx, node, pod)
  const len = subnet.len ?? 32
  return {
    pod,
    netns,
    ip,
    prefixLen: len,
    // netlink's AddrAdd fills in the broadcast of prefixes shorter than /31.
    broadcast: len < 31 ? formatIPv4((subnet.addr | ~subnet.mask) >>> 0) : undefined,
    gateway: formatIPv4((subnet.addr + 1) >>> 0),
    hostVeth: host,
    hostMac: deterministicMac(netnsName.node(node), host),
    podMac: deterministicMac(netns, 'eth0'),
  }
}

/** Classify one pod of the node: its plan, or why it is not wired. */
export function planPod(ctx: CniContext, node: NodeView, pod: Pod): PodPlan | PodProblem {
  const ip = podIPv4(pod)
  const key = `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`
  if (ip === undefined)
    return { pod, message: `pod ${key} has no IPv4 address; the bridge plugin gave it none` }
  const addr = parseAddr(ip)
  const subnet = node.podCIDRs4
    .map((c) => v4(parseCidr(c)))
    .find((c) => c !== undefined && addr !== undefined && cidrContains(c, addr))
  if (subnet === undefined)
    return {
      pod,
      message: `pod ${key} has IP ${ip} outside node ${node.name}'s pod CIDR ${node.podCIDRs4.join(', ') || '(none)'}; host-local only hands out the node's range`,
    }
  return plan(ctx, pod, ip, subnet)
}

export function isPlan(p: PodPlan | PodProblem): p is PodPlan {
  return 'ip' in p
}

/** A finished pod's sandbox is gone (the kubelet tears it down and CNI DEL runs). */
function live(p: Pod): boolean {
  return p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed'
}

/** The pods the bridge plugin wires on a node, in input order. */
export function podPlans(ctx: CniContext, node: NodeView): PodPlan[] {
  return podsOnNode(ctx.cluster, node.name)
    .filter((p) => p.spec.hostNetwork !== true && live(p))
    .map((p) => planPod(ctx, node, p))
    .filter(isPlan)
}
