/**
 * @module core/cni/calico/ipam-inputs
 * What the input already says about Calico addresses: the annotations Calico writes
 * (`cni.projectcalico.org/podIP(s)` on pods, `projectcalico.org/IPv4IPIPTunnelAddr` and
 * `IPv4VXLANTunnelAddr` on nodes, as the Kubernetes datastore keeps them), the annotations a user
 * writes (`cni.projectcalico.org/ipAddrs` for a fixed address, `cni.projectcalico.org/ipv4pools`
 * for the pools to draw from), and which pods the model places.
 */
import type { SourceLocation } from '../../errors.js'
import type { Cluster, Node, Pod } from '../../kube/model.js'
import { ipNumber } from './blocks.js'
import type { Finding } from './config-types.js'

export const ANNOTATION = {
  podIP: 'cni.projectcalico.org/podIP',
  podIPs: 'cni.projectcalico.org/podIPs',
  ipAddrs: 'cni.projectcalico.org/ipAddrs',
  ipv4Pools: 'cni.projectcalico.org/ipv4pools',
  nodeAddress: 'projectcalico.org/IPv4Address',
  ipipTunnel: 'projectcalico.org/IPv4IPIPTunnelAddr',
  vxlanTunnel: 'projectcalico.org/IPv4VXLANTunnelAddr',
  vxlanMac: 'projectcalico.org/VXLANTunnelMACAddr',
} as const

/** Pods the CNI plugin wires: bound to a node, not hostNetwork, running (or phase unset). */
export function calicoPods(cluster: Cluster): Pod[] {
  return cluster.pods.filter(
    (p) =>
      p.spec.nodeName !== undefined &&
      p.spec.hostNetwork !== true &&
      (p.status?.phase ?? 'Running') === 'Running',
  )
}

function parseJsonList(text: string): string[] | undefined {
  try {
    const v: unknown = JSON.parse(text)
    return Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : undefined
  } catch {
    return undefined
  }
}

/** An IPv4 address Calico or the user recorded for the pod, if any. */
export function annotatedPodIP(
  pod: Pod,
  where: SourceLocation | undefined,
  findings: Finding[],
): number | undefined {
  const a = pod.metadata.annotations ?? {}
  const podIPs = a[ANNOTATION.podIPs]
  const podIP = a[ANNOTATION.podIP]
  const ipAddrs = a[ANNOTATION.ipAddrs]
  const candidates: string[] = []
  if (podIPs !== undefined) candidates.push(...podIPs.split(','))
  if (podIP !== undefined) candidates.push(podIP)
  if (ipAddrs !== undefined) {
    const list = parseJsonList(ipAddrs)
    if (list === undefined) {
      findings.push({
        message: `${ANNOTATION.ipAddrs} is not a JSON list of addresses`,
        ...loc(where),
      })
    } else candidates.push(...list)
  }
  for (const c of candidates) {
    const n = ipNumber(c.trim())
    if (n !== undefined) return n
  }
  return undefined
}

/** `cni.projectcalico.org/ipv4pools` of a pod: pool names or CIDRs. */
export function podPoolRequest(pod: Pod, findings: Finding[], where?: SourceLocation) {
  const text = pod.metadata.annotations?.[ANNOTATION.ipv4Pools]
  if (text === undefined) return undefined
  const list = parseJsonList(text)
  if (list === undefined) {
    findings.push({ message: `${ANNOTATION.ipv4Pools} is not a JSON list of pools`, ...loc(where) })
  }
  return list
}

export function tunnelAnnotation(node: Node, kind: 'ipip' | 'vxlan'): number | undefined {
  const key = kind === 'ipip' ? ANNOTATION.ipipTunnel : ANNOTATION.vxlanTunnel
  const text = node.metadata.annotations?.[key]
  return text === undefined ? undefined : ipNumber(text)
}

function loc(where: SourceLocation | undefined): { location?: SourceLocation } {
  return where === undefined ? {} : { location: where }
}
