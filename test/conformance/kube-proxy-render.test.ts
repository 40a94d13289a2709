/**
 * Issue 3 acceptance (render part): kube-proxy's iptables and nftables renderers, fed the
 * conformance inputs (cluster.yaml through the loader, node.json's fake-proxier settings),
 * reproduce kube-proxy's own test expectations byte for byte, and every packet flow of every
 * case holds when the engine traces it through OUR rendering (not the recorded dump): iptables
 * cases through the node view, nftables cases through the listing read back by the nft parser.
 * Hook mapping and masquerade check as in kube-proxy-iptables.test.ts / kube-proxy-nftables.test.ts.
 *
 * The recorded dumps list rules across services in one particular order; ours walks Services
 * in input order, which is that order, so the comparison can be exact rather than as sets.
 */
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { renderKubeProxy } from '../../src/core/kube/proxy/index.js'
import {
  createRuntime,
  type NetfilterRuntime,
  type TraceOutcome,
  tracePacket,
} from '../../src/core/netfilter/engine/index.js'
import { printIptablesSave } from '../../src/core/netfilter/iptables-save/index.js'
import { KUBE_PROXY_CONFORMANCE } from '../support/shared.js'
import type { Flow } from './kube-proxy-cases.js'
import {
  fakeContext,
  loadClusterFile,
  type NodeJson,
  readText,
  renderCases,
} from './kube-proxy-render-cases.js'
import { flowPacket, markedIptables, markedNft, nodeEnv } from './kube-proxy-trace.js'

const OVERALL = join(KUBE_PROXY_CONFORMANCE, 'overall')
const withoutDates = (text: string) =>
  text
    .split('\n')
    .filter((l) => !l.startsWith('#'))
    .join('\n')

describe('TestOverallIPTablesRules / TestOverallNFTablesRules', () => {
  const cluster = loadClusterFile(OVERALL)
  const node = JSON.parse(readText(OVERALL, 'node.json')) as NodeJson

  it('renders expected-restore-payload.txt byte for byte', () => {
    const out = renderKubeProxy(cluster, fakeContext(cluster, node))
    expect(out.iptables?.ipv4?.payload).toBe(readText(OVERALL, 'expected-restore-payload.txt'))
    expect(out.warnings).toEqual([])
  })

  it('renders the node view that iptables-save printed (expected-iptables-save.txt)', () => {
    const rs = renderKubeProxy(cluster, fakeContext(cluster, node)).iptables?.ipv4?.ruleset
    expect(rs && printIptablesSave(rs, { backend: 'nft' })).toBe(
      withoutDates(readText(OVERALL, 'expected-iptables-save.txt')),
    )
  })

  it('renders the nftables run as nft listed it (expected-nft-list.txt)', () => {
    const run = node.nftablesRun
    if (!run) throw new Error('node.json has no nftablesRun')
    const nftCluster = {
      ...cluster,
      kubeProxy: {
        ...cluster.kubeProxy,
        mode: 'nftables' as const,
        nodePortAddresses: run.nodePortAddresses,
      },
    }
    const ctx = fakeContext(nftCluster, node, { serviceCIDRs: run.serviceCIDRs })
    const out = renderKubeProxy(nftCluster, ctx)
    const expected = readText(OVERALL, 'expected-nft-list.txt')
    expect(out.nftables?.ipv4).toBe(expected)
    // The nft parser reads the listing back into the project's model, chain for chain.
    const chains = [...expected.matchAll(/^\tchain (\S+) \{$/gm)].map((m) => m[1])
    expect(out.nftablesDetail?.ipv4?.model.chains.map((c) => c.name)).toEqual(chains)
  })
})

/** Hook mapping and masquerade signals: kube-proxy-trace.ts. */
function checkFlow(
  rt: NetfilterRuntime,
  node: NodeJson,
  f: Flow,
  marked: (o: TraceOutcome) => boolean,
): void {
  const env = nodeEnv(node, marked === markedIptables)
  const { packet, start } = flowPacket(node, f)
  const outcomes = tracePacket(rt, env, packet, start)
  expect(outcomes.reduce((a, o) => a + o.probability, 0)).toBeCloseTo(1, 9)
  const dnats = new Set(outcomes.map((o) => o.result.dnat).filter((d) => d !== undefined))
  expect([...dnats].sort()).toEqual([...f.expect.endpoints].sort())
  expect(outcomes.some(marked)).toBe(f.expect.masquerade)
  // The real consequence: a forwarded branch is masqueraded exactly when it was marked.
  for (const o of outcomes)
    if (o.result.disposition === 'forward') expect(o.result.masquerade).toBe(marked(o))
  expect([...new Set(outcomes.map((o) => o.result.verdict))]).toEqual([f.expect.verdict])
}

describe('every conformance case renders as recorded, and its flows hold on our rendering', () => {
  for (const c of renderCases()) {
    const key = c.node.fakeProxier.ipFamily === 'IPv4' ? 'ipv4' : 'ipv6'
    const flows = JSON.parse(readText(c.dir, 'flows.json')) as Flow[]
    describe(c.slug, () => {
      const out = renderKubeProxy(c.cluster, c.ctx)
      if (c.kind === 'iptables') {
        const rs = out.iptables?.[key]?.ruleset
        it('iptables-save.txt', () => {
          expect(rs && printIptablesSave(rs, { backend: 'nft' })).toBe(withoutDates(c.expected))
        })
        const rt = rs && createRuntime({ ruleset: rs })
        for (const f of flows)
          it(`flow: ${f.name}`, () => {
            if (!rt) throw new Error('no ruleset')
            checkFlow(rt, c.node, f, markedIptables)
          })
      } else {
        it('nft-list.txt', () => {
          expect(out.nftables?.[key]).toBe(c.expected)
        })
        const model = out.nftablesDetail?.[key]?.model
        const family = key === 'ipv4' ? 4 : 6
        const rt =
          model && createRuntime({ ruleset: { family, tables: [] }, nft: { tables: [model] } })
        for (const f of flows)
          it(`flow: ${f.name}`, () => {
            if (!rt) throw new Error('no nftables model')
            checkFlow(rt, c.node, f, markedNft)
          })
      }
    })
  }
})
