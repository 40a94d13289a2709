/**
 * compileRuleset compiles chains on first use and shares compiled chains between rulesets
 * that hold the same chain objects (nodes sharing kube-proxy's render), but only where the
 * table agrees on what each target names.
 */
import { describe, expect, it } from 'vitest'
import { parseIptablesSave } from '../iptables-save/index.js'
import type { Ruleset } from '../rule.js'
import { compileRuleset } from './compile.js'

const BASE = `*nat
:PREROUTING ACCEPT [0:0]
:KUBE-SERVICES - [0:0]
:KUBE-SVC-A - [0:0]
:KUBE-OTHER - [0:0]
-A PREROUTING -j KUBE-SERVICES
-A KUBE-SERVICES -d 10.96.0.10/32 -p tcp -m tcp --dport 80 -j KUBE-SVC-A
-A KUBE-SERVICES -m cgroup --cgroup 1 -j KUBE-OTHER
-A KUBE-SVC-A -p tcp -j DNAT --to-destination 10.244.1.5:8080
COMMIT
`

const parse = (text: string, base?: Ruleset) =>
  parseIptablesSave(text, { family: 4, file: 't.rules', noflush: true, ...(base ? { base } : {}) })

describe('compileRuleset', () => {
  it('shares compiled chains between rulesets holding the same chain objects', () => {
    const base = parse(BASE)
    // A CNI's rules on top: a new chain and a jump appended to PREROUTING.
    const node = parse('*nat\n:CNI-X - [0:0]\n-A PREROUTING -j CNI-X\nCOMMIT\n', base)
    const chain = (rs: Ruleset, name: string) =>
      rs.tables.find((t) => t.name === 'nat')?.chains.find((c) => c.name === name)
    expect(chain(node, 'KUBE-SERVICES')).toBe(chain(base, 'KUBE-SERVICES'))
    expect(chain(node, 'PREROUTING')).not.toBe(chain(base, 'PREROUTING'))
    const a = compileRuleset(base).tables.get('nat')
    const b = compileRuleset(node).tables.get('nat')
    expect(b?.chains.get('KUBE-SERVICES')).toBe(a?.chains.get('KUBE-SERVICES'))
    expect(b?.chains.get('PREROUTING')).not.toBe(a?.chains.get('PREROUTING'))
    expect(b?.chains.get('PREROUTING')?.rules.map((r) => r.target.kind)).toEqual(['chain', 'chain'])
  })

  it('recompiles a shared chain for a table where a target names something else', () => {
    const base = parse(BASE)
    const nat = base.tables.find((t) => t.name === 'nat')
    // The same KUBE-SERVICES object in a table without KUBE-OTHER (made by hand: the parser
    // refuses a jump to a missing chain): that rule's target is no jump there.
    const other: Ruleset = {
      family: 4,
      tables: [{ name: 'nat', chains: (nat?.chains ?? []).filter((c) => c.name !== 'KUBE-OTHER') }],
    }
    const a = compileRuleset(base).tables.get('nat')?.chains.get('KUBE-SERVICES')
    const b = compileRuleset(other).tables.get('nat')?.chains.get('KUBE-SERVICES')
    expect(b).not.toBe(a)
    expect(a?.rules[1]?.target).toEqual({ kind: 'chain', chain: 'KUBE-OTHER', goto: false })
    expect(b?.rules[1]?.target.kind).toBe('ext')
  })

  it('compiles every chain when iterated, and an unmodelled match fails only when run', () => {
    const t = compileRuleset(parse(BASE), { index: false }).tables.get('nat')
    expect([...(t?.chains.keys() ?? [])]).toEqual([
      'PREROUTING',
      'INPUT',
      'OUTPUT',
      'POSTROUTING',
      'KUBE-OTHER',
      'KUBE-SERVICES',
      'KUBE-SVC-A',
    ])
    expect([...(t?.chains.values() ?? [])].map((c) => c.rules.length)).toEqual([
      1, 0, 0, 0, 0, 2, 1,
    ])
    const bogus = t?.chains.get('KUBE-SERVICES')?.rules[1]
    expect(() => bogus?.test({} as never)).toThrow(
      expect.objectContaining({ code: 'KPATH_UNSUPPORTED' }),
    )
  })
})
