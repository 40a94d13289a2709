/**
 * Issue 3 acceptance, "both modes agree": every iptables conformance case (cluster.yaml +
 * node.json) is rendered in kube-proxy's iptables mode AND in nftables mode, both renderings are
 * traced by the engine through the real hooks, flow by flow (flows.json), and compared.
 *
 * - Rendering: iptables mode as the case says; nftables mode is its twin with the iptables-only
 *   settings mapped as kube-proxy-modes.ts explains (masqueradeAll/Bit carried over,
 *   localhostNodePorts dropped, `nodePortAddresses: []` spelt as 0.0.0.0/0 + ::/0, the nftables
 *   fake proxier's ServiceCIDRs).
 * - Tracing: the same hook mapping as kube-proxy-iptables.test.ts (kube-proxy-trace.ts): node
 *   sources start at OUTPUT, others arrive on eth0 at PREROUTING; every random branch explored.
 * - Compared per flow: the set of DNAT destinations and the odds of each, the masquerade
 *   decision (KUBE-MARK-MASQ hit vs mark-for-masquerade reached, and the real MASQUERADE on
 *   each forwarded branch), each branch's disposition and verdict (with REJECT's reply type).
 *   Where the packet dies is not compared: nftables drops source-range misses before DNAT
 *   (filter-prerouting-pre-dnat), iptables in filter FORWARD; the verdict is the same.
 *
 * A difference must fall into a named category of kube-proxy-modes-categories.ts whose
 * condition holds for the flow and whose shape the two traces have; otherwise the test fails and
 * prints both traces. Flows that kube-proxy's own nftables test asserts with the iptables
 * expectation (index.json `flowsAlsoAssertedByNftablesTest`) must agree exactly.
 *
 * Beyond flows.json, derived probes (no expectation of their own, only "the modes agree or
 * differ in an allowed way") reach what no recorded flow does: per case, a pod connecting to an
 * unallocated ServiceCIDR address, and a sweep of every service port's destinations (ClusterIP
 * on its port and on an undefined one, external IPs, LB IPs, NodePorts and health-check ports on
 * every node address) from a pod, an endpoint (hairpin), an external client, a client outside
 * the source ranges, the node and loopback; and TestLoadBalancer with its EndpointSlices removed.
 */
import { describe, expect, it } from 'vitest'
import { type Cidr, formatAddr, parseCidr } from '../../src/core/net/ip.js'
import {
  type ModeView,
  printViews,
  sameView,
  type TwinCase,
  traceMode,
  twinCases,
  twinRuntimes,
} from './kube-proxy-modes.js'
import {
  CATEGORIES,
  type CaseFacts,
  type Category,
  caseFacts,
  flowFacts,
} from './kube-proxy-modes-categories.js'
import type { FlowAddress } from './kube-proxy-trace.js'

interface Comparison {
  readonly ipt: ModeView
  readonly nft: ModeView
  /** Undefined when both modes did the same thing. */
  readonly difference?: {
    /** Categories whose condition holds for the flow. */
    readonly held: readonly Category[]
    /** The first of them whose shape the traces also have. */
    readonly fit: Category | undefined
  }
}

interface Planned extends TwinCase {
  readonly facts: CaseFacts
}

const memo = new Map<string, Comparison>()

/** Trace a flow in both modes and classify any difference (memoised: tests and tally share it). */
function compare(c: Planned, f: FlowAddress): Comparison {
  const key = [c.slug, f.name, f.sourceIP, f.destIP, f.destPort, f.protocol].join('\u0000')
  const hit = memo.get(key)
  if (hit) return hit
  const ipt = traceMode(c.iptables, c.node, f, 'iptables', c.facts.iptablesLocalhostNodePorts)
  const nft = traceMode(c.nftables, c.node, f, 'nftables', false)
  let out: Comparison = { ipt, nft }
  if (!sameView(ipt, nft)) {
    const facts = flowFacts(f, c.facts)
    const held = CATEGORIES.filter((k) => k.holds(facts))
    out = { ipt, nft, difference: { held, fit: held.find((k) => k.shape(ipt, nft, facts)) } }
  }
  memo.set(key, out)
  return out
}

/** The category name, `agree exactly`, or `UNCLASSIFIED`. */
function outcomeName(r: Comparison): string {
  if (!r.difference) return 'agree exactly'
  return r.difference.fit?.name ?? 'UNCLASSIFIED'
}

/** Why a difference is not allowed, with both traces; undefined when it is. */
function unallowed(c: Planned, f: FlowAddress, r: Comparison): string | undefined {
  if (!r.difference || r.difference.fit) return undefined
  const held = r.difference.held.map((k) => k.name).join('; ') || 'none'
  const why = `${c.slug}: unclassified difference (conditions holding: ${held})`
  return `${why}\n${printViews(f, r.ipt, r.nft)}`
}

function planned(c: TwinCase): Planned {
  return { ...c, facts: caseFacts(c.cluster, c.nftCluster, c.node, c.serviceCIDRs) }
}

/** TestLoadBalancer with its EndpointSlices removed: svc1 keeps VIPs and source ranges. */
function withoutEndpoints(base: TwinCase): Planned {
  const cluster = { ...base.cluster, endpointSlices: [] }
  return planned({
    ...base,
    slug: `${base.slug} (derived: EndpointSlices removed)`,
    cluster,
    alsoNft: new Set(),
    ...twinRuntimes(base.slug, cluster, base.node, base.serviceCIDRs),
  })
}

/** The last-but-one address of a prefix: inside it, and no test allocates it. */
function lastButOne(c: Cidr): string {
  if (c.family === 4) return formatAddr({ family: 4, value: ((c.addr | ~c.mask) >>> 0) - 1 })
  const all = (1n << 128n) - 1n
  return formatAddr({ family: 6, value: (c.addr | (all ^ c.mask)) - 1n })
}

/** Sources by the spec's conventions (§4): a pod, an external client, one outside the ranges. */
const SOURCES = {
  IPv4: ['10.0.0.2', '203.0.113.2', '203.0.113.130', '127.0.0.1'],
  IPv6: ['fd00:10::2', '2600:5200::1', '::1'],
} as const

/** A pod connecting to an unallocated ServiceCIDR address. */
function unallocatedProbe(c: TwinCase): FlowAddress {
  const cidr = parseCidr(c.serviceCIDRs[0] ?? '')
  if (!cidr) throw new Error(`${c.slug}: no ServiceCIDR`)
  return {
    name: 'probe: pod to an unallocated address of the ServiceCIDR',
    sourceIP: SOURCES[c.node.fakeProxier.ipFamily][0],
    destIP: lastButOne(cidr),
    destPort: 80,
    protocol: 'tcp',
  }
}

/** Every service port's destinations from every kind of source (see the header). */
function sweep(c: Planned): FlowAddress[] {
  const family = c.node.fakeProxier.ipFamily
  const nodeAddrs = c.node.localAddresses.filter((a) => a.includes(':') === (family === 'IPv6'))
  const out = new Map<string, FlowAddress>()
  for (const { svc } of c.facts.plans) {
    const hairpin = svc.endpoints[0]?.ip
    const sources = [...SOURCES[family], c.node.fakeProxier.nodeIP, ...(hairpin ? [hairpin] : [])]
    const at = (ips: readonly string[], port: number) => ips.map((ip) => [ip, port] as const)
    const dests = [
      ...at([svc.clusterIP], svc.port),
      ...at([svc.clusterIP], svc.port + 1000),
      ...at([...svc.externalIPs, ...svc.loadBalancerVIPs], svc.port),
      ...(svc.nodePort ? at(nodeAddrs, svc.nodePort) : []),
      ...(svc.healthCheckNodePort ? at(nodeAddrs, svc.healthCheckNodePort) : []),
    ]
    for (const src of sources)
      for (const [dst, port] of dests) {
        const name = `sweep: ${src} -> ${dst} ${svc.protocol}/${port}`
        out.set(name, { name, sourceIP: src, destIP: dst, destPort: port, protocol: svc.protocol })
      }
  }
  return [...out.values()]
}

const cases = twinCases().map(planned)
const lb = cases.find((c) => c.slug === 'test-load-balancer')
const derived = lb ? [withoutEndpoints(lb)] : []
const probesOf = (c: Planned): FlowAddress[] => [
  unallocatedProbe(c),
  ...sweep(c),
  ...(derived.includes(c) ? c.flows : []),
]

describe('kube-proxy iptables mode and nftables mode agree, flow by flow', () => {
  it('finds the iptables cases, each with an nftables twin', () => {
    expect(cases.length).toBeGreaterThan(40)
    for (const c of cases) {
      expect(c.nftCluster.kubeProxy.mode).toBe('nftables')
      expect(c.warnings, c.slug).toEqual([])
    }
  })

  for (const c of cases) {
    describe(c.slug, () => {
      for (const f of c.flows) {
        it(f.name, () => {
          const r = compare(c, f)
          expect(unallowed(c, f, r)).toBeUndefined()
          // kube-proxy's nftables test expects what the iptables test does for these flows.
          if (c.alsoNft.has(f.name))
            expect(r.difference, printViews(f, r.ipt, r.nft)).toBeUndefined()
        })
      }
    })
  }
})

describe('derived probes: the modes agree or differ in an allowed way', () => {
  for (const c of [...cases, ...derived]) {
    it(c.slug, () => {
      const bad = probesOf(c).flatMap((f) => unallowed(c, f, compare(c, f)) ?? [])
      expect(bad.join('\n\n')).toBe('')
      const probe = unallocatedProbe(c)
      expect(outcomeName(compare(c, probe))).toMatch(/^unallocated ClusterIP/)
    })
  }

  it('TestLoadBalancer without endpoints: a client outside the ranges is dropped by nftables', () => {
    const [c] = derived
    if (!c) throw new Error('test-load-balancer is missing')
    const names = c.flows.map((f) => outcomeName(compare(c, f)))
    expect(names).toContain('LB source ranges on a Service without endpoints: nftables DROP')
  })
})

describe('tally', () => {
  it('every flow agrees or differs in a named category, and every category is seen', () => {
    const count = (pairs: [Planned, FlowAddress][]) => {
      const t = new Map<string, number>()
      for (const [c, f] of pairs) {
        const k = outcomeName(compare(c, f))
        t.set(k, (t.get(k) ?? 0) + 1)
      }
      return t
    }
    const recorded = count(cases.flatMap((c) => c.flows.map((f): [Planned, FlowAddress] => [c, f])))
    const probes = count(
      [...cases, ...derived].flatMap((c) => probesOf(c).map((f): [Planned, FlowAddress] => [c, f])),
    )
    const show = (title: string, t: Map<string, number>) =>
      [title, ...[...t].sort().map(([k, n]) => `${String(n).padStart(5)}  ${k}`)].join('\n')
    console.log(`${show('flows.json:', recorded)}\n${show('derived probes:', probes)}`)
    expect(recorded.get('UNCLASSIFIED')).toBeUndefined()
    expect(probes.get('UNCLASSIFIED')).toBeUndefined()
    const seen = new Set([...recorded.keys(), ...probes.keys()])
    for (const k of CATEGORIES) expect(seen, k.name).toContain(k.name)
  })
})
