/**
 * The assembled cases of testing/cases.ts against what the real kernel showed when they were
 * built (testdata/, recorded by scripts/gen-cluster-fixtures.ts with iproute2 6.1 and iptables
 * 1.8.9 legacy on Linux 6.18): addresses, every IPv4 route of every table (those the kernel
 * added itself included), links (MACs, MTUs, masters, hairpin, VXLAN settings), neighbours and
 * FDB entries; and the CNI iptables fragments as iptables-legacy-save printed them.
 * live.test.ts does the same against the running kernel when it can.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parseIptablesSave, printIptablesSave } from '../netfilter/iptables-save/index.js'
import { applyAll } from './netfilter.js'
import { cniRuleTexts, LAB_CASES, tableBlocks } from './testing/cases.js'
import { modelView, type View } from './testing/views.js'

const read = (name: string) => readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8')

describe('assembled namespaces against recorded kernel output', () => {
  for (const c of LAB_CASES)
    it(`${c.name}: every recorded namespace equals the assembled one`, () => {
      const recorded = JSON.parse(read(`${c.name}.json`)) as Record<string, View>
      const state = c.state()
      expect(Object.keys(recorded).length).toBeGreaterThan(0)
      for (const [name, view] of Object.entries(recorded)) {
        const model = state.namespaces.find((n) => n.name === name)
        expect({ name, ...(model && modelView(model)) }).toEqual({ name, ...view })
      }
    })

  it('CNI iptables fragments print as iptables-legacy-save printed them', () => {
    const ours = applyAll(
      undefined,
      cniRuleTexts().map((text) => ({ text, from: 'fixture' })),
      4,
    )
    const printed = printIptablesSave(ours ?? parseIptablesSave('', { family: 4 }))
    expect(tableBlocks(printed)).toEqual(tableBlocks(read('cni-rules.iptables-legacy-save.txt')))
  })
})
