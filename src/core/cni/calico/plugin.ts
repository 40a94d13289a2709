/**
 * @module core/cni/calico/plugin
 * The Calico CNI plugin model (Calico v3.22, calico-node with BIRD in a full mesh, felix's
 * iptables dataplane, calico-ipam) behind the {@link CniPlugin} contract, and the pod address
 * mapping the cluster assembly applies before it renders kube-proxy.
 *
 * **Pod addresses.** Calico ignores the node's podCIDR and hands out addresses from its pools'
 * blocks, so the addresses the loader's controllers gave pods (host-local style, from each
 * node's podCIDR) are not the ones a Calico cluster has. {@link calicoPodIPs} returns the
 * Calico address of every pod the plugin wires (`namespace/name` → IPv4); the assembly sets
 * each pod's `status.podIP(s)` from it and rebuilds the EndpointSlices before rendering
 * kube-proxy, so that Services point at the addresses the pods really have.
 * {@link withCalicoAddress} does that to one pod and also writes the annotations Calico's CNI
 * plugin writes (`cni.projectcalico.org/podIP(s)`), which makes the mapping a fixed point: the
 * cluster it produced maps to the same addresses, whatever becomes of the pods' source locations.
 */
import type { Cluster, Pod } from '../../kube/model.js'
import type { CniPlugin } from '../types.js'
import { ANNOTATION } from './ipam-inputs.js'
import { renderNode } from './node.js'
import { calicoPlan } from './plan.js'
import { renderPod } from './pod.js'

export const calicoPlugin: CniPlugin = {
  name: 'calico',
  node(ctx, node) {
    const plan = calicoPlan(ctx.cluster)
    // Cluster-wide findings are reported once, with the first node.
    if (node.node.metadata.name === ctx.cluster.nodes[0]?.metadata.name) {
      for (const f of plan.findings) ctx.unsupported(f.message, f.location)
    }
    return renderNode(plan, ctx, node)
  },
  pod(ctx, pod, node) {
    return renderPod(calicoPlan(ctx.cluster), ctx, pod, node)
  },
}

/**
 * Calico's address for every pod it wires, by `namespace/name`.
 *
 * @example
 * ```ts
 * const ips = calicoPodIPs(cluster) // Map { 'default/web-0' => '10.244.0.1', … }
 * ```
 */
export function calicoPodIPs(cluster: Cluster): ReadonlyMap<string, string> {
  return calicoPlan(cluster).ipam.podIPs
}

/**
 * The pod as a Calico cluster shows it once the CNI plugin ran: `status.podIP(s)` = `ip` (IPv6
 * addresses kept) and the `cni.projectcalico.org/podIP(s)` annotations.
 */
export function withCalicoAddress(pod: Pod, ip: string): Pod {
  const v6 = (pod.status?.podIPs ?? []).filter((p) => p.ip.includes(':'))
  return {
    ...pod,
    metadata: {
      ...pod.metadata,
      annotations: {
        ...pod.metadata.annotations,
        [ANNOTATION.podIP]: `${ip}/32`,
        [ANNOTATION.podIPs]: [`${ip}/32`, ...v6.map((p) => `${p.ip}/128`)].join(','),
      },
    },
    status: { ...pod.status, podIP: ip, podIPs: [{ ip }, ...v6] },
  }
}
