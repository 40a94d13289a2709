/**
 * @module core/cluster/testing/flows-ipvs
 * kube-proxy's IPVS mode on the standard flows (issue 6 acceptance), on
 * examples/clusters/flows-ipvs.yaml (flannel host-gw, kube-proxy `mode: ipvs`): pod, node and
 * external → ClusterIP and NodePort, hairpin, ETP=Local, localhost NodePort. Each flow gives
 * the outcome in IPVS mode and, where it differs, the outcome of the same cluster in iptables
 * mode with the reason, for src/core/walk/flows-ipvs.test.ts.
 *
 * Where the values come from:
 * - IPVS takes requests only at LOCAL_IN and LOCAL_OUT (ip_vs_core.c ip_vs_ops4), and
 *   ip_vs_nat_xmit sends them on through __ip_vs_get_out_rt, which decrements the TTL of every
 *   packet that leaves the host (decrement_ttl), a node's own packets included. So a node's
 *   traffic to a Service arrives with one hop less than in iptables mode (where OUTPUT DNAT
 *   does not touch the TTL), and hairpin traffic is routed (63) instead of bridged (64).
 * - A node's socket reaching a ClusterIP picks the VIP itself as source (the kernel's local
 *   route for kube-ipvs0's address has `src` the VIP); kube-proxy's KUBE-MARK-MASQ then
 *   masquerades it to the node's address, so the server sees the node's address in both modes.
 * - Localhost NodePorts: kube-proxy binds no virtual service to 127.0.0.1 (loopback is not a
 *   NodePort address, `isValidForSet`) and sets no route_localnet in IPVS mode; kube-proxy's
 *   docs say localhost NodePorts are not supported there. The local stack refuses the SYN.
 * - ETP=Local on a node without a local endpoint: kube-proxy's IPVS `syncEndpoint` then uses
 *   the cluster endpoints (kubernetes#97081, "the reply will have the POD address and will be
 *   discarded") without masquerade (KUBE-NODE-PORT-LOCAL-TCP returns before KUBE-MARK-MASQ).
 *   flannel's own rule `! -s 10.244.0.0/16 -d 10.244.0.0/16 -j MASQUERADE` rescues it here
 *   (the server sees the node); without that rule the reply leaves beta by its default route
 *   and the client refuses it. iptables mode drops the packet (KUBE-EXTERNAL-SERVICES).
 */
export const IPVS_FLOWS_FILE = 'examples/clusters/flows-ipvs.yaml'

export interface FlowExpect {
  readonly kind: 'delivered' | 'dropped' | 'refused'
  /** The namespace where it was delivered, dropped or refused. */
  readonly netns: string
  readonly ttl?: number
  /** The source address the receiving socket sees. */
  readonly serverSaw?: string
  /** A drop's reason, as a regular expression source. */
  readonly reason?: string
  /** How the reply of a delivered request ends at the sender (default: delivered). */
  readonly reply?: 'delivered' | 'refused'
}

export interface IpvsFlow {
  readonly name: string
  readonly from: string
  readonly to: string
  readonly port?: number
  readonly proto: 'tcp' | 'icmp'
  /** `--add-rule` edits (TARGET:iptables ARGS) applied in both modes. */
  readonly rules?: readonly string[]
  readonly ipvs: FlowExpect
  /** iptables mode, when it differs, and why. */
  readonly iptables?: FlowExpect
  readonly difference?: string
}

const A1 = 'pod-default-web-alpha-1'
const A2 = 'pod-default-web-alpha-2'
const B1 = 'pod-default-web-beta-1'
const ALPHA = 'node-alpha'
const CLIENT = 'ext-client'
const N1 = '10.39.0.11'

const toB1 = (ttl: number, serverSaw: string): FlowExpect => ({
  kind: 'delivered',
  netns: B1,
  ttl,
  serverSaw,
})

const NO_FLANNEL_MASQ =
  'node/alpha:-t nat -D FLANNEL-POSTRTG ! -s 10.244.0.0/16 -d 10.244.0.0/16 -m comment --comment "flanneld masq" -j MASQUERADE --random-fully'

const TTL_WHY = 'IPVS decrements the TTL of what it sends on (decrement_ttl), even a local packet'

export const IPVS_FLOWS: readonly IpvsFlow[] = [
  {
    name: 'same-node',
    from: 'pod/web-alpha-1',
    to: 'pod/web-alpha-2',
    proto: 'tcp',
    ipvs: { kind: 'delivered', netns: A2, ttl: 64, serverSaw: '10.244.0.2' },
  },
  {
    name: 'cross-node',
    from: 'pod/web-alpha-1',
    to: 'pod/web-beta-1',
    proto: 'tcp',
    ipvs: toB1(62, '10.244.0.2'),
  },
  {
    name: 'pod-clusterip',
    from: 'pod/web-alpha-1',
    to: 'svc/default/solo',
    proto: 'tcp',
    // Routed to kube-ipvs0's address, IPVS at LOCAL_IN (decrement), beta forwards: 62 as well.
    ipvs: toB1(62, '10.244.0.2'),
  },
  {
    name: 'node-clusterip',
    from: 'node/alpha',
    to: 'svc/default/solo',
    proto: 'tcp',
    ipvs: toB1(62, N1),
    iptables: toB1(63, N1),
    difference: TTL_WHY,
  },
  {
    name: 'node-own-nodeport',
    from: 'node/alpha',
    to: 'node/alpha',
    port: 30080,
    proto: 'tcp',
    ipvs: toB1(62, N1),
    iptables: toB1(63, N1),
    difference: TTL_WHY,
  },
  {
    name: 'external-nodeport',
    from: 'external/client',
    to: 'node/alpha',
    port: 30080,
    proto: 'tcp',
    ipvs: toB1(61, N1),
  },
  {
    name: 'pod-outside',
    from: 'pod/web-alpha-1',
    to: 'external/client',
    proto: 'icmp',
    ipvs: { kind: 'delivered', netns: CLIENT, ttl: 62, serverSaw: N1 },
  },
  {
    name: 'hairpin',
    from: 'pod/web-alpha-1',
    to: 'svc/default/self',
    proto: 'tcp',
    // KUBE-LOOP-BACK (dst,dst,src) masquerades to cni0's address in both modes.
    ipvs: { kind: 'delivered', netns: A1, ttl: 63, serverSaw: '10.244.0.1' },
    iptables: { kind: 'delivered', netns: A1, ttl: 64, serverSaw: '10.244.0.1' },
    difference: `routed back into cni0 by IPVS instead of bridged after a PREROUTING DNAT: ${TTL_WHY}`,
  },
  {
    name: 'localhost-nodeport',
    from: 'node/alpha',
    to: '127.0.0.1',
    port: 30080,
    proto: 'tcp',
    ipvs: { kind: 'refused', netns: ALPHA },
    iptables: toB1(63, N1),
    difference:
      'IPVS mode binds no virtual service to 127.0.0.1 (localhost NodePorts are not supported); iptables mode DNATs it (route_localnet=1)',
  },
  {
    name: 'etp-local-with-endpoint',
    from: 'external/client',
    to: 'node/beta',
    port: 30081,
    proto: 'tcp',
    ipvs: toB1(62, '203.0.113.10'),
  },
  {
    name: 'etp-local-without-endpoint',
    from: 'external/client',
    to: 'node/alpha',
    port: 30081,
    proto: 'tcp',
    ipvs: toB1(61, N1),
    iptables: { kind: 'dropped', netns: ALPHA, reason: '^DROP by netfilter$' },
    difference:
      "IPVS falls back to the cluster endpoints (kubernetes#97081), unmasqueraded; flannel's masquerade rule makes it work; iptables mode drops it",
  },
  {
    name: 'etp-local-without-endpoint-no-flannel-masq',
    from: 'external/client',
    to: 'node/alpha',
    port: 30081,
    proto: 'tcp',
    rules: [NO_FLANNEL_MASQ],
    ipvs: { ...toB1(61, '203.0.113.10'), reply: 'refused' },
    iptables: { kind: 'dropped', netns: ALPHA, reason: '^DROP by netfilter$' },
    difference:
      'IPVS sends it to beta with the client’s source: the reply goes out of beta by its own route and the client refuses it',
  },
]
