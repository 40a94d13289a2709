/**
 * TCP window tracking on its own (the kernel comparison is lab-replay.test.ts, tcp-window*.json):
 * sequence arithmetic wraps at 2^32, window scaling, the reasons INVALID carries, the sysctl
 * switches, and packets without sequence numbers left as they were.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Packet, TcpFlag, TcpSeqInfo } from '../model/packet.js'
import { configFromSysctls } from './config.js'
import { type ConntrackConfig, ConntrackTable } from './table.js'
import { tcpPacket } from './test-packets.js'

const C = '10.0.1.2'
const S = '10.0.9.2'

function seg(
  from: 'c' | 's',
  flags: TcpFlag[],
  seq: Omit<TcpSeqInfo, 'window'> & { window?: number },
): Packet {
  const p = from === 'c' ? tcpPacket(C, 40000, S, 80, flags) : tcpPacket(S, 80, C, 40000, flags)
  return { ...p, tcpSeq: { window: 502, ...seq } }
}

/** Client ISN `ci`, server ISN `si`, both sides scale by 7; the client has acknowledged 100 bytes. */
function established(ci: number, si: number, config?: ConntrackConfig) {
  const t = ConntrackTable.from([], config)
  const run = (p: Packet) => {
    const r = t.lookup(p)
    if (r.conn && !r.conn.status.confirmed) t.confirm(r.conn)
    return r
  }
  const u = (x: number) => x >>> 0
  run(seg('c', ['SYN'], { seq: ci, ack: 0, window: 64240, payload: 0, wscale: 7, sackPerm: true }))
  run(seg('s', ['SYN', 'ACK'], { seq: si, ack: u(ci + 1), window: 65160, payload: 0, wscale: 7 }))
  run(seg('c', ['ACK'], { seq: u(ci + 1), ack: u(si + 1), payload: 0 }))
  run(seg('s', ['PSH', 'ACK'], { seq: u(si + 1), ack: u(ci + 1), payload: 100 }))
  run(seg('c', ['ACK'], { seq: u(ci + 1), ack: u(si + 101), payload: 0 }))
  return { t, run, u }
}

describe('tcp_in_window', () => {
  it('a segment beyond the client window is INVALID, with the kernel reason', () => {
    const { run, u } = established(1000, 5000)
    // td_maxend = ack 5101 + 502 << 7 = 69357.
    const far = run(seg('s', ['ACK'], { seq: u(5101 + 200000), ack: 1001, payload: 100 }))
    expect(far).toMatchObject({ info: 'INVALID', dir: 'reply' })
    expect(far.reason).toBe('SEQ is over upper bound 69358 (over the window of the receiver)')
    expect(run(seg('s', ['ACK'], { seq: 69357, ack: 1001, payload: 0 })).info).toBe('ESTABLISHED')
  })

  it('an ACK of data never sent is INVALID', () => {
    const { run } = established(1000, 5000)
    const r = run(seg('s', ['ACK'], { seq: 5101, ack: 1001 + 100000, payload: 0 }))
    expect(r.reason).toBe('ACK is over upper bound 1002 (ACKed data not seen yet)')
  })

  it('without window scaling on both sides the window field is taken as it is', () => {
    const t = ConntrackTable.from([])
    const go = (p: Packet) => {
      const r = t.lookup(p)
      if (r.conn && !r.conn.status.confirmed) t.confirm(r.conn)
      return r.info
    }
    go(seg('c', ['SYN'], { seq: 1000, ack: 0, window: 64240, payload: 0, wscale: 7 }))
    go(seg('s', ['SYN', 'ACK'], { seq: 5000, ack: 1001, window: 65160, payload: 0 }))
    go(seg('c', ['ACK'], { seq: 1001, ack: 5001, window: 502, payload: 0 }))
    // Unscaled, the client allows 502 bytes past 5001, not 64256: 2000 bytes beyond is more
    // than allowed but within one client window (ignored); 100000 beyond is INVALID.
    expect(go(seg('s', ['ACK'], { seq: 5001 + 2000, ack: 1001, payload: 100 }))).toBe('ESTABLISHED')
    expect(go(seg('s', ['ACK'], { seq: 5001 + 100000, ack: 1001, payload: 100 }))).toBe('INVALID')
  })

  it('be_liberal (sysctl) accepts it; a packet without sequence numbers is never checked', () => {
    const sysctls = { 'net.netfilter.nf_conntrack_tcp_be_liberal': '1' }
    const lib = established(1000, 5000, configFromSysctls(sysctls))
    expect(lib.run(seg('s', ['ACK'], { seq: 300000, ack: 1001, payload: 100 })).info).toBe(
      'ESTABLISHED',
    )
    const strict = established(1000, 5000)
    expect(strict.run(tcpPacket(S, 80, C, 40000, ['ACK'])).info).toBe('ESTABLISHED')
  })

  it('ignore_invalid_rst lets an RST below the acknowledged sequence reach the window check', () => {
    const rst = seg('s', ['RST'], { seq: 5100, ack: 0, payload: 0 })
    expect(established(1000, 5000).run(rst)).toMatchObject({ info: 'INVALID' })
    const sysctls = { 'net.netfilter.nf_conntrack_tcp_ignore_invalid_rst': '1' }
    const loose = established(1000, 5000, configFromSysctls(sysctls))
    // In window, but not at the acknowledged sequence: the connection stays ESTABLISHED so
    // the challenge ACK can get through; an RST exactly there closes it.
    expect(loose.run(rst).info).toBe('ESTABLISHED')
    expect(loose.t.entries()[0]?.tcpState).toBe('ESTABLISHED')
    loose.run(seg('s', ['RST'], { seq: 5101, ack: 0, payload: 0 }))
    expect(loose.t.entries()[0]?.tcpState).toBe('CLOSE')
  })

  it('verdicts do not depend on where the sequence numbers sit in the 32-bit space', () => {
    const verdicts = (ci: number, si: number) => {
      const { run, u } = established(ci, si)
      return [
        run(seg('s', ['ACK'], { seq: u(si + 101 + 200000), ack: u(ci + 1), payload: 100 })).info,
        run(seg('s', ['ACK'], { seq: u(si + 101 + 64200), ack: u(ci + 1), payload: 100 })).info,
        run(seg('c', ['ACK'], { seq: u(ci + 1 - 200000), ack: u(si + 101), payload: 10 })).info,
        run(seg('s', ['ACK'], { seq: u(si + 101), ack: u(ci + 50000), payload: 0 })).info,
        run(seg('s', ['ACK'], { seq: u(si + 101), ack: u(ci + 1), payload: 1000 })).info,
      ]
    }
    const base = verdicts(1000, 5000)
    expect(base).toEqual(['INVALID', 'ESTABLISHED', 'ESTABLISHED', 'INVALID', 'ESTABLISHED'])
    fc.assert(
      fc.property(fc.nat(0xffffffff), fc.nat(0xffffffff), (ci, si) => {
        expect(verdicts(ci, si)).toEqual(base)
      }),
      { numRuns: 200 },
    )
  })
})
