/**
 * renderIptables computes `payload` (the sorted form) and `ruleset` (the node view) on first
 * read. These tests check that the lazy fields equal the same values computed eagerly from the
 * building blocks, whatever the order of reads, and that the sorted form equals an independent
 * re-sort of the emitted text by the unit tests' rules (`sortIPTablesRules`).
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { printIptablesSave } from '../../../netfilter/iptables-save/index.js'
import type { Cluster, Endpoint, IPFamily, Service } from '../../model.js'
import { type ProxyNodeContext, proxyNodeContext } from '../context.js'
import { renderKubeProxy } from '../index.js'
import { iptablesOptions, planFamily } from '../proxier.js'
import { cluster, endpoint, NODE, scenarios, service, slice } from '../testkit.js'
import { buildPayload } from './index.js'
import { nodeRuleset } from './node-view.js'
import { emittedText } from './payload.js'
import { sortedText } from './sorted.js'

const KEY = { IPv4: 'ipv4', IPv6: 'ipv6' } as const

/** Everything renderIptables returns, computed eagerly from the building blocks. */
function eager(c: Cluster, node: ProxyNodeContext, family: IPFamily) {
  const fp = planFamily(c, node, family, () => {})
  const p = buildPayload(fp.plans, iptablesOptions(c, node, fp))
  const emitted = emittedText(p)
  const ruleset = nodeRuleset(emitted, family === 'IPv4' ? 4 : 6, node.canaryChains)
  return { payload: sortedText(p), emitted, ruleset }
}

const rank = (chain: string) =>
  chain === 'KUBE-NODEPORTS' ? 0 : chain === 'KUBE-SERVICES' ? 1 : chain.startsWith('KUBE-') ? 2 : 3
const byteOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)
const commentOf = (line: string) => /--comment ("[^"]*"|\S+)/.exec(line)?.[1]?.replace(/^"|"$/g, '')

/** The unit tests' sort, restated over text: chains by rank and name, then the rule order. */
function resort(emitted: string): string {
  const out: string[] = []
  for (const block of emitted.split('COMMIT\n').filter((b) => b !== '')) {
    const lines = block.split('\n').filter((l) => l !== '')
    const chains = lines
      .filter((l) => l.startsWith(':'))
      .map((l) => l.slice(1, l.indexOf(' ')))
      .sort((a, b) => rank(a) - rank(b) || byteOrder(a, b))
    out.push(lines[0] ?? '', ...chains.map((ch) => `:${ch} - [0:0]`))
    for (const ch of chains) {
      const rules = lines.filter((l) => l.startsWith(`-A ${ch} `) || l === `-A ${ch}`)
      if (ch === 'KUBE-SERVICES' || ch === 'KUBE-NODEPORTS') {
        const last = (l: string) =>
          ch === 'KUBE-SERVICES' && (commentOf(l) ?? '').includes('must be the last rule') ? 1 : 0
        rules.sort((a, b) => last(a) - last(b) || byteOrder(commentOf(a) ?? '', commentOf(b) ?? ''))
      }
      out.push(...rules)
    }
    out.push('COMMIT')
  }
  return `${out.join('\n')}\n`
}

function checkAgainstEager(c: Cluster, over: Partial<ProxyNodeContext>): void {
  const node = proxyNodeContext(c, over)
  for (const family of node.families) {
    const want = eager(c, node, family)
    // Read in both orders: neither lazy field may depend on the other having been read.
    const a = renderKubeProxy(c, node).iptables?.[KEY[family]]
    const b = renderKubeProxy(c, node).iptables?.[KEY[family]]
    expect(a?.emitted).toBe(want.emitted)
    expect(a?.payload).toBe(want.payload)
    expect(a?.ruleset).toEqual(want.ruleset)
    expect(b?.ruleset).toEqual(want.ruleset)
    expect(b?.payload).toBe(want.payload)
    expect(a?.payload).toBe(resort(want.emitted))
  }
}

describe('renderIptables: lazy payload and ruleset', () => {
  for (const s of scenarios())
    it(`${s.name}: equal the eager results, in either order of reads`, () => {
      checkAgainstEager(s.cluster, s.node)
    })

  it('computes each once, and reads, spreads and serialises like plain fields', () => {
    const s = scenarios()[0]
    if (!s) throw new Error('no scenario')
    const r = renderKubeProxy(s.cluster, proxyNodeContext(s.cluster, s.node)).iptables?.ipv4
    if (!r) throw new Error('no IPv4 render')
    expect(r.ruleset).toBe(r.ruleset)
    const spread = { ...r }
    expect(Object.keys(spread).sort()).toEqual(['emitted', 'payload', 'ruleset'])
    expect(spread.payload).toBe(r.payload)
    expect(spread.ruleset).toBe(r.ruleset)
    const json = JSON.parse(
      JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)),
    ) as Record<string, unknown>
    expect(json.payload).toBe(r.payload)
    expect(printIptablesSave(r.ruleset)).toContain('-A KUBE-SERVICES')
  })
})

/** One random Service: its type, policies, affinity and endpoints (some local, some not ready). */
const serviceArb = fc.record({
  type: fc.constantFrom('ClusterIP', 'NodePort', 'LoadBalancer'),
  etpLocal: fc.boolean(),
  itpLocal: fc.boolean(),
  sticky: fc.boolean(),
  named: fc.boolean(),
  ranges: fc.boolean(),
  endpoints: fc.array(
    fc.record({ local: fc.boolean(), ready: fc.boolean(), terminating: fc.boolean() }),
    { maxLength: 5 },
  ),
})

type ServiceCase = typeof serviceArb extends fc.Arbitrary<infer T> ? T : never

function randomCluster(specs: readonly ServiceCase[]): Cluster {
  const services: Service[] = []
  const slices = specs.map((sp, i) => {
    const portName = sp.named ? 'http' : ''
    const external = sp.type !== 'ClusterIP'
    services.push(
      service(`ns${i % 3}`, `svc${i}`, {
        clusterIP: `172.30.${i >> 8}.${i & 255}`,
        type: sp.type,
        ports: [
          {
            name: portName,
            protocol: 'TCP',
            port: 80 + (i % 2),
            targetPort: 8080,
            ...(external ? { nodePort: 30000 + i } : {}),
          },
        ],
        internalTrafficPolicy: sp.itpLocal ? 'Local' : 'Cluster',
        ...(external ? { externalTrafficPolicy: sp.etpLocal ? 'Local' : 'Cluster' } : {}),
        ...(sp.sticky ? { sessionAffinity: 'ClientIP' } : {}),
        ...(sp.type === 'LoadBalancer' ? { lb: [`203.0.113.${i & 255}`] } : {}),
        ...(sp.ranges && sp.type === 'LoadBalancer'
          ? { loadBalancerSourceRanges: ['192.168.0.0/16'] }
          : {}),
      }),
    )
    const eps: Endpoint[] = sp.endpoints.map((e, j) =>
      endpoint(`10.${i & 255}.${j}.${(i >> 8) + 1}`, {
        nodeName: e.local ? NODE : 'node-b',
        conditions: { ready: e.ready, serving: true, terminating: e.terminating },
      }),
    )
    return slice(`ns${i % 3}`, `svc${i}`, eps, { portName, port: 8080 })
  })
  return cluster(services, slices)
}

describe('renderIptables on random clusters', () => {
  it('lazy fields equal the eager results; the sorted form equals an independent re-sort', () => {
    fc.assert(
      fc.property(fc.array(serviceArb, { minLength: 1, maxLength: 12 }), (specs) => {
        checkAgainstEager(randomCluster(specs), { nfacctCounters: [], families: ['IPv4'] })
      }),
      { numRuns: 60 },
    )
  })
})
