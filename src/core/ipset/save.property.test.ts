import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createIpSetDb } from './db.js'
import { parseIpsetList, printIpsetList } from './list.js'
import type { IpSet } from './model.js'
import { parseIpsetSave, printIpsetSave } from './save.js'

// Random restore input: every type, both families, every extension, random spellings that the
// parser must normalise. Parsing it gives a canonical model M; the properties are about M.

const octet = fc.integer({ min: 0, max: 255 })
const v4 = fc.tuple(fc.integer({ min: 1, max: 255 }), octet, octet, octet).map((a) => a.join('.'))
const v6 = fc
  .array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 })
  .filter((g) => g.some((x) => x !== 0))
  .map((g) => g.map((x) => x.toString(16)).join(':'))
const addr = (f: 4 | 6) => (f === 4 ? v4 : v6)
const net = (f: 4 | 6, min = 1) =>
  fc.tuple(addr(f), fc.integer({ min, max: f === 4 ? 32 : 128 })).map(([a, l]) => `${a}/${l}`)

const port = (f: 4 | 6) =>
  fc.oneof(
    fc
      .tuple(
        fc.constantFrom('tcp', 'udp', 'sctp', 'udplite', 'TCP', '6', '17'),
        fc.integer({ min: 0, max: 65535 }),
      )
      .map(([p, n]) => `${p}:${n}`),
    fc.integer({ min: 0, max: 65535 }).map(String),
    fc.constantFrom('http', 'udp:domain', 'tcp:[ftp-data]', 'ssh', 'udp:ntp'),
    fc.tuple(octet, octet).map(([t, c]) => (f === 4 ? `icmp:${t}/${c}` : `icmpv6:${t}/${c}`)),
    fc.constantFrom(
      ...(f === 4
        ? ['icmp:ping', 'icmp:echo', 'icmp:host-unr']
        : ['icmpv6:ping', 'ipv6-icmp:packet']),
    ),
    fc.constantFrom('gre:0', 'esp:0', '47:0', '250:0', 'ethernet:0'),
  )
const iface = fc
  .tuple(fc.boolean(), fc.stringMatching(/^[a-z0-9._+:-]{1,15}$/))
  .map(([phys, name]) => `${phys ? 'physdev:' : ''}${name}`)
const comment = fc
  .stringMatching(/^[^"\n\r\t\v\f]{1,40}$/)
  .filter((s) => s.trim() === s && s !== '' && !s.startsWith('#'))

interface SetKind {
  readonly type: string
  readonly elem: (f: 4 | 6) => fc.Arbitrary<string>
  readonly nomatch: boolean
}
const KINDS: readonly SetKind[] = [
  { type: 'hash:ip', elem: addr, nomatch: false },
  { type: 'hash:net', elem: (f) => fc.oneof(addr(f), net(f)), nomatch: true },
  {
    type: 'hash:ip,port',
    elem: (f) => fc.tuple(addr(f), port(f)).map((x) => x.join(',')),
    nomatch: false,
  },
  {
    type: 'hash:ip,port,ip',
    elem: (f) => fc.tuple(addr(f), port(f), addr(f)).map((x) => x.join(',')),
    nomatch: false,
  },
  {
    type: 'hash:ip,port,net',
    elem: (f) => fc.tuple(addr(f), port(f), net(f)).map((x) => x.join(',')),
    nomatch: true,
  },
  {
    type: 'hash:net,port',
    elem: (f) => fc.tuple(net(f), port(f)).map((x) => x.join(',')),
    nomatch: true,
  },
  {
    type: 'hash:net,iface',
    elem: (f) => fc.tuple(net(f, 0), iface).map((x) => x.join(',')),
    nomatch: true,
  },
]

const ext = fc.record({
  timeout: fc.option(fc.integer({ min: 0, max: 2147483 }), { nil: undefined }),
  counters: fc.boolean(),
  comment: fc.boolean(),
  skbinfo: fc.boolean(),
})
type Ext = typeof ext extends fc.Arbitrary<infer T> ? T : never

function createExt(e: Ext): string {
  return [
    e.timeout === undefined ? '' : `timeout ${e.timeout}`,
    e.counters ? 'counters' : '',
    e.comment ? 'comment' : '',
    e.skbinfo ? 'skbinfo' : '',
  ]
    .filter((s) => s !== '')
    .join(' ')
}

function memberExt(e: Ext): fc.Arbitrary<string> {
  return fc
    .record({
      timeout: fc.option(fc.integer({ min: 0, max: 2147483 }), { nil: undefined }),
      packets: fc.option(fc.bigInt({ min: 0n, max: 0xfffffffffffffffen }), { nil: undefined }),
      bytes: fc.option(fc.bigInt({ min: 0n, max: 0xfffffffffffffffen }), { nil: undefined }),
      comment: fc.option(comment, { nil: undefined }),
      mark: fc.option(fc.tuple(fc.nat({ max: 0xffffffff }), fc.nat({ max: 0xffffffff })), {
        nil: undefined,
      }),
      prio: fc.option(fc.tuple(fc.nat({ max: 0xffff }), fc.nat({ max: 0xffff })), {
        nil: undefined,
      }),
      queue: fc.option(fc.nat({ max: 0xffff }), { nil: undefined }),
    })
    .map((m) => {
      const w: string[] = []
      if (e.timeout !== undefined && m.timeout !== undefined) w.push(`timeout ${m.timeout}`)
      if (e.counters && m.packets !== undefined) w.push(`packets ${m.packets}`)
      if (e.counters && m.bytes !== undefined) w.push(`bytes ${m.bytes}`)
      if (e.comment && m.comment !== undefined) w.push(`comment "${m.comment}"`)
      if (e.skbinfo && m.mark)
        w.push(`skbmark 0x${m.mark[0].toString(16)}/0x${m.mark[1].toString(16)}`)
      if (e.skbinfo && m.prio) w.push(`skbprio ${m.prio[0].toString(16)}:${m.prio[1].toString(16)}`)
      if (e.skbinfo && m.queue !== undefined) w.push(`skbqueue ${m.queue}`)
      return w.reverse().join(' ')
    })
}

const hashSet = (i: number) =>
  fc
    .tuple(
      fc.constantFrom(...KINDS),
      fc.constantFrom<4 | 6>(4, 6),
      ext,
      fc.integer({ min: 1, max: 70000 }),
    )
    .chain(([k, f, e, hashsize]) =>
      fc.array(fc.tuple(k.elem(f), memberExt(e), fc.boolean()), { maxLength: 6 }).map((members) => {
        const family = f === 6 ? ' family inet6' : ''
        const lines = [`create s${i} ${k.type}${family} hashsize ${hashsize} ${createExt(e)}`]
        for (const [elem, opts, nm] of members)
          lines.push(`add s${i} ${elem} ${opts}${k.nomatch && nm ? ' nomatch' : ''}`)
        return lines
      }),
    )

const bitmapSet = (i: number) =>
  fc
    .tuple(fc.integer({ min: 0, max: 65535 }), fc.integer({ min: 0, max: 300 }), ext)
    .chain(([lo, span, e]) => {
      const hi = Math.min(65535, lo + span)
      return fc
        .array(fc.tuple(fc.integer({ min: lo, max: hi }), memberExt(e)), { maxLength: 6 })
        .map((ms) => [
          `create s${i} bitmap:port range ${lo}-${hi} ${createExt(e)}`,
          ...ms.map(([p, o]) => `add s${i} ${p} ${o}`),
        ])
    })

const restoreInput = fc
  .array(
    fc.oneof(
      { weight: 5, arbitrary: fc.constant('hash') },
      { weight: 1, arbitrary: fc.constant('bitmap') },
    ),
    { minLength: 1, maxLength: 5 },
  )
  .chain((kinds) => fc.tuple(...kinds.map((k, i) => (k === 'hash' ? hashSet(i) : bitmapSet(i)))))
  .chain((blocks) =>
    fc.subarray(blocks.map((_, i) => `s${i}`)).map((listed) => {
      const list =
        listed.length === 0
          ? []
          : ['create l list:set comment', ...listed.map((n) => `add l ${n} comment "in l"`)]
      return `${[...blocks.flat(), ...list].join('\n')}\n`
    }),
  )

const model = restoreInput.map((text) => parseIpsetSave(text, { exist: true }))

describe('parse ∘ print', () => {
  it('gives back the same sets for any canonical model', () => {
    fc.assert(
      fc.property(model, (sets) => {
        const text = printIpsetSave(sets)
        expect(parseIpsetSave(text)).toEqual(sets)
        expect(printIpsetSave(parseIpsetSave(text))).toBe(text)
      }),
      { numRuns: 300, seed: 20261121 },
    )
  })

  it('gives back the same sets through ipset list, and the computed header fields are stable', () => {
    fc.assert(
      fc.property(model, (sets) => {
        const listing = printIpsetList(sets)
        const back = parseIpsetList(listing)
        expect(back.map(({ listing: _l, ...s }) => s as IpSet)).toEqual(sets)
        expect(printIpsetList(back)).toBe(listing)
      }),
      { numRuns: 200, seed: 7 },
    )
  })

  it('yields sets that the membership db accepts as they are', () => {
    fc.assert(
      fc.property(model, (sets) => {
        expect(createIpSetDb(sets).snapshot()).toEqual(sets)
      }),
      { numRuns: 200, seed: 11 },
    )
  })
})
