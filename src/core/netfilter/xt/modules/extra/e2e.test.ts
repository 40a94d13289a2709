/**
 * End to end through the iptables-save parser and printer: each fixture's loaded rules, read by
 * `parseIptablesSave` and printed by `printIptablesSave`, must equal what iptables-legacy-save
 * and iptables-nft-save printed (testdata/, made by scripts/gen-xt-extra-fixtures.mjs).
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { Family } from '../../../../net/ip.js'
import { parseIptablesSave, printIptablesSave } from '../../../iptables-save/index.js'

const read = (f: string) => readFileSync(new URL(`./testdata/${f}`, import.meta.url), 'utf8')

interface Case {
  readonly name: string
  readonly family: Family
  readonly table: string
  readonly loaded: number
  readonly refused: readonly { readonly rule: string }[]
}

const cases = (JSON.parse(read('manifest.json')) as { cases: Case[] }).cases.filter(
  (c) => c.loaded > 0,
)

/** The case's rules that the real kernel loaded, as an iptables-restore input. */
function loadedInput(c: Case): string {
  const refused = new Set(c.refused.map((r) => r.rule))
  const rules = read(`${c.name}.rules`)
    .split('\n')
    .filter((l) => l.startsWith('-A ') && !refused.has(l))
  return `*${c.table}\n${rules.map((r) => `${r}\n`).join('')}COMMIT\n`
}

function roundTrip(c: Case, backend: 'legacy' | 'nft'): string {
  return printIptablesSave(parseIptablesSave(loadedInput(c), { family: c.family }), { backend })
}

describe('extra extensions end to end (parseIptablesSave, printIptablesSave)', () => {
  it('covers every loadable case', () => expect(cases.length).toBeGreaterThan(60))
  for (const backend of ['legacy', 'nft'] as const) {
    it.each(cases)(`${backend}: $name`, (c) =>
      expect(roundTrip(c, backend)).toBe(read(`${c.name}.${backend}.expected`)),
    )
  }
})
