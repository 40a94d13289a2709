/**
 * Property tests: for random models in nft's canonical form, parse(print(m)) gives m back, and
 * printing is stable (print ∘ parse ∘ print = print). The generators build what nft lists:
 * selectors, literals, anonymous sets and maps, every statement kind, named sets with every
 * declaration line, base and regular chains.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type {
  NftBaseChain,
  NftChain,
  NftElement,
  NftExpr,
  NftRule,
  NftRuleset,
  NftSet,
  NftStmt,
  NftTable,
  NftVerdict,
} from './model.js'
import { parseNftRuleset } from './parse.js'
import { printNftRuleset } from './print.js'

const name = fc.stringMatching(/^[a-z][a-z0-9_/.-]{0,11}$/).filter((n) => !RESERVED.has(n))
const RESERVED = new Set(['comment', 'type', 'flags', 'set', 'map', 'chain', 'table', 'policy'])
const text = fc.stringMatching(/^[a-zA-Z0-9 :/,.#{};@_-]{0,16}$/)
const v4 = fc.ipV4()
const word = fc.oneof(
  v4,
  v4.map((a) => `${a}/24`),
  fc.ipV6().filter((a) => !a.includes('.')),
  fc.nat(65535).map(String),
  fc.nat(0xffffffff).map((n) => `0x${n.toString(16).padStart(8, '0')}`),
  fc.constantFrom(
    'tcp',
    'udp',
    'established,related',
    'new',
    'local',
    'syn,ack',
    '1000-2000',
    '3h',
  ),
)
const value: fc.Arbitrary<NftExpr> = fc.oneof(
  word.map((t) => ({ kind: 'value', text: t }) as const),
  fc
    .constantFrom('eth0', 'lo*', 'a b')
    .map((t) => ({ kind: 'value', text: t, quoted: true }) as const),
)
const valueKey: fc.Arbitrary<NftExpr> = fc.oneof(
  { weight: 3, arbitrary: value },
  fc
    .array(value, { minLength: 2, maxLength: 3 })
    .map((items) => ({ kind: 'concat', items }) as const),
)

const selector: fc.Arbitrary<NftExpr> = fc.oneof(
  fc
    .constantFrom(
      ['ip', 'saddr'],
      ['ip', 'daddr'],
      ['ip6', 'saddr'],
      ['tcp', 'dport'],
      ['udp', 'sport'],
      ['th', 'dport'],
      ['icmp', 'type'],
    )
    .map(([proto, field]) => ({ kind: 'payload', proto, field }) as const),
  fc
    .constantFrom('mark', 'l4proto', 'nfproto', 'skuid')
    .map((key) => ({ kind: 'meta', key, qualified: true }) as const),
  fc
    .constantFrom('iifname', 'oifname')
    .map((key) => ({ kind: 'meta', key, qualified: false }) as const),
  fc.constantFrom('state', 'status', 'mark').map((key) => ({ kind: 'ct', key }) as const),
  fc.constant({ kind: 'ct', key: 'saddr', dir: 'original', family: 'ip' } as const),
  fc
    .constantFrom(['saddr'], ['daddr'], ['daddr', 'iif'])
    .map((flags) => ({ kind: 'fib', flags, result: 'type' }) as const),
  fc
    .record({
      mod: fc.integer({ min: 1, max: 9 }),
      mode: fc.constantFrom('random', 'inc') as fc.Arbitrary<'random' | 'inc'>,
    })
    .map(({ mod, mode }) => ({ kind: 'numgen', mode, mod }) as const),
)
const lhs: fc.Arbitrary<NftExpr> = fc.oneof(
  { weight: 4, arbitrary: selector },
  fc
    .record({
      left: selector,
      right: value,
      op: fc.constantFrom('&', '|', '^') as fc.Arbitrary<'&' | '|' | '^'>,
    })
    .map((b) => ({ kind: 'binop', ...b }) as const),
  fc
    .array(selector, { minLength: 2, maxLength: 3 })
    .map((items) => ({ kind: 'concat', items }) as const),
)

const verdict: fc.Arbitrary<NftVerdict> = fc.oneof(
  fc
    .constantFrom('accept', 'drop', 'continue', 'return')
    .map((v) => ({ kind: 'verdict', verdict: v }) as const),
  fc
    .record({ v: fc.constantFrom('jump', 'goto') as fc.Arbitrary<'jump' | 'goto'>, chain: name })
    .map(({ v, chain }) => ({ kind: 'verdict', verdict: v, chain }) as const),
)

function elementArb(withData: boolean): fc.Arbitrary<NftElement> {
  return fc
    .record(
      {
        key: valueKey,
        timeout: fc.constantFrom('3h', '1m30s'),
        expires: fc.constantFrom('2h59m59s996ms', '10s'),
        comment: text,
        counter: fc.record({ packets: fc.bigInt(0n, 99n), bytes: fc.bigInt(0n, 9999n) }),
      },
      { requiredKeys: ['key'] },
    )
    .chain((e) =>
      withData ? fc.oneof(verdict, valueKey).map((data) => ({ ...e, data })) : fc.constant(e),
    )
}
const anonSet = (withData: boolean): fc.Arbitrary<NftExpr> =>
  fc
    .array(elementArb(withData), { minLength: 1, maxLength: 3 })
    .map((elements) => ({ kind: 'set', elements }) as const)

const rhs: fc.Arbitrary<NftExpr> = fc.oneof(
  { weight: 4, arbitrary: valueKey },
  anonSet(false),
  name.map((n) => ({ kind: 'ref', name: n }) as const),
  fc.record({ value, mask: value }).map((m) => ({ kind: 'flagmask', ...m }) as const),
)

const natStmt: fc.Arbitrary<NftStmt> = fc.oneof(
  fc
    .record(
      {
        type: fc.constantFrom('dnat', 'snat') as fc.Arbitrary<'dnat' | 'snat'>,
        family: fc.constantFrom('ip', 'ip6') as fc.Arbitrary<'ip' | 'ip6'>,
        to: fc.oneof(
          fc
            .constantFrom('10.0.0.1:80', '10.0.0.1-10.0.0.9', '[fe80::1]:80')
            .map((t) => ({ kind: 'value', text: t }) as const),
          fc
            .record({
              key: selector,
              map: fc.oneof(
                anonSet(true),
                name.map((n) => ({ kind: 'ref', name: n }) as const),
              ),
            })
            .map((m) => ({ kind: 'map', ...m }) as const),
        ),
        flags: fc.subarray(['random', 'fully-random', 'persistent'], { minLength: 1 }),
      },
      { requiredKeys: ['type', 'to'] },
    )
    .map((n) => ({ kind: 'nat', ...n }) as const),
  fc
    .record(
      {
        type: fc.constantFrom('masquerade', 'redirect') as fc.Arbitrary<'masquerade' | 'redirect'>,
        to: fc.constantFrom(':80', ':1000-2000').map((t) => ({ kind: 'value', text: t }) as const),
        flags: fc.subarray(['random', 'fully-random', 'persistent'], { minLength: 1 }),
      },
      { requiredKeys: ['type'] },
    )
    .map((n) => ({ kind: 'nat', ...n }) as const),
)

const stmt: fc.Arbitrary<NftStmt> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc
      .record({
        left: lhs,
        op: fc.constantFrom('implicit', '==', '!=', '<', '>=') as fc.Arbitrary<'implicit'>,
        right: rhs,
      })
      .map((m) => ({ kind: 'match', ...m }) as const),
  },
  fc.constant({ kind: 'counter', packets: 0n, bytes: 0n } as const),
  fc.constantFrom<NftStmt>(
    { kind: 'log', options: [] },
    {
      kind: 'log',
      options: [
        { name: 'prefix', value: 'x y', quoted: true },
        { name: 'level', value: 'debug' },
      ],
    },
    { kind: 'notrack' },
    { kind: 'reject' },
    { kind: 'reject', with: { type: 'tcp', code: 'reset' } },
    { kind: 'reject', with: { type: 'icmpx', code: 'admin-prohibited' } },
  ),
  fc
    .record({ target: selector, value: fc.oneof(value, lhs) })
    .map((a) => ({ kind: 'assign', ...a }) as const),
  fc
    .record({
      key: lhs,
      map: fc.oneof(
        anonSet(true),
        name.map((n) => ({ kind: 'ref', name: n }) as const),
      ),
    })
    .map((v) => ({ kind: 'vmap', ...v }) as const),
  natStmt,
  fc
    .record({
      op: fc.constantFrom('add', 'update', 'delete') as fc.Arbitrary<'add'>,
      set: name,
      element: fc.record({ key: lhs, timeout: fc.constant('3h') }, { requiredKeys: ['key'] }),
    })
    .map((d) => ({ kind: 'dynset', ...d }) as const),
)

const rule: fc.Arbitrary<NftRule> = fc.record(
  {
    stmts: fc
      .tuple(
        fc.array(stmt, { minLength: 0, maxLength: 3 }),
        fc.option(verdict, { nil: undefined }),
        fc.option(fc.constant<NftStmt>({ kind: 'raw', text: 'limit rate 10/second' }), {
          nil: undefined,
        }),
      )
      .map(([body, v, raw]) => {
        const out: NftStmt[] = [...body]
        if (v) out.push(v)
        if (raw) out.push(raw)
        return out.length === 0 ? [{ kind: 'verdict', verdict: 'accept' } as const] : out
      }),
    comment: text,
    handle: fc.nat(9999),
  },
  { requiredKeys: ['stmts'] },
)

const base: fc.Arbitrary<NftBaseChain> = fc.record({
  type: fc.constantFrom('filter', 'nat', 'route') as fc.Arbitrary<'filter'>,
  hook: fc.constantFrom(
    'prerouting',
    'input',
    'forward',
    'output',
    'postrouting',
  ) as fc.Arbitrary<'input'>,
  priority: fc.integer({ min: -500, max: 500 }),
  policy: fc.constantFrom('accept', 'drop') as fc.Arbitrary<'accept'>,
})

const chain: fc.Arbitrary<NftChain> = fc.record(
  { name, comment: text, base, rules: fc.array(rule, { maxLength: 4 }), handle: fc.nat(999) },
  { requiredKeys: ['name', 'rules'] },
)

const set: fc.Arbitrary<NftSet> = fc
  .record(
    {
      kind: fc.constantFrom('set', 'map') as fc.Arbitrary<'set' | 'map'>,
      name,
      key: fc.oneof(
        fc
          .constantFrom(
            ['ipv4_addr'],
            ['inet_service'],
            ['mark'],
            ['ifname'],
            ['ipv4_addr', 'inet_proto', 'inet_service'],
          )
          .map((types) => ({ kind: 'type', types }) as const),
        lhs.filter((e) => e.kind !== 'binop').map((expr) => ({ kind: 'typeof', expr }) as const),
      ),
      policy: fc.constant('memory'),
      size: fc.nat(70000),
      flags: fc.subarray(['constant', 'interval', 'dynamic', 'timeout'], { minLength: 1 }),
      counter: fc.constant(true),
      autoMerge: fc.constant(true),
      timeout: fc.constantFrom('3h', '1d2h'),
      gcInterval: fc.constant('30s'),
      comment: text,
      handle: fc.nat(999),
    },
    { requiredKeys: ['kind', 'name', 'key'] },
  )
  .chain((s) =>
    fc
      .record(
        { elements: fc.array(elementArb(s.kind === 'map'), { maxLength: 7 }) },
        { requiredKeys: [] },
      )
      .map((e) => ({
        ...s,
        ...(s.kind === 'map' ? { data: { kind: 'type', types: ['verdict'] } as const } : {}),
        ...(e.elements && e.elements.length > 0 ? { elements: e.elements } : {}),
      })),
  )

const table: fc.Arbitrary<NftTable> = fc.record(
  {
    family: fc.constantFrom('ip', 'ip6', 'inet', 'bridge', 'arp', 'netdev') as fc.Arbitrary<'ip'>,
    name,
    handle: fc.nat(99),
    flags: fc.constant(['dormant']),
    comment: text,
    sets: fc.array(set, { maxLength: 3 }),
    chains: fc.array(chain, { maxLength: 3 }),
  },
  { requiredKeys: ['family', 'name', 'sets', 'chains'] },
)

const ruleset: fc.Arbitrary<NftRuleset> = fc
  .array(table, { maxLength: 3 })
  .map((tables) => ({ tables }))

/** Drop the source locations the parser adds. */
function strip(rs: NftRuleset): NftRuleset {
  return {
    tables: rs.tables.map((t) => ({
      ...t,
      chains: t.chains.map((c) => ({ ...c, rules: c.rules.map(({ location: _l, ...r }) => r) })),
    })),
  }
}

describe('nft model: print then parse', () => {
  it('gives the model back', () => {
    fc.assert(
      fc.property(ruleset, (rs) => {
        const text = printNftRuleset(rs)
        expect(strip(parseNftRuleset(text))).toEqual(rs)
      }),
      { numRuns: 400 },
    )
  })

  it('prints stably', () => {
    fc.assert(
      fc.property(ruleset, (rs) => {
        const once = printNftRuleset(rs)
        expect(printNftRuleset(parseNftRuleset(once))).toBe(once)
      }),
      { numRuns: 200 },
    )
  })
})
