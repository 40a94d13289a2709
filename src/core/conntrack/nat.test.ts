import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isKpathError } from '../errors.js'
import type { Packet } from '../model/packet.js'
import { formatIPv4, formatIPv6, parseIPv6 } from '../net/ip.js'
import type { Conn } from './conn.js'
import { parseConntrackList } from './list-parse.js'
import { bindNat, natPacket, nullBinding } from './nat.js'
import { bestAddress, type NatRange, normalizeRange } from './nat-range.js'
import { ConntrackTable } from './table.js'
import { answer, icmpPacket, tcpPacket, udpPacket } from './test-packets.js'

const fixed = (x: number) => () => x

/** What a router does with a packet: conntrack, DNAT at PREROUTING, SNAT at POSTROUTING, confirm. */
function route(
  t: ConntrackTable,
  p: Packet,
  nat: { dnat?: NatRange; snat?: NatRange },
  rand = fixed(0.5),
): { out: Packet; conn: Conn | undefined } {
  const r = t.lookup(p)
  const conn = r.conn
  if (!conn) return { out: p, conn }
  if (r.info === 'NEW') {
    if (nat.dnat) bindNat(t, conn, 'dst', nat.dnat, rand)
    else nullBinding(t, conn, 'dst', rand)
  }
  let out = natPacket(conn, r.dir, 'dst', p)
  if (r.info === 'NEW') {
    if (nat.snat) bindNat(t, conn, 'src', nat.snat, rand)
    else nullBinding(t, conn, 'src', rand)
  }
  out = natPacket(conn, r.dir, 'src', out)
  t.confirm(conn)
  return { out, conn }
}

const MASQ: NatRange = { minAddr: '10.0.9.1' }

function codeOf(f: () => unknown): string | undefined {
  try {
    f()
  } catch (e) {
    return isKpathError(e) ? e.code : 'not a KpathError'
  }
  return undefined
}

describe('bindNat', () => {
  it('binds a DNAT: reply tuple, status bits, rewritten packets both ways', () => {
    const t = ConntrackTable.from([])
    const syn = tcpPacket('10.0.1.2', 40000, '10.0.8.100', 80, ['SYN'])
    const { out, conn } = route(t, syn, { dnat: { minAddr: '10.0.9.2', minPort: 8080 } })
    expect(out).toMatchObject({ src: '10.0.1.2', sport: 40000, dst: '10.0.9.2', dport: 8080 })
    expect(conn?.reply).toEqual({ src: '10.0.9.2', dst: '10.0.1.2', sport: 8080, dport: 40000 })
    expect(conn?.status).toMatchObject({
      dstNat: true,
      dstNatDone: true,
      srcNat: false,
      srcNatDone: true,
    })
    const back = route(t, answer(out, { tcpFlags: ['SYN', 'ACK'] }), {}).out
    expect(back).toMatchObject({ src: '10.0.8.100', sport: 80, dst: '10.0.1.2', dport: 40000 })
  })

  it('gives a null binding that changes nothing when the tuple is free', () => {
    const t = ConntrackTable.from([])
    const { out, conn } = route(t, udpPacket('10.0.1.2', 5000, '10.0.9.2', 53), {})
    expect(out).toMatchObject({ src: '10.0.1.2', sport: 5000, dst: '10.0.9.2', dport: 53 })
    expect(conn?.status).toMatchObject({
      srcNat: false,
      dstNat: false,
      srcNatDone: true,
      dstNatDone: true,
    })
  })

  it('MASQUERADE keeps a free port and moves a taken one by the kernel formula', () => {
    const t = ConntrackTable.from([])
    const a = route(t, tcpPacket('10.0.1.2', 40500, '10.0.9.2', 8080, ['SYN']), { snat: MASQ }).out
    expect(a).toMatchObject({ src: '10.0.9.1', sport: 40500 })
    // off = 0.5 * 65536 = 32768: port = 1024 + 32768 % 64512
    const b = route(t, tcpPacket('10.0.2.2', 40500, '10.0.9.2', 8080, ['SYN']), { snat: MASQ }).out
    expect(b).toMatchObject({ src: '10.0.9.1', sport: 33792 })
    const c = route(t, tcpPacket('10.0.3.2', 33792, '10.0.9.2', 8080, ['SYN']), { snat: MASQ }).out
    expect(c.sport).toBe(33793)
    expect(t.entries()).toHaveLength(3)
  })

  it('searches the same port class: below 512, and 600-1023 for 512-1023', () => {
    const t = ConntrackTable.from([])
    for (const [port, lo, hi] of [
      [100, 1, 511],
      [700, 600, 1023],
    ] as const) {
      route(t, tcpPacket('10.0.1.2', port, '10.0.9.2', 8080, ['SYN']), { snat: MASQ })
      const moved = route(
        t,
        tcpPacket('10.0.2.2', port, '10.0.9.2', 8080, ['SYN']),
        { snat: MASQ },
        fixed(0.3),
      ).out
      expect(moved.sport).not.toBe(port)
      expect(moved.sport).toBeGreaterThanOrEqual(lo)
      expect(moved.sport).toBeLessThanOrEqual(hi)
    }
  })

  it('reuses the mapping an earlier connection from the same source got', () => {
    const t = ConntrackTable.from([])
    route(t, tcpPacket('10.0.1.2', 40500, '10.0.9.2', 8080, ['SYN']), { snat: MASQ })
    const first = route(
      t,
      tcpPacket('10.0.2.2', 40500, '10.0.9.2', 8080, ['SYN']),
      { snat: MASQ },
      fixed(0.25),
    ).out
    const second = route(
      t,
      tcpPacket('10.0.2.2', 40500, '10.0.9.2', 8081, ['SYN']),
      { snat: MASQ },
      fixed(0.75),
    ).out
    expect(first.sport).not.toBe(40500)
    expect(second.sport).toBe(first.sport)
  })

  it('--random-fully picks a port even when the original is free', () => {
    const t = ConntrackTable.from([])
    const out = route(
      t,
      tcpPacket('10.0.1.2', 40000, '10.0.9.2', 80, ['SYN']),
      { snat: { ...MASQ, randomFully: true } },
      fixed(0),
    ).out
    expect(out.sport).toBe(1024)
  })

  it('keeps a single DNAT port even if taken (the clash shows at confirm)', () => {
    const t = ConntrackTable.from([])
    const dnat = { minAddr: '10.0.9.2', minPort: 8080 }
    route(t, tcpPacket('10.0.1.2', 1000, '10.0.8.100', 80, ['SYN']), { dnat })
    const r = t.lookup(tcpPacket('10.0.1.2', 1000, '10.0.8.101', 80, ['SYN']))
    const conn = r.conn as Conn
    bindNat(t, conn, 'dst', dnat, fixed(0))
    expect(conn.reply).toMatchObject({ src: '10.0.9.2', sport: 8080 })
    expect(t.confirm(conn)).toBe(false)
  })

  it('searches a DNAT port range from its start when the first choice is taken', () => {
    const t = ConntrackTable.from([])
    const dnat = { minAddr: '10.0.9.2', minPort: 8000, maxPort: 8002 }
    const a = route(t, tcpPacket('10.0.1.2', 1000, '10.0.8.100', 80, ['SYN']), { dnat }).out
    const b = route(t, tcpPacket('10.0.1.2', 1000, '10.0.8.101', 80, ['SYN']), { dnat }).out
    expect([a.dport, b.dport]).toEqual([8000, 8001])
  })

  it('moves an ICMP id that clashes after SNAT', () => {
    const t = ConntrackTable.from([])
    const a = route(t, icmpPacket('10.0.1.2', '10.0.9.2', 8, 77), { snat: MASQ }).out
    const b = route(t, icmpPacket('10.0.2.2', '10.0.9.2', 8, 77), { snat: MASQ }, fixed(0.5)).out
    expect(a.icmpId).toBe(77)
    expect(b.icmpId).toBe(32768)
    const reply = route(t, answer(b, { icmpType: 0 }), {}).out
    expect(reply).toMatchObject({ dst: '10.0.2.2', icmpId: 77, icmpType: 0 })
  })

  it('refuses confirmed connections, double binding and bad ranges', () => {
    const t = ConntrackTable.from([])
    const { conn } = route(t, udpPacket('10.0.1.2', 1, '10.0.9.2', 2), {})
    expect(codeOf(() => bindNat(t, conn as Conn, 'src', MASQ, Math.random))).toBe(
      'KPATH_INVALID_ARGUMENT',
    )
    const fresh = t.lookup(udpPacket('10.0.1.3', 1, '10.0.9.2', 2)).conn as Conn
    bindNat(t, fresh, 'dst', { minAddr: '10.0.9.3' }, Math.random)
    expect(codeOf(() => bindNat(t, fresh, 'dst', { minAddr: '10.0.9.3' }, Math.random))).toBe(
      'KPATH_INVALID_ARGUMENT',
    )
    for (const bad of [
      { minAddr: '2001:db8::1' },
      { minAddr: '10.0.0.9', maxAddr: '10.0.0.1' },
      { maxAddr: '10.0.0.1' },
      { minPort: 70000 },
      { minAddr: 'nonsense' },
    ]) {
      expect(
        codeOf(() =>
          bindNat(
            t,
            t.lookup(udpPacket('10.0.1.4', 9, '10.0.9.2', 2)).conn as Conn,
            'src',
            bad,
            Math.random,
          ),
        ),
      ).toBe('KPATH_INVALID_ARGUMENT')
    }
    const random = { ...MASQ, randomFully: true }
    expect(codeOf(() => bindNat(t, fresh, 'src', random, fixed(1)))).toBe('KPATH_INVALID_ARGUMENT')
  })
})

describe('natPacket', () => {
  const addr4 = fc.integer({ min: 0x0a000001, max: 0x0affffff }).map(formatIPv4)
  const port = fc.integer({ min: 1, max: 65535 })

  it('un-NATs replies back to the original addresses (property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          proto: fc.constantFrom(6, 17, 1),
          src: addr4,
          dst: addr4,
          sport: port,
          dport: port,
          id: fc.integer({ min: 0, max: 65535 }),
          dnat: fc.option(
            fc.record({ minAddr: addr4, minPort: fc.option(port, { nil: undefined }) }),
            { nil: undefined },
          ),
          snat: fc.option(fc.record({ minAddr: addr4, randomFully: fc.boolean() }), {
            nil: undefined,
          }),
          rand: fc.double({ min: 0, max: 0.999, noNaN: true }),
        }),
        (c) => {
          const t = ConntrackTable.from([])
          const first =
            c.proto === 1
              ? icmpPacket(c.src, c.dst, 8, c.id)
              : c.proto === 6
                ? tcpPacket(c.src, c.sport, c.dst, c.dport, ['SYN'])
                : udpPacket(c.src, c.sport, c.dst, c.dport)
          const { out, conn } = route(
            t,
            first,
            { ...(c.dnat ? { dnat: c.dnat } : {}), ...(c.snat ? { snat: c.snat } : {}) },
            fixed(c.rand),
          )
          if (!conn) throw new Error('no connection')
          // The packet leaves as the inverse of the reply tuple says.
          expect(out.src).toBe(conn.reply.dst)
          expect(out.dst).toBe(conn.reply.src)
          const reply = answer(out, c.proto === 1 ? { icmpType: 0 } : { tcpFlags: ['SYN', 'ACK'] })
          const back = route(t, reply, {}).out
          expect(back.src).toBe(first.dst)
          expect(back.dst).toBe(first.src)
          expect(back.sport).toBe(first.dport)
          expect(back.dport).toBe(first.sport)
          expect(back.icmpId).toBe(first.icmpId)
        },
      ),
      { numRuns: 400 },
    )
  })

  it('rewrites the quoted header of a RELATED ICMP error back to what the client sent', () => {
    const t = ConntrackTable.from([])
    const q = udpPacket('10.0.1.2', 5001, '10.0.8.100', 54)
    const { out } = route(t, q, { dnat: { minAddr: '10.0.9.2', minPort: 9999 }, snat: MASQ })
    const error = icmpPacket('10.0.9.2', out.src, 3, 0, out)
    const r = t.lookup(error)
    expect(r).toMatchObject({ info: 'RELATED', dir: 'reply' })
    const conn = r.conn as Conn
    const pre = natPacket(conn, r.dir, 'dst', error)
    const post = natPacket(conn, r.dir, 'src', pre)
    expect(post).toMatchObject({ src: '10.0.8.100', dst: '10.0.1.2', icmpType: 3 })
    expect(post.inner).toMatchObject({ src: '10.0.1.2', sport: 5001, dst: '10.0.8.100', dport: 54 })
  })

  it.each([
    ['MASQUERADE only', {}, { snat: MASQ }],
    ['DNAT only', { dnat: { minAddr: '10.0.9.2', minPort: 9999 } }, {}],
  ])('un-NATs the quoted header with %s too', (_, dnat, snat) => {
    const t = ConntrackTable.from([])
    const q = udpPacket('10.0.1.2', 5001, '10.0.8.100', 54)
    const { out } = route(t, q, { ...dnat, ...snat })
    const r = t.lookup(icmpPacket(out.dst, out.src, 3, 0, out))
    const conn = r.conn as Conn
    const back = natPacket(
      conn,
      r.dir,
      'src',
      natPacket(conn, r.dir, 'dst', icmpPacket(out.dst, out.src, 3, 0, out)),
    )
    expect(back).toMatchObject({ src: q.dst, dst: q.src })
    expect(back.inner).toMatchObject({ src: q.src, sport: q.sport, dst: q.dst, dport: q.dport })
  })

  it('leaves packets alone when the connection has no NAT in that direction', () => {
    const t = ConntrackTable.from([])
    const p = udpPacket('10.0.1.2', 1, '10.0.9.2', 2)
    const { conn } = route(t, p, {})
    expect(natPacket(conn as Conn, 'original', 'dst', p)).toBe(p)
    expect(natPacket(conn as Conn, 'reply', 'src', answer(p))).toEqual(answer(p))
  })
})

describe('bestAddress (find_best_ips_proto)', () => {
  const lab = JSON.parse(
    readFileSync(new URL('./testdata/lab/nat-ranges.json', import.meta.url), 'utf8'),
  ) as { steps: { listing?: string }[] }
  const listing = lab.steps.at(-1)?.listing ?? ''

  it('picks the same address from a range as the kernel did, for 64 sources', () => {
    const entries = parseConntrackList(listing)
    expect(entries).toHaveLength(64)
    const dnat = normalizeRange({ minAddr: '10.0.9.10', maxAddr: '10.0.9.17' }, 'ipv4')
    const snat = normalizeRange({ minAddr: '10.0.9.100', maxAddr: '10.0.9.107' }, 'ipv4')
    const persistent = normalizeRange(
      { minAddr: '10.0.9.110', maxAddr: '10.0.9.117', persistent: true },
      'ipv4',
    )
    const seen = new Set<string>()
    for (const e of entries) {
      const last = Number(e.orig.src.split('.')[3])
      if (e.orig.dst === '10.0.8.200')
        expect(bestAddress(e.orig, dnat, 0), e.orig.src).toBe(e.reply.src)
      else if (last < 128) expect(bestAddress(e.orig, snat, 0), e.orig.src).toBe(e.reply.dst)
      else expect(bestAddress(e.orig, persistent, 0), e.orig.src).toBe(e.reply.dst)
      seen.add(e.orig.dst === '10.0.8.200' ? e.reply.src : e.reply.dst)
    }
    expect(seen.size).toBeGreaterThan(15)
  })

  it('stays inside an IPv6 range, and --persistent ignores the destination', () => {
    const v6 = fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }).map(formatIPv6)
    const r = normalizeRange(
      { minAddr: '2001:db8::10', maxAddr: '2001:db8::1:20', persistent: true },
      'ipv6',
    )
    fc.assert(
      fc.property(v6, v6, v6, (src, d1, d2) => {
        const a = bestAddress({ src, dst: d1 }, r, 0) ?? ''
        expect(a).toBe(bestAddress({ src, dst: d2 }, r, 0))
        const v = parseIPv6(a) ?? -1n
        const base = 0x20010db8n << 96n
        expect(v >= base + 0x10n && v <= base + 0x10020n, a).toBe(true)
      }),
      { numRuns: 200 },
    )
  })
})
