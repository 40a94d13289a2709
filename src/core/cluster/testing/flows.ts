/**
 * @module core/cluster/testing/flows
 * The standard flows of issue 4, for every CNI model: same-node and cross-node pod→pod,
 * pod→ClusterIP, node→ClusterIP, external→NodePort, pod→outside and hairpin, on the example
 * clusters `examples/clusters/flows-*.yaml` (one per model, the same workload in each: see any
 * of their headers). Each flow says what the kernel does with it, for the emulator's
 * table-driven test (src/core/walk/flows.test.ts) and for the lab's kernel comparison.
 *
 * `from`/`to` are `kpath trace` references (core/app/refs); the packet is the CLI's first
 * packet (core/app/cluster-trace `firstPacket`: a TCP SYN, or a ping for `icmp`).
 *
 * Why the values are what they are (kernel-lab §2-§5, §9b; kube-proxy-spec):
 * - TTL at arrival: 64 minus one per IP forward. Bridged (same bridge, or a bridged DNAT under
 *   br_netfilter) keeps it; Calico routes even on one node (63); tunnels do not count.
 * - Source seen: kube-proxy masquerades what is not from the cluster CIDR (the node, an
 *   external client, underlay pods) and hairpin traffic; MASQUERADE takes the address of the
 *   output device (a tunnel's own address: tunl0, flannel.1, flannel0, vxlan.calico), or, for
 *   a device without one (cali*, tun-*), the first address of the namespace (the node's).
 *   The plain bridge plugin's ipMasq masquerades everything leaving the node's own pod subnet.
 * - Hairpin through a bridge needs hairpin mode on the pod's port (flannel, kube-router and
 *   kpath's default bridge config set it; the underlay example, like seed 000, does not).
 * - Underlay, external→NodePort: the DNAT happens on the bridged frame and the new destination
 *   lies behind the same bridge, so br_netfilter keeps it bridged (bridged_dnat) back out of the
 *   NIC port it came in by, which hairpin off forbids.
 */

export type FlowName =
  | 'same-node'
  | 'cross-node'
  | 'pod-clusterip'
  | 'node-clusterip'
  | 'external-nodeport'
  | 'pod-outside'
  | 'hairpin'

export interface FlowExpect {
  readonly kind: 'delivered' | 'dropped'
  /** The namespace where it was delivered or dropped. */
  readonly netns: string
  readonly ttl?: number
  /** The source address the receiving socket sees. */
  readonly serverSaw?: string
  /** The tunnel device the request is encapsulated by (an `encap` hop), or none. */
  readonly tunnel?: string
  /** A drop's reason, as a regular expression source. */
  readonly reason?: string
}

export interface Flow {
  readonly model: string
  /** Path from the repository root. */
  readonly file: string
  readonly name: FlowName
  readonly from: string
  readonly to: string
  readonly port?: number
  readonly proto: 'tcp' | 'icmp'
  readonly expect: FlowExpect
}

const A1 = 'pod-default-web-alpha-1'
const A2 = 'pod-default-web-alpha-2'
const B1 = 'pod-default-web-beta-1'
const CLIENT = 'ext-client'

/** What differs between models; everything else follows from the workload. */
interface ModelSpec {
  readonly model: string
  readonly file: string
  /** web-alpha-1's address, alpha's address. */
  readonly pod: string
  readonly node: string
  readonly sameNodeTtl: number
  /** The source web-beta-1 sees from web-alpha-1 (pod→pod and pod→ClusterIP). */
  readonly podSeen: string
  /** The source web-beta-1 sees from the node and from the external client. */
  readonly nodeSeen: string
  /** TTL at web-beta-1 for a packet the node sends (node→ClusterIP). */
  readonly nodeTtl: number
  readonly crossTtl: number
  readonly tunnel?: string
  /** The source web-alpha-1 sees from itself through `self`, or a drop reason. */
  readonly hairpin: { readonly seen: string; readonly ttl: number } | { readonly reason: string }
  /** TTL at the external client (63: only the router forwards; 62: the node too). */
  readonly outsideTtl: number
  readonly outsideSeen: string
  readonly nodePort?: { readonly reason: string }
}

function flowsOf(m: ModelSpec): Flow[] {
  const base = { model: m.model, file: `examples/clusters/${m.file}` }
  const tunnel = m.tunnel === undefined ? {} : { tunnel: m.tunnel }
  const toB1 = (ttl: number, seen: string) =>
    ({ kind: 'delivered', netns: B1, ttl, serverSaw: seen, ...tunnel }) as const
  const hairpin: FlowExpect =
    'reason' in m.hairpin
      ? { kind: 'dropped', netns: 'node-alpha', reason: m.hairpin.reason }
      : { kind: 'delivered', netns: A1, ttl: m.hairpin.ttl, serverSaw: m.hairpin.seen }
  const nodePort: FlowExpect = m.nodePort
    ? { kind: 'dropped', netns: 'node-alpha', reason: m.nodePort.reason }
    : toB1(61, m.nodeSeen)
  const flow = (name: FlowName, from: string, to: string, expect: FlowExpect, more = {}): Flow => ({
    ...base,
    name,
    from,
    to,
    proto: 'tcp',
    expect,
    ...more,
  })
  return [
    flow('same-node', 'pod/web-alpha-1', 'pod/web-alpha-2', {
      kind: 'delivered',
      netns: A2,
      ttl: m.sameNodeTtl,
      serverSaw: m.pod,
    }),
    flow('cross-node', 'pod/web-alpha-1', 'pod/web-beta-1', toB1(m.crossTtl, m.podSeen)),
    flow('pod-clusterip', 'pod/web-alpha-1', 'svc/default/solo', toB1(m.crossTtl, m.podSeen)),
    flow('node-clusterip', 'node/alpha', 'svc/default/solo', toB1(m.nodeTtl, m.nodeSeen)),
    flow('external-nodeport', 'external/client', 'node/alpha', nodePort, { port: 30080 }),
    flow(
      'pod-outside',
      'pod/web-alpha-1',
      'external/client',
      { kind: 'delivered', netns: CLIENT, ttl: m.outsideTtl, serverSaw: m.outsideSeen },
      { proto: 'icmp' },
    ),
    flow('hairpin', 'pod/web-alpha-1', 'svc/default/self', hairpin),
  ]
}

const N1 = '10.39.0.11'
const RACK_N1 = '10.39.1.11'
const flannel = (file: string, model: string, tunnel?: string): ModelSpec => ({
  model,
  file,
  pod: '10.244.0.2',
  node: N1,
  sameNodeTtl: 64,
  podSeen: '10.244.0.2',
  // Through a tunnel the node's packets are masqueraded to the tunnel device's 10.244.0.0.
  nodeSeen: tunnel ? '10.244.0.0' : N1,
  nodeTtl: 63,
  crossTtl: 62,
  ...(tunnel ? { tunnel } : {}),
  hairpin: { seen: '10.244.0.1', ttl: 64 },
  outsideTtl: 62,
  outsideSeen: N1,
})
const calico = (file: string, model: string, pod: string, node: string, tunnel?: string) => ({
  model,
  file,
  pod,
  node,
  sameNodeTtl: 63,
  podSeen: pod,
  nodeSeen: tunnel ? '10.244.0.0' : node,
  nodeTtl: 63,
  crossTtl: 62,
  ...(tunnel ? { tunnel } : {}),
  // Routed back out of the same cali*, masqueraded; cali* has no address: the node's.
  hairpin: { seen: node, ttl: 63 },
  outsideTtl: 62,
  outsideSeen: node,
})
const kubeRouter = (file: string, model: string, node: string, tunnel: string) => ({
  model,
  file,
  pod: '10.244.0.2',
  node,
  sameNodeTtl: 64,
  podSeen: '10.244.0.2',
  // tun-* has no address: MASQUERADE takes the node's.
  nodeSeen: node,
  nodeTtl: 63,
  crossTtl: 62,
  tunnel,
  hairpin: { seen: '10.244.0.1', ttl: 64 },
  outsideTtl: 62,
  outsideSeen: node,
})

export const MODELS: readonly ModelSpec[] = [
  {
    ...flannel('flows-bridge.yaml', 'bridge (plain)'),
    // The bridge plugin's ipMasq: everything leaving 10.244.0.0/24 is masqueraded.
    podSeen: N1,
  },
  flannel('flows-flannel-host-gw.yaml', 'flannel host-gw'),
  flannel('flows-flannel-vxlan.yaml', 'flannel vxlan', 'flannel.1'),
  flannel('flows-flannel-udp.yaml', 'flannel udp', 'flannel0'),
  // Calico IPAM hands out the block's .0 when no tunnel takes it.
  calico('flows-calico-native.yaml', 'Calico native', '10.244.0.0', N1),
  calico('flows-calico-ipip-always.yaml', 'Calico ipip Always', '10.244.0.1', N1, 'tunl0'),
  calico(
    'flows-calico-ipip-crosssubnet.yaml',
    'Calico ipip CrossSubnet',
    '10.244.0.1',
    RACK_N1,
    'tunl0',
  ),
  calico('flows-calico-vxlan.yaml', 'Calico vxlan', '10.244.0.1', N1, 'vxlan.calico'),
  kubeRouter('flows-kube-router-subnet.yaml', 'kube-router subnet overlay', RACK_N1, 'tun-1039212'),
  kubeRouter('flows-kube-router-full.yaml', 'kube-router full overlay', N1, 'tun-1039012'),
  {
    model: 'underlay pods on a host bridge',
    file: 'flows-underlay-bridge.yaml',
    pod: '10.39.0.101',
    node: N1,
    sameNodeTtl: 64,
    // Pods share the segment: bridged end to end, no routing.
    podSeen: '10.39.0.101',
    nodeSeen: N1,
    nodeTtl: 64,
    crossTtl: 64,
    hairpin: { reason: 'hairpin off on veth' },
    outsideTtl: 63,
    outsideSeen: '10.39.0.101',
    nodePort: { reason: 'hairpin off on eth0' },
  },
]

/** Every model's seven flows. pod→ClusterIP from an underlay pod is masqueraded (see below). */
export const FLOWS: readonly Flow[] = MODELS.flatMap((m) =>
  flowsOf(m).map((f) =>
    // An underlay pod's address is outside the cluster CIDR: KUBE-MARK-MASQ, MASQUERADE.
    m.file === 'flows-underlay-bridge.yaml' && f.name === 'pod-clusterip'
      ? { ...f, expect: { ...f.expect, serverSaw: N1 } }
      : f,
  ),
)
