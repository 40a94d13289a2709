import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { isKpathError } from '../errors.js'
import type { Packet } from '../model/packet.js'
import type { Conn } from './conn.js'
import { parseConntrackList } from './list-parse.js'
import { ConntrackTable, type LookupResult } from './table.js'
import { answer, icmpPacket, packet, tcpPacket, udpPacket } from './test-packets.js'

const C = '10.0.1.2'
const S = '10.0.9.2'

/** lookup + confirm, as a packet that is accepted does. */
function pass(table: ConntrackTable, p: Packet): LookupResult {
  const r = table.lookup(p)
  if (r.conn) table.confirm(r.conn)
  return r
}

function only(table: ConntrackTable): Conn {
  const conns = table.connections()
  expect(conns).toHaveLength(1)
  const c = conns[0]
  if (!c) throw new Error('no connection')
  return c
}

function codeOf(f: () => unknown): string | undefined {
  try {
    f()
  } catch (e) {
    return isKpathError(e) ? e.code : 'not a KpathError'
  }
  return undefined
}

describe('TCP through the table', () => {
  const syn = tcpPacket(C, 40000, S, 80, ['SYN'])

  it('follows the handshake: NEW, ESTABLISHED reply, ESTABLISHED + ASSURED', () => {
    const t = ConntrackTable.from([])
    const first = t.lookup(syn)
    expect(first).toMatchObject({ dir: 'original', info: 'NEW' })
    expect(first.conn?.status.confirmed).toBe(false)
    expect(t.entries()).toHaveLength(0)
    expect(t.confirm(first.conn as Conn)).toBe(true)
    expect(t.entries()[0]).toMatchObject({
      tcpState: 'SYN_SENT',
      timeout: 120,
      status: { seenReply: false },
    })

    expect(pass(t, answer(syn, { tcpFlags: ['SYN', 'ACK'] }))).toMatchObject({
      dir: 'reply',
      info: 'ESTABLISHED',
    })
    expect(t.entries()[0]).toMatchObject({
      tcpState: 'SYN_RECV',
      timeout: 60,
      status: { seenReply: true, assured: false },
    })

    expect(pass(t, { ...syn, tcpFlags: ['ACK'] })).toMatchObject({
      dir: 'original',
      info: 'ESTABLISHED',
    })
    expect(t.entries()[0]).toMatchObject({
      tcpState: 'ESTABLISHED',
      timeout: 432000,
      status: { assured: true },
    })
  })

  it('keeps a retransmitted SYN NEW and does not refresh its timeout', () => {
    const t = ConntrackTable.from([])
    pass(t, syn)
    t.advance(100)
    expect(pass(t, syn).info).toBe('NEW')
    expect(only(t).timeout).toBe(20)
  })

  it('reports a clash when a second unconfirmed connection for the same tuple is confirmed', () => {
    const t = ConntrackTable.from([])
    const a = t.lookup(syn)
    const b = t.lookup(syn)
    expect(t.confirm(a.conn as Conn)).toBe(true)
    expect(t.confirm(b.conn as Conn)).toBe(false)
    expect(t.entries()).toHaveLength(1)
  })

  it('marks segments the tracker refuses INVALID and leaves the connection alone', () => {
    const t = ConntrackTable.from([])
    for (const flags of [
      ['FIN', 'ACK'],
      ['SYN', 'ACK'],
      ['RST'],
      ['SYN', 'FIN'],
      [],
      ['FIN'],
    ] as const) {
      expect(t.lookup(tcpPacket(C, 40001, S, 80, [...flags])), flags.join()).toMatchObject({
        dir: 'original',
        info: 'INVALID',
      })
    }
    expect(t.lookup(tcpPacket(C, 40001, S, 80, ['SYN', 'FIN'])).reason).toBe(
      'invalid TCP flag combination SYN/FIN',
    )
    pass(t, syn)
    expect(t.lookup({ ...syn, tcpFlags: ['ACK'] })).toEqual({
      dir: 'original',
      info: 'INVALID',
      reason: 'ACK in the original direction is invalid in state SYN_SENT',
    })
    expect(only(t)).toMatchObject({ tcpState: 'SYN_SENT', timeout: 120 })
  })

  it('picks up a connection from an ACK only with tcp_loose', () => {
    const ack = tcpPacket(C, 40002, S, 80, ['ACK'])
    const loose = ConntrackTable.from([])
    expect(pass(loose, ack).info).toBe('NEW')
    expect(only(loose)).toMatchObject({ tcpState: 'ESTABLISHED', timeout: 300 })
    expect(ConntrackTable.from([], { tcpLoose: false }).lookup(ack).info).toBe('INVALID')
  })

  it('kills a connection whose only answer is an RST', () => {
    const t = ConntrackTable.from([])
    pass(t, syn)
    const r = t.lookup(answer(syn, { tcpFlags: ['RST', 'ACK'] }))
    expect(r).toMatchObject({ dir: 'reply', info: 'ESTABLISHED' })
    expect(r.conn).toBeDefined()
    expect(t.entries()).toHaveLength(0)
  })

  it('reopens from TIME_WAIT with a new connection', () => {
    const t = ConntrackTable.from([])
    const c = (flags: Packet['tcpFlags']) => ({ ...syn, tcpFlags: flags })
    const s = (flags: Packet['tcpFlags']) => answer(syn, { tcpFlags: flags })
    for (const p of [
      syn,
      s(['SYN', 'ACK']),
      c(['ACK']),
      c(['FIN', 'ACK']),
      s(['ACK']),
      s(['FIN', 'ACK']),
      c(['ACK']),
    ]) {
      pass(t, p)
    }
    const old = only(t)
    expect(old.tcpState).toBe('TIME_WAIT')
    const again = t.lookup(syn)
    expect(again.info).toBe('NEW')
    expect(again.conn).not.toBe(old)
    expect(t.entries()).toHaveLength(0)
    t.confirm(again.conn as Conn)
    expect(only(t)).toMatchObject({
      tcpState: 'SYN_SENT',
      status: { seenReply: false, assured: false },
    })
  })

  it('handles a simultaneous open', () => {
    const t = ConntrackTable.from([])
    pass(t, syn)
    pass(t, answer(syn, { tcpFlags: ['SYN'] }))
    expect(only(t).tcpState).toBe('SYN_SENT2')
    pass(t, { ...syn, tcpFlags: ['SYN', 'ACK'] })
    expect(only(t).tcpState).toBe('SYN_RECV')
    pass(t, answer(syn, { tcpFlags: ['ACK'] }))
    expect(only(t).tcpState).toBe('ESTABLISHED')
  })

  it('does not take an RFC 5961 challenge ACK in LAST_ACK for the last ACK', () => {
    const t = ConntrackTable.from([])
    const c = (flags: Packet['tcpFlags']) => ({ ...syn, tcpFlags: flags })
    const s = (flags: Packet['tcpFlags']) => answer(syn, { tcpFlags: flags })
    for (const p of [syn, s(['SYN', 'ACK']), c(['ACK']), c(['FIN', 'ACK']), s(['FIN', 'ACK'])])
      pass(t, p)
    expect(only(t).tcpState).toBe('LAST_ACK')
    expect(pass(t, syn).info).toBe('ESTABLISHED')
    pass(t, s(['ACK']))
    expect(only(t).tcpState).toBe('LAST_ACK')
    pass(t, s(['ACK']))
    expect(only(t).tcpState).toBe('TIME_WAIT')
  })

  it('refuses a TCP packet without flags and DCCP loudly', () => {
    const t = ConntrackTable.from([])
    expect(codeOf(() => t.lookup(packet({ proto: 6, src: C, dst: S, sport: 1, dport: 2 })))).toBe(
      'KPATH_INVALID_ARGUMENT',
    )
    expect(codeOf(() => t.lookup(packet({ proto: 33, src: C, dst: S, sport: 1, dport: 2 })))).toBe(
      'KPATH_UNSUPPORTED',
    )
    expect(codeOf(() => t.lookup(packet({ proto: 17, src: C, dst: S })))).toBe(
      'KPATH_INVALID_ARGUMENT',
    )
  })
})

describe('UDP, GRE and the generic tracker', () => {
  it('makes UDP ASSURED only for traffic more than 2 s after a reply', () => {
    const t = ConntrackTable.from([])
    const q = udpPacket(C, 5000, S, 53)
    pass(t, q)
    expect(only(t)).toMatchObject({ timeout: 30, status: { seenReply: false } })
    pass(t, answer(q))
    expect(only(t)).toMatchObject({ timeout: 30, status: { seenReply: true, assured: false } })
    t.advance(1)
    pass(t, q)
    expect(only(t)).toMatchObject({ timeout: 30, status: { assured: false } })
    t.advance(1.5)
    pass(t, q)
    expect(only(t)).toMatchObject({ timeout: 120, status: { assured: true } })
  })

  it('makes GRE a stream on the first packet after a reply; other protocols get 600 s', () => {
    const t = ConntrackTable.from([])
    const gre = packet({ proto: 47, src: C, dst: S })
    pass(t, gre)
    expect(t.entries()[0]).toMatchObject({ timeout: 30, orig: { srcKey: 0, dstKey: 0 } })
    pass(t, answer(gre))
    pass(t, gre)
    expect(t.entries()[0]).toMatchObject({ timeout: 180, status: { assured: true } })
    const esp = packet({ proto: 50, src: C, dst: S })
    expect(pass(t, esp).info).toBe('NEW')
    expect(pass(t, answer(esp)).info).toBe('ESTABLISHED')
    expect(t.entries()[1]).toMatchObject({
      proto: 50,
      timeout: 600,
      status: { seenReply: true, assured: false },
    })
  })
})

describe('ICMP', () => {
  const echo = icmpPacket(C, S, 8, 4660)

  it('tracks echo request and reply; refuses an unasked reply and unknown types', () => {
    const t = ConntrackTable.from([])
    expect(pass(t, echo).info).toBe('NEW')
    expect(pass(t, icmpPacket(S, C, 0, 4660))).toMatchObject({ dir: 'reply', info: 'ESTABLISHED' })
    expect(t.entries()[0]).toMatchObject({
      timeout: 30,
      status: { seenReply: true, assured: false },
    })
    expect(t.lookup(icmpPacket(C, S, 0, 99)).info).toBe('INVALID')
    expect(t.lookup(icmpPacket(C, S, 42, 1)).info).toBe('INVALID')
  })

  it('makes an error RELATED to the connection it quotes, if it goes where that direction goes', () => {
    const t = ConntrackTable.from([])
    const q = udpPacket(C, 5001, S, 9999)
    pass(t, q)
    const error = icmpPacket(S, C, 3, 0, q)
    expect(t.lookup(error)).toMatchObject({ dir: 'reply', info: 'RELATED', conn: only(t) })
    expect(t.lookup({ ...error, dst: '10.0.1.99' }).info).toBe('INVALID')
    expect(t.lookup(icmpPacket(S, C, 3, 0, udpPacket(C, 1, S, 2))).info).toBe('INVALID')
    expect(t.lookup(icmpPacket(S, C, 3, 0)).info).toBe('INVALID')
    // An error about the reply direction, sent by the client, is RELATED original.
    expect(t.lookup(icmpPacket(C, S, 3, 0, answer(q))).info).toBe('RELATED')
    expect(only(t).status.seenReply).toBe(false)
  })

  it('leaves neighbour discovery UNTRACKED and tracks ICMPv6 echo', () => {
    const t = ConntrackTable.from([])
    expect(t.lookup(icmpPacket('fe80::1', 'ff02::1:ff00:2', 135))).toEqual({
      dir: 'original',
      info: 'UNTRACKED',
    })
    expect(pass(t, icmpPacket('2001:db8::1', '2001:db8::2', 128, 7)).info).toBe('NEW')
    expect(t.entries()[0]).toMatchObject({
      l3: 'ipv6',
      proto: 58,
      reply: { icmpType: 129, icmpId: 7 },
    })
  })
})

describe('the table', () => {
  const catalogue = parseConntrackList(
    readFileSync(new URL('./testdata/catalogue.txt', import.meta.url), 'utf8'),
  )

  it('gives back exactly the entries it was made from, in order', () => {
    expect(ConntrackTable.from(catalogue).entries()).toEqual(catalogue)
  })

  it('finds imported NAT connections from their reply packets', () => {
    const t = ConntrackTable.from(catalogue)
    const reply = tcpPacket('10.244.2.7', 5353, '192.168.49.2', 61000, ['ACK'])
    const r = t.lookup(reply)
    expect(r).toMatchObject({ dir: 'reply', info: 'ESTABLISHED' })
    expect(r.conn?.orig.dst).toBe('10.96.0.10')
  })

  it('refuses two entries with the same tuple', () => {
    const first = catalogue[0]
    if (!first) throw new Error('empty catalogue')
    expect(codeOf(() => ConntrackTable.from([first, first]))).toBe('KPATH_INVALID_ARGUMENT')
  })

  it('forks: a clone evolves without touching the original', () => {
    const t = ConntrackTable.from([])
    const syn = tcpPacket(C, 40000, S, 80, ['SYN'])
    pass(t, syn)
    const fork = t.clone()
    pass(fork, answer(syn, { tcpFlags: ['SYN', 'ACK'] }))
    pass(fork, udpPacket(C, 1, S, 2))
    expect(t.entries()).toHaveLength(1)
    expect(t.entries()[0]).toMatchObject({ tcpState: 'SYN_SENT', status: { seenReply: false } })
    expect(fork.entries()[0]).toMatchObject({ tcpState: 'SYN_RECV', status: { seenReply: true } })
  })

  it('lets connections expire as time passes', () => {
    const t = ConntrackTable.from([])
    pass(t, udpPacket(C, 1, S, 2))
    pass(t, tcpPacket(C, 3, S, 4, ['SYN']))
    t.advance(29.5)
    expect(t.entries().map((e) => e.timeout)).toEqual([1, 91])
    t.advance(0.5)
    expect(t.entries().map((e) => e.proto)).toEqual([6])
    expect(codeOf(() => t.advance(-1))).toBe('KPATH_INVALID_ARGUMENT')
  })

  it('keeps zones apart', () => {
    const t = ConntrackTable.from([])
    const q = udpPacket(C, 1, S, 2)
    pass(t, q)
    const other = t.lookup(q, { zone: 5 })
    expect(other.info).toBe('NEW')
    expect(t.confirm(other.conn as Conn)).toBe(true)
    expect(t.entries().map((e) => e.zone)).toEqual([undefined, 5])
  })

  it('answers tupleTaken for either direction, except for the same flow', () => {
    const t = ConntrackTable.from([])
    const q = udpPacket(C, 1, S, 2)
    pass(t, q)
    const conn = only(t)
    const reply = { src: S, dst: C, sport: 2, dport: 1 }
    expect(t.tupleTaken(reply, 17)).toBe(true)
    expect(t.tupleTaken(conn.orig, 17)).toBe(true)
    expect(t.tupleTaken(reply, 6)).toBe(false)
    expect(t.tupleTaken(reply, 17, conn)).toBe(false)
    const twin = t.lookup(q).conn as Conn
    expect(t.tupleTaken(reply, 17, twin)).toBe(false)
  })
})
