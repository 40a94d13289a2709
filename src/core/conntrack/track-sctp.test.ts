import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { Packet, SctpChunk } from '../model/packet.js'
import { configFromSysctls } from './config.js'
import type { Conn } from './conn.js'
import { parseConntrackList } from './list-parse.js'
import { printConntrackList } from './list-print.js'
import type { ConntrackEntry, SctpCtState } from './model.js'
import { ConntrackTable, type LookupResult } from './table.js'
import { answer, sctpPacket } from './test-packets.js'
import { DEFAULT_TIMEOUTS, sctpStateTimeout } from './timeouts.js'

const C = '10.0.1.2'
const S = '10.0.9.2'

function pass(table: ConntrackTable, p: Packet): LookupResult {
  const r = table.lookup(p)
  if (r.conn) table.confirm(r.conn)
  return r
}

function only(table: ConntrackTable): ConntrackEntry {
  const es = table.entries()
  expect(es).toHaveLength(1)
  const e = es[0]
  if (!e) throw new Error('no connection')
  return e
}

const client = (chunks?: SctpChunk[]) => sctpPacket(C, 5000, S, 38412, chunks)
const server = (chunks?: SctpChunk[]) => answer(client(), chunks ? { sctpChunks: chunks } : {})

describe('the SCTP tracker through the table', () => {
  it('follows the four-way handshake, with ASSURED at the COOKIE_ACK', () => {
    const t = ConntrackTable.from([])
    const steps: [Packet, string, SctpCtState, number, boolean][] = [
      [client(['INIT']), 'NEW', 'CLOSED', 10, false],
      [server(['INIT_ACK']), 'ESTABLISHED', 'COOKIE_WAIT', 3, false],
      [client(['COOKIE_ECHO', 'DATA']), 'ESTABLISHED', 'COOKIE_ECHOED', 3, false],
      [server(['COOKIE_ACK', 'SACK']), 'ESTABLISHED', 'ESTABLISHED', 210, true],
      [client(['SHUTDOWN']), 'ESTABLISHED', 'SHUTDOWN_SENT', 3, true],
      [server(['SHUTDOWN_ACK']), 'ESTABLISHED', 'SHUTDOWN_ACK_SENT', 3, true],
      [client(['SHUTDOWN_COMPLETE']), 'ESTABLISHED', 'CLOSED', 10, true],
    ]
    for (const [p, info, state, timeout, assured] of steps) {
      expect(pass(t, p).info, state).toBe(info)
      expect(only(t), state).toMatchObject({ sctpState: state, timeout, status: { assured } })
    }
  })

  it('without chunks: a lone INIT opens, then every packet is DATA', () => {
    const t = ConntrackTable.from([])
    expect(pass(t, client())).toMatchObject({ info: 'NEW', dir: 'original' })
    expect(only(t)).toMatchObject({ sctpState: 'CLOSED', timeout: 10 })
    t.advance(4)
    // DATA keeps the state and refreshes its timeout, in both directions.
    expect(pass(t, server())).toMatchObject({ info: 'ESTABLISHED', dir: 'reply' })
    expect(only(t)).toMatchObject({
      sctpState: 'CLOSED',
      timeout: 10,
      status: { seenReply: true, assured: false },
    })
  })

  it('refuses bad bundles and chunks a reply cannot carry, leaving the connection alone', () => {
    const t = ConntrackTable.from([])
    pass(t, client(['HEARTBEAT']))
    const before = only(t)
    for (const p of [
      server(['INIT']),
      server(['ABORT']),
      client(['DATA', 'COOKIE_ECHO']),
      client(['INIT', 'DATA']),
      client([]),
    ]) {
      expect(t.lookup(p)).toMatchObject({ info: 'INVALID' })
      expect(t.lookup(p).conn).toBeUndefined()
    }
    expect(only(t)).toEqual(before)
    expect(pass(t, server(['HEARTBEAT_ACK'])).info).toBe('ESTABLISHED')
    expect(only(t)).toMatchObject({ sctpState: 'ESTABLISHED', status: { assured: true } })
  })

  it('makes no connection from DATA, SACK or out-of-the-blue chunks', () => {
    const t = ConntrackTable.from([])
    const refused: SctpChunk[][] = [['DATA'], ['SACK'], ['ABORT'], ['COOKIE_ACK'], ['PAD']]
    for (const cs of refused) expect(t.lookup(client(cs)).info, cs.join()).toBe('INVALID')
    expect(t.lookup(client(['COOKIE_ECHO', 'DATA'])).info).toBe('INVALID')
    expect(t.entries()).toHaveLength(0)
  })

  it('does not refresh a CLOSED entry on a retransmitted INIT', () => {
    const t = ConntrackTable.from([])
    pass(t, client(['INIT']))
    t.advance(3)
    expect(pass(t, client(['INIT'])).info).toBe('NEW')
    expect(only(t).timeout).toBe(7)
    // Any other chunk still refreshes it.
    pass(t, client(['HEARTBEAT_ACK']))
    expect(only(t).timeout).toBe(10)
  })

  it('uses the namespace sysctls for the state timeouts', () => {
    const config = configFromSysctls({
      'net.netfilter.nf_conntrack_sctp_timeout_established': '86400',
      'net.netfilter.nf_conntrack_sctp_timeout_heartbeat_sent': '7',
    })
    const t = ConntrackTable.from([], config)
    pass(t, client(['HEARTBEAT']))
    expect(only(t)).toMatchObject({ sctpState: 'HEARTBEAT_SENT', timeout: 7 })
    pass(t, server(['HEARTBEAT_ACK']))
    expect(only(t)).toMatchObject({ sctpState: 'ESTABLISHED', timeout: 86400 })
  })

  it('keeps the SCTP state of listed entries and tracks from it', () => {
    const line = (state: string, sport: number) =>
      `sctp     132 100 ${state} src=${C} dst=${S} sport=${sport} dport=38412 src=${S} dst=${C} sport=38412 dport=${sport} [ASSURED] mark=0 use=1\n`
    const text = line('SHUTDOWN_RECD', 1) + line('HEARTBEAT_ACKED', 2) + line('NONE', 3)
    const t = ConntrackTable.from(parseConntrackList(text))
    expect(printConntrackList(t.entries())).toBe(text)
    expect(printConntrackList(t.clone().entries())).toBe(text)
    pass(t, sctpPacket(C, 1, S, 38412, ['SHUTDOWN_ACK']))
    // HEARTBEAT_ACKED (older kernels) is ESTABLISHED for the 6.x table; NONE times out as CLOSED.
    pass(t, sctpPacket(C, 2, S, 38412, ['DATA']))
    pass(t, sctpPacket(C, 3, S, 38412, ['DATA']))
    const by = (sport: number) => t.entries().find((e) => e.orig.sport === sport)
    expect(by(1)).toMatchObject({ sctpState: 'SHUTDOWN_ACK_SENT', timeout: 3 })
    expect(by(2)).toMatchObject({ sctpState: 'ESTABLISHED', timeout: 210 })
    expect(by(3)).toMatchObject({ sctpState: 'NONE', timeout: 10 })
  })

  it('clones the state with the table: branches evolve apart', () => {
    const t = ConntrackTable.from([])
    pass(t, client(['INIT']))
    const fork = t.clone()
    pass(fork, server(['INIT_ACK']))
    expect(only(t).sctpState).toBe('CLOSED')
    expect(only(fork).sctpState).toBe('COOKIE_WAIT')
    const conn: Conn | undefined = fork.connections()[0]
    expect(conn?.sctpState).toBe('COOKIE_WAIT')
  })
})

describe('sctpStateTimeout', () => {
  it('gives every state the value of its sysctl, as the kernel lists them', () => {
    const text = readFileSync(new URL('./testdata/sysctls.txt', import.meta.url), 'utf8')
    const sysctl = (s: string) => {
      const m = new RegExp(`nf_conntrack_sctp_timeout_${s.toLowerCase()} = (\\d+)`).exec(text)
      return Number(m?.[1])
    }
    const states: SctpCtState[] = [
      'CLOSED',
      'COOKIE_WAIT',
      'COOKIE_ECHOED',
      'ESTABLISHED',
      'SHUTDOWN_SENT',
      'SHUTDOWN_RECD',
      'SHUTDOWN_ACK_SENT',
      'HEARTBEAT_SENT',
    ]
    for (const s of states) expect(sctpStateTimeout(DEFAULT_TIMEOUTS, s), s).toBe(sysctl(s))
    expect(sctpStateTimeout(DEFAULT_TIMEOUTS, 'NONE')).toBe(sysctl('CLOSED'))
  })
})
