/**
 * Each scenario's node state against what the real tools made of it (testdata/, captured by
 * scripts/gen-calico-fixtures.ts with iptables-legacy 1.8.9 and ipset 7.17): the iptables payload
 * loads and prints back exactly as iptables-legacy-save printed it, and the ipsets are those
 * `ipset save` listed.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parseIpsetSave } from '../../ipset/index.js'
import type { IpSet } from '../../ipset/model.js'
import { parseIptablesSave, printIptablesSave } from '../../netfilter/iptables-save/index.js'
import { renderScenario, SCENARIOS } from './testkit.js'

const data = (name: string) => readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8')

/** Sets compared without member order (the kernel lists hash order). */
const normal = (sets: readonly IpSet[]) =>
  sets.map((s) => ({ ...s, members: [...s.members].sort((a, b) => (a.elem < b.elem ? -1 : 1)) }))

describe.each(SCENARIOS)('$name', (s) => {
  const { fragment } = renderScenario(s, data(s.file))

  it('iptables-legacy-save prints our payload as kpath prints it', () => {
    const payload = fragment.iptablesRestore?.ipv4 ?? ''
    const ours = printIptablesSave(parseIptablesSave(payload, { family: 4, newTables: 'first' }))
      .split('\n')
      .filter((l) => !l.startsWith('#'))
      .join('\n')
    expect(ours).toBe(data(`${s.name}.iptables-legacy-save.txt`))
  })

  it('ipset save lists our sets', () => {
    const real = parseIpsetSave(data(`${s.name}.ipset-save.txt`))
    expect(normal(fragment.ipsets ?? [])).toEqual(normal(real))
  })
})
