/**
 * kube-proxy's IPVS mode on the standard flows (issue 6 acceptance), table-driven from
 * core/cluster/testing/flows-ipvs.ts over examples/clusters/flows-ipvs.yaml: each flow traced
 * as `kpath trace` does (core/app traceBetween) in IPVS mode, and in iptables mode on the same
 * cluster (`mode: iptables`), which must give the table's iptables outcome: the same one unless
 * the table names the difference.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { traceBetween } from '../app/cluster-trace.js'
import { type FlowExpect, IPVS_FLOWS, IPVS_FLOWS_FILE } from '../cluster/testing/flows-ipvs.js'
import { parseRuleEdit } from '../whatif/index.js'
import type { ClusterBranch } from './index.js'

const ROOT = join(import.meta.dirname, '..', '..', '..')
const IPVS_TEXT = readFileSync(join(ROOT, IPVS_FLOWS_FILE), 'utf8')
const IPTABLES_TEXT = IPVS_TEXT.replace(/^mode: ipvs$/m, 'mode: iptables')

function check(b: ClusterBranch | undefined, e: FlowExpect, sender: string): void {
  expect(b?.outcome).toMatchObject({ kind: e.kind, netns: e.netns })
  if (b?.outcome.kind === 'delivered') {
    if (e.ttl !== undefined) expect(b.outcome.ttlAtArrival).toBe(e.ttl)
    if (e.serverSaw !== undefined) expect(b.outcome.serverSaw.src).toBe(e.serverSaw)
    expect(b.reply?.outcome).toMatchObject({ kind: e.reply ?? 'delivered', netns: sender })
  }
  if (b?.outcome.kind === 'dropped' && e.reason !== undefined)
    expect(b.outcome.reason).toMatch(new RegExp(e.reason))
}

describe('kube-proxy IPVS mode: the standard flows (flows-ipvs.yaml)', () => {
  it('the example runs IPVS mode and differs from its iptables twin in the mode only', () => {
    expect(IPVS_TEXT).toMatch(/^mode: ipvs$/m)
    expect(IPTABLES_TEXT).not.toBe(IPVS_TEXT)
  })

  describe.each(IPVS_FLOWS.map((f) => [f.name, f] as const))('%s', (_, f) => {
    const run = (text: string) => {
      const r = traceBetween({
        inputs: [{ file: IPVS_FLOWS_FILE, text }],
        from: f.from,
        to: f.to,
        proto: f.proto,
        ...(f.port === undefined ? {} : { port: f.port }),
        edits: (f.rules ?? []).map((x) => parseRuleEdit(x)),
      })
      // One endpoint per Service: no random branch.
      expect(r.trace.branches).toHaveLength(1)
      return { b: r.trace.branches[0], sender: r.netns }
    }

    it('IPVS mode', () => {
      const { b, sender } = run(IPVS_TEXT)
      check(b, f.ipvs, sender)
      // A Service flow is scheduled by IPVS; a pod-to-pod or outside flow never meets it.
      const scheduled = b?.hops.some((h) => h.netfilter.some((l) => l.includes('IPVS DNAT')))
      const service = f.to.startsWith('svc/') || f.port !== undefined
      expect(scheduled).toBe(service && f.name !== 'localhost-nodeport')
    })

    it(
      f.difference === undefined
        ? 'iptables mode: the same'
        : `iptables mode differs: ${f.difference}`,
      () => {
        const { b, sender } = run(IPTABLES_TEXT)
        check(b, f.iptables ?? f.ipvs, sender)
        expect(b?.hops.some((h) => h.netfilter.some((l) => l.includes('IPVS')))).toBe(false)
      },
    )
  })
})
