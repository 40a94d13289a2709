/**
 * @module test/conformance/kube-proxy-modes-categories
 * The differences between kube-proxy's iptables and nftables modes that are ALLOWED, each named,
 * each with the condition (on the flow and the cluster) under which kube-proxy behaves
 * differently, and the shape the difference must take. A flow whose two traces differ must
 * satisfy one category's condition AND its shape; anything else is a bug to report.
 *
 * Conditions read kube-proxy's per-service-port facts and decisions (`planFamily`: ClusterIPs,
 * ports, node ports, LB VIPs, source ranges, "has endpoints"), which both backends share; shapes
 * read the two engine traces.
 */
import type { Cluster, IPFamily } from '../../src/core/kube/model.js'
import { nodePortAddresses } from '../../src/core/kube/proxy/node-ports.js'
import type { ServicePortPlan } from '../../src/core/kube/proxy/plan.js'
import { iptablesOptions, planFamily } from '../../src/core/kube/proxy/proxier.js'
import { type Addr, type Cidr, cidrContains, parseAddr, parseCidr } from '../../src/core/net/ip.js'
import type { TraceOutcome } from '../../src/core/netfilter/engine/index.js'
import type { ModeView } from './kube-proxy-modes.js'
import { fakeContext, type NodeJson } from './kube-proxy-render-cases.js'
import type { FlowAddress } from './kube-proxy-trace.js'

/** What the conditions may know about a flow. */
export interface FlowFacts {
  readonly flow: FlowAddress
  readonly src: Addr
  readonly dst: Addr
  readonly plans: readonly ServicePortPlan[]
  /** The source is one of the node's own addresses: the flow starts at OUTPUT. */
  readonly fromNode: boolean
  /** The destination is one of the node's addresses (or loopback): `--dst-type LOCAL`. */
  readonly toNode: boolean
  /** iptables mode serves localhost NodePorts (and so writes KUBE-FIREWALL), IPv4 only. */
  readonly iptablesLocalhostNodePorts: boolean
  /** nftables mode's NodePort rules cover the destination (nodePortAddresses, no loopback). */
  readonly nftNodePortAddress: boolean
  /** The ServiceCIDRs the nftables twin was given. */
  readonly serviceCIDRs: readonly Cidr[]
}

export interface Category {
  readonly name: string
  /** kube-proxy's condition for behaving differently, on the flow and the cluster. */
  holds(f: FlowFacts): boolean
  /** What the iptables and nftables traces must look like for such a flow. */
  shape(ipt: ModeView, nft: ModeView, f: FlowFacts): boolean
}

/** What the conditions read about one case, once: plans and each mode's node settings. */
export interface CaseFacts {
  readonly node: NodeJson
  readonly plans: readonly ServicePortPlan[]
  readonly iptablesLocalhostNodePorts: boolean
  /** nftables mode's NodePort address test (the twin's nodePortAddresses). */
  readonly nftNodePortAddress: (a: Addr) => boolean
  readonly serviceCIDRs: readonly Cidr[]
}

/**
 * The facts of a case: the service-port plans of its family (what both renderers start from),
 * iptables mode's localhost NodePorts, nftables mode's NodePort addresses (`nftCluster`).
 */
export function caseFacts(
  cluster: Cluster,
  nftCluster: Cluster,
  node: NodeJson,
  serviceCIDRs: readonly string[],
): CaseFacts {
  const family: IPFamily = node.fakeProxier.ipFamily
  const ctx = fakeContext(cluster, node)
  const fp = planFamily(cluster, ctx, family, () => {})
  const npa = nodePortAddresses(
    nftCluster.kubeProxy.nodePortAddresses,
    family,
    node.fakeProxier.nodeIP,
  )
  return {
    node,
    plans: fp.plans,
    iptablesLocalhostNodePorts: iptablesOptions(cluster, ctx, fp).localhostNodePorts,
    // nftables: `fib daddr type local ip daddr != 127.0.0.0/8` or `ip daddr @nodeport-ips`,
    // nodeport-ips never holding loopback (kube-proxy-spec.md §3.2).
    nftNodePortAddress: (a) =>
      !isLoopback(a) && (npa.matchAll || npa.cidrs.some((c) => cidrContains(c, a))),
    serviceCIDRs: serviceCIDRs.map((c) => parseCidr(c)).filter((c) => c !== undefined),
  }
}

export function flowFacts(flow: FlowAddress, c: CaseFacts): FlowFacts {
  const src = parseAddr(flow.sourceIP)
  const dst = parseAddr(flow.destIP)
  if (!src || !dst) throw new Error(`flow ${flow.name}: bad address`)
  const local = (a: Addr) => isLoopback(a) || c.node.localAddresses.some((l) => same(a, l))
  return {
    flow,
    src,
    dst,
    plans: c.plans,
    fromNode: c.node.localAddresses.includes(flow.sourceIP),
    toNode: local(dst),
    iptablesLocalhostNodePorts: c.iptablesLocalhostNodePorts,
    nftNodePortAddress: c.nftNodePortAddress(dst),
    serviceCIDRs: c.serviceCIDRs,
  }
}

function same(a: Addr, text: string): boolean {
  const b = parseAddr(text)
  return b !== undefined && b.family === a.family && b.value === a.value
}

function isLoopback(a: Addr): boolean {
  return a.family === 4 ? a.value >>> 24 === 127 : a.value === 1n
}

/** The mode left the packet alone: no DNAT, accepted, passed on or delivered. */
function untouched(v: ModeView): boolean {
  return v.verdicts.join() === 'ACCEPT' && v.outcomes.every((o) => o.result.dnat === undefined)
}

/** Every branch was delivered to the node's own socket, untouched. */
function deliveredUntouched(v: ModeView): boolean {
  return untouched(v) && v.outcomes.every((o) => o.result.disposition === 'local')
}

/**
 * Every branch was dropped by routing, not by a rule, for `reason`: with route_localnet=0
 * (nftables mode leaves the kernel's default) a packet received for or from a loopback address
 * is a martian (ip_route_input_slow), and a loopback source cannot leave by eth0, neither at the
 * first route lookup nor at the re-route after a DNAT (__mkroute_output: EINVAL).
 */
function routeRefused(v: ModeView, reason: RegExp): boolean {
  return v.outcomes.every(
    (o) =>
      o.result.disposition === 'dropped' &&
      o.result.droppedAt === undefined &&
      o.result.events.some((e) => e.kind === 'route' && reason.test(e.text)),
  )
}

/**
 * Every branch ended with `verdict`, un-DNATed, and the last nft rule it matched sits in a chain
 * whose name matches (nft's trace prints `reject` as `verdict drop`, so the result is read).
 */
function endedInNft(v: ModeView, chain: RegExp, verdict: 'DROP' | 'REJECT'): boolean {
  return v.outcomes.every((o: TraceOutcome) => {
    const rules = o.result.events.filter((e) => e.kind === 'nft' && e.type === 'rule')
    const last = rules[rules.length - 1]
    return (
      o.result.verdict === verdict &&
      o.result.dnat === undefined &&
      last?.kind === 'nft' &&
      chain.test(last.chain)
    )
  })
}

/** Every branch ended with one of `verdicts`, un-DNATed, in the iptables chain `chain`. */
function endedInIptables(v: ModeView, chain: string, verdicts: readonly string[]): boolean {
  return v.outcomes.every((o: TraceOutcome) => {
    const rules = o.result.events.filter((e) => e.kind === 'rule')
    const last = rules[rules.length - 1]
    return (
      verdicts.includes(o.result.verdict) &&
      o.result.dnat === undefined &&
      last?.kind === 'rule' &&
      last.chain === chain
    )
  })
}

const nodePortOwners = (f: FlowFacts): ServicePortPlan[] =>
  f.plans.filter((p) => p.svc.nodePort === f.flow.destPort && p.svc.protocol === f.flow.protocol)

/**
 * nftables mode REJECTs a ClusterIP on a port/protocol the Service does not define; iptables
 * mode has no rule for it, so the packet passes untouched (routed towards the ClusterIP).
 * kube-proxy-spec.md §3.2–§3.3 (`cluster-ips-check`: `ip daddr @cluster-ips reject`, comment
 * "Reject traffic to invalid ports of ClusterIPs"); pkg/proxy/nftables/README.md ("Rejecting
 * packets to undefined ports of ClusterIPs").
 */
const clusterIPUnknownPort: Category = {
  name: 'ClusterIP, undefined port: nftables REJECT',
  holds: (f) =>
    f.plans.some((p) => same(f.dst, p.svc.clusterIP)) &&
    !f.plans.some(
      (p) =>
        same(f.dst, p.svc.clusterIP) &&
        p.svc.port === f.flow.destPort &&
        p.svc.protocol === f.flow.protocol,
    ),
  shape: (ipt, nft) => untouched(ipt) && endedInNft(nft, / cluster-ips-check$/, 'REJECT'),
}

/**
 * nftables mode DROPs traffic to an address inside a ServiceCIDR that no Service holds;
 * iptables mode does not know ServiceCIDRs and lets it pass. kube-proxy-spec.md §3.2
 * (`ip daddr { <ServiceCIDRs> } drop comment "Drop traffic to unallocated ClusterIPs"`);
 * pkg/proxy/nftables/README.md ("Dropping packets to ClusterIPs which are not yet allocated").
 */
const unallocatedClusterIP: Category = {
  name: 'unallocated ClusterIP in a ServiceCIDR: nftables DROP',
  holds: (f) =>
    f.serviceCIDRs.some((c) => cidrContains(c, f.dst)) &&
    !f.plans.some(
      (p) =>
        same(f.dst, p.svc.clusterIP) ||
        p.svc.externalIPs.some((ip) => same(f.dst, ip)) ||
        p.svc.loadBalancerVIPs.some((ip) => same(f.dst, ip)),
    ),
  shape: (ipt, nft) => untouched(ipt) && endedInNft(nft, / cluster-ips-check$/, 'DROP'),
}

/**
 * nftables mode never serves NodePorts on loopback addresses (its NodePort rules exclude
 * 127.0.0.0/8 and ::1), so the packet reaches the node's own socket untouched. iptables mode with
 * localhostNodePorts (IPv4) DNATs it like any NodePort; without endpoints its REJECT/DROP
 * (`--dst-type LOCAL`) or KUBE-FIREWALL's martian DROP stops it. kube-proxy-spec.md §3.2 ("nft
 * mode never supports localhost NodePorts"), §2.4 (localhostNodePorts), §4 (the nftables tests
 * leave out "localhost to NodePort").
 */
const localhostNodePort: Category = {
  name: 'NodePort on a loopback address: nftables ignores it',
  holds: (f) => isLoopback(f.dst) && nodePortOwners(f).length > 0,
  shape: (ipt, nft, f) => {
    if (!deliveredUntouched(nft) && !routeRefused(nft, /martian destination/)) return false
    const known = new Set(nodePortOwners(f).flatMap((p) => p.svc.endpoints.map((e) => e.key)))
    const dnatted =
      ipt.endpoints.length > 0 &&
      ipt.endpoints.every((e) => known.has(e)) &&
      ipt.verdicts.join() === 'ACCEPT'
    const stopped =
      ipt.endpoints.length === 0 && ipt.verdicts.every((v) => v === 'REJECT' || v === 'DROP')
    return dnatted || stopped
  },
}

/**
 * A packet to a loopback address from a non-loopback source: iptables mode DROPs it in
 * KUBE-FIREWALL ("block incoming localnet connections", written for IPv4 with localhostNodePorts,
 * because kube-proxy then sets route_localnet=1; kube-proxy-spec.md §2.4); nftables mode writes
 * no such rule and never sets route_localnet.
 * From off the node, nftables mode's kernel (route_localnet=0) drops the packet itself as a
 * martian destination (net/ipv4/route.c, ip_route_input_slow) before any rule; from the node
 * itself (say 192.168.0.2 → 127.0.0.1) it is delivered untouched.
 */
const loopbackFromNonLoopback: Category = {
  name: 'loopback destination, non-loopback source: iptables KUBE-FIREWALL DROP',
  holds: (f) => f.iptablesLocalhostNodePorts && isLoopback(f.dst) && !isLoopback(f.src),
  shape: (ipt, nft) =>
    endedInIptables(ipt, 'KUBE-FIREWALL', ['DROP']) &&
    (deliveredUntouched(nft) || routeRefused(nft, /martian destination/)),
}

/**
 * A socket on the node bound to a loopback address sending to a non-loopback one: iptables mode
 * sets route_localnet=1 (localhost NodePorts, kube-proxy-spec.md §2.4), so the packet may leave
 * and Service rules apply; nftables mode keeps the kernel's 0, so the route lookup fails
 * (__mkroute_output: a loopback source cannot leave by a non-loopback device, EINVAL) either at
 * once, or, for a node address's NodePort DNATed to another host, at ip_route_me_harder.
 */
const loopbackSourceOffNode: Category = {
  name: 'loopback source, non-loopback destination: nftables mode has no route (route_localnet=0)',
  holds: (f) => f.iptablesLocalhostNodePorts && isLoopback(f.src) && !isLoopback(f.dst),
  shape: (_ipt, nft) => routeRefused(nft, /loopback source cannot leave/),
}

/**
 * A NodePort of a Service without (external) endpoints, on a node address that nodePortAddresses
 * leave out: iptables mode's REJECT/DROP matches every local address (`-m addrtype --dst-type
 * LOCAL --dport <np>` in KUBE-EXTERNAL-SERVICES, kube-proxy-spec.md §2.5 item 4), nftables mode's
 * only the NodePort addresses (`nodeport-endpoints-check`: `ip daddr @nodeport-ips` or
 * `ip daddr != 127.0.0.0/8`, §3.2), so nftables lets the packet reach the node untouched.
 */
const noEndpointNodePortElsewhere: Category = {
  name: 'NodePort without endpoints outside nodePortAddresses: iptables REJECT/DROP',
  holds: (f) =>
    f.toNode && !f.nftNodePortAddress && nodePortOwners(f).some((p) => !p.hasExternalEndpoints),
  shape: (ipt, nft) =>
    endedInIptables(ipt, 'KUBE-EXTERNAL-SERVICES', ['REJECT', 'DROP']) && deliveredUntouched(nft),
}

/**
 * nftables mode applies loadBalancerSourceRanges even to a Service with no endpoints, so a
 * client outside the ranges is DROPped before DNAT; iptables mode builds KUBE-FW only when the
 * Service has endpoints, so the same client meets the no-endpoints REJECT (or, from the node
 * itself, no rule: KUBE-EXTERNAL-SERVICES is not hooked from OUTPUT).
 * pkg/proxy/nftables/proxier.go (v1.31–v1.33): `usesFWChain := len(svcInfo.LoadBalancerVIPs()) >
 * 0 && len(svcInfo.LoadBalancerSourceRanges()) > 0`; pkg/proxy/iptables/proxier.go: `usesFWChain
 * := hasEndpoints && …`; kube-proxy-spec.md §2.1 and §3.3 ("this version does not require
 * endpoints").
 */
const sourceRangesWithoutEndpoints: Category = {
  name: 'LB source ranges on a Service without endpoints: nftables DROP',
  holds: (f) =>
    f.plans.some(
      (p) =>
        !p.hasEndpoints &&
        p.svc.protocol === f.flow.protocol &&
        p.svc.port === f.flow.destPort &&
        p.svc.loadBalancerVIPs.some((ip) => same(f.dst, ip)) &&
        p.svc.sourceRanges.length > 0 &&
        !p.svc.sourceRanges.some((r) => {
          const c = parseCidr(r)
          return c !== undefined && cidrContains(c, f.src)
        }),
    ),
  shape: (ipt, nft, f) =>
    endedInNft(nft, / firewall-/, 'DROP') &&
    ((ipt.endpoints.length === 0 && ipt.verdicts.join() === 'REJECT') ||
      (f.fromNode && untouched(ipt))),
}

/**
 * A connection from the node itself to an external IP or LB IP of a Service with no endpoints
 * at all: nftables mode REJECTs it, iptables mode lets it leave untouched. iptables hooks
 * KUBE-EXTERNAL-SERVICES (where those REJECTs live) from INPUT and FORWARD only, never from
 * OUTPUT (kube-proxy-spec.md §2.3 jump table; §2.5 items 2–3); nftables's `filter-output`
 * jumps to `service-endpoints-check`, whose `no-endpoint-services` map holds external IPs and
 * LB IPs as well as ClusterIPs (§3.1, §3.3; pkg/proxy/nftables/README.md: the
 * `@no-endpoint-services` checks run "from input, forward, and output").
 */
const nodeToExternalWithoutEndpoints: Category = {
  name: 'node to an external/LB IP of a Service without endpoints: nftables REJECT',
  holds: (f) =>
    f.fromNode &&
    f.plans.some(
      (p) =>
        !p.hasEndpoints &&
        p.svc.protocol === f.flow.protocol &&
        p.svc.port === f.flow.destPort &&
        [...p.svc.externalIPs, ...p.svc.loadBalancerVIPs].some((ip) => same(f.dst, ip)),
    ),
  shape: (ipt, nft) =>
    untouched(ipt) &&
    ipt.outcomes.every((o) => o.result.disposition === 'output') &&
    endedInNft(nft, / reject-chain$/, 'REJECT'),
}

/** Every allowed difference. A differing flow must fit one whose condition holds. */
export const CATEGORIES: readonly Category[] = [
  clusterIPUnknownPort,
  unallocatedClusterIP,
  localhostNodePort,
  loopbackFromNonLoopback,
  loopbackSourceOffNode,
  noEndpointNodePortElsewhere,
  sourceRangesWithoutEndpoints,
  nodeToExternalWithoutEndpoints,
]
