/**
 * parse ∘ print is the identity, byte for byte, on every listing the real nft 1.0.6 printed
 * (testdata/, see its README) and on the kube-proxy conformance dumps; the parse is structural
 * (no raw statements outside the unmodelled fixture) and the handles of `nft -a` are the only
 * difference between a listing and its `-a` twin.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { KUBE_PROXY_CONFORMANCE } from '../../../../test/support/shared.js'
import type { NftRuleset, NftStmt } from './model.js'
import { parseNftRuleset } from './parse.js'
import { printNftRuleset } from './print.js'

const DATA = join(dirname(fileURLToPath(import.meta.url)), 'testdata')
const read = (p: string) => readFileSync(p, 'utf8')

function fixtures(): { name: string; text: string }[] {
  const own = readdirSync(DATA)
    .filter((f) => f.endsWith('.txt') && f !== 'versions.txt')
    .map((f) => ({ name: f, text: read(join(DATA, f)) }))
  const kp = readdirSync(join(DATA, 'kube-proxy')).map((f) => ({
    name: `kube-proxy/${f}`,
    text: read(join(DATA, 'kube-proxy', f)),
  }))
  return [...own, ...kp]
}

function conformanceDumps(): { name: string; text: string }[] {
  const out = [
    {
      name: 'overall',
      text: read(join(KUBE_PROXY_CONFORMANCE, 'overall', 'expected-nft-list.txt')),
    },
  ]
  const cases = join(KUBE_PROXY_CONFORMANCE, 'cases')
  for (const slug of readdirSync(cases).sort()) {
    const p = join(cases, slug, 'nft-list.txt')
    if (existsSync(p)) out.push({ name: slug, text: read(p) })
  }
  return out
}

function statements(rs: NftRuleset): NftStmt[] {
  return rs.tables.flatMap((t) => t.chains.flatMap((c) => c.rules.flatMap((r) => r.stmts)))
}

/** The model as JSON without handles, source locations and expiry times (they tick). */
const IGNORED = new Set(['handle', 'location', 'expires'])
const bigintSafe = (rs: NftRuleset) =>
  JSON.stringify(rs, (k, v) => (IGNORED.has(k) ? undefined : typeof v === 'bigint' ? String(v) : v))

describe('nft listing round trip (parse, then print)', () => {
  const all = fixtures()
  it('has the fixtures of every input, with and without handles', () => {
    expect(all.filter((f) => f.name.endsWith('.handles.txt')).length).toBe(8)
    expect(all.filter((f) => f.name.endsWith('.list.txt')).length).toBe(14)
  })
  for (const f of [...all, ...conformanceDumps()]) {
    it(`reproduces ${f.name} byte for byte`, () => {
      expect(printNftRuleset(parseNftRuleset(f.text, { file: f.name }))).toBe(f.text)
    })
  }

  it('the conformance dumps come back from the real nft unchanged', () => {
    for (const d of conformanceDumps()) {
      const slug = d.name
      expect(read(join(DATA, 'kube-proxy', `${slug}.list.txt`))).toBe(d.text)
    }
  })

  for (const name of readdirSync(DATA).filter((f) => f.endsWith('.handles.txt'))) {
    it(`${name} differs from its plain listing only by handles`, () => {
      const a = parseNftRuleset(read(join(DATA, name)))
      const b = parseNftRuleset(read(join(DATA, name.replace('.handles.', '.list.'))))
      expect(bigintSafe(a)).toBe(bigintSafe(b))
      expect(a.tables.every((t) => t.handle !== undefined)).toBe(true)
      const rules = a.tables.flatMap((t) => t.chains.flatMap((c) => c.rules))
      expect(rules.every((r) => r.handle !== undefined)).toBe(true)
    })
  }

  it('parses every statement structurally, except the unmodelled fixture', () => {
    for (const f of all.filter((x) => !x.name.startsWith('unmodelled'))) {
      const raw = statements(parseNftRuleset(f.text)).filter((s) => s.kind === 'raw')
      expect(raw, f.name).toEqual([])
    }
    const raw = statements(parseNftRuleset(read(join(DATA, 'unmodelled.list.txt'))))
      .filter((s) => s.kind === 'raw')
      .map((s) => (s.kind === 'raw' ? s.text : ''))
    expect(raw).toEqual([
      'limit rate 10/second accept',
      'limit rate over 1/minute burst 3 packets drop',
      'quota over 10 mbytes drop',
      'meta mark set jhash ip saddr mod 2',
      'ip option rr exists accept',
      'tcp option maxseg size 1400 accept',
      'ct count over 2 drop',
      'tcp option maxseg size set rt mtu',
    ])
  })
})

describe('priorities against the real nft', () => {
  it('reads back every priority that was loaded', () => {
    // inputs/priorities.nft loads chain NAME with `priority N`; nft lists names and offsets.
    const input = read(join(DATA, 'inputs', 'priorities.nft'))
    const loaded = new Map(
      [...input.matchAll(/chain (\S+) \{ type filter hook \S+ priority (-?\d+);/g)].map((m) => [
        m[1],
        Number(m[2]),
      ]),
    )
    const rs = parseNftRuleset(read(join(DATA, 'priorities.list.txt')))
    const listed = new Map(rs.tables[0]?.chains.map((c) => [c.name, c.base?.priority]))
    expect(loaded.size).toBe(22)
    expect(listed).toEqual(loaded)
  })
})
