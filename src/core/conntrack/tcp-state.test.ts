import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { TCP_FLAG_NAMES, type TcpFlag } from '../model/packet.js'
import type { TcpCtState } from './model.js'
import {
  newTcpState,
  nextTcpState,
  TCP_STATE_ORDER,
  tcpFlagIndex,
  tcpFlagsValid,
} from './tcp-state.js'

const S: Record<string, TcpCtState> = {
  NO: 'NONE',
  SS: 'SYN_SENT',
  SR: 'SYN_RECV',
  ES: 'ESTABLISHED',
  FW: 'FIN_WAIT',
  CW: 'CLOSE_WAIT',
  LA: 'LAST_ACK',
  TW: 'TIME_WAIT',
  CL: 'CLOSE',
  S2: 'SYN_SENT2',
}

describe('nextTcpState', () => {
  // Cells taken from the per-cell comments of the kernel 6.x table (nf_conntrack_proto_tcp.c).
  const cases: [TcpCtState, 'original' | 'reply', TcpFlag[], string][] = [
    ['NONE', 'original', ['SYN'], 'SYN_SENT'],
    ['SYN_SENT', 'original', ['SYN'], 'SYN_SENT'],
    ['ESTABLISHED', 'original', ['SYN'], 'IGNORE'],
    ['TIME_WAIT', 'original', ['SYN'], 'SYN_SENT'],
    ['CLOSE', 'original', ['SYN'], 'SYN_SENT'],
    ['SYN_SENT2', 'original', ['SYN'], 'SYN_SENT2'],
    ['SYN_SENT', 'original', ['SYN', 'ACK'], 'INVALID'],
    ['SYN_RECV', 'original', ['SYN', 'ACK'], 'SYN_RECV'],
    ['ESTABLISHED', 'original', ['SYN', 'ACK'], 'INVALID'],
    ['SYN_SENT2', 'original', ['SYN', 'ACK'], 'SYN_RECV'],
    ['SYN_SENT', 'original', ['FIN', 'ACK'], 'INVALID'],
    ['ESTABLISHED', 'original', ['FIN', 'ACK'], 'FIN_WAIT'],
    ['FIN_WAIT', 'original', ['FIN', 'ACK'], 'LAST_ACK'],
    ['TIME_WAIT', 'original', ['FIN', 'ACK'], 'TIME_WAIT'],
    ['NONE', 'original', ['ACK'], 'ESTABLISHED'],
    ['SYN_SENT', 'original', ['ACK'], 'INVALID'],
    ['SYN_RECV', 'original', ['ACK'], 'ESTABLISHED'],
    ['FIN_WAIT', 'original', ['ACK'], 'CLOSE_WAIT'],
    ['LAST_ACK', 'original', ['ACK'], 'TIME_WAIT'],
    ['NONE', 'original', ['RST'], 'INVALID'],
    ['ESTABLISHED', 'original', ['RST', 'ACK'], 'CLOSE'],
    ['NONE', 'reply', ['SYN'], 'INVALID'],
    ['SYN_SENT', 'reply', ['SYN'], 'SYN_SENT2'],
    ['TIME_WAIT', 'reply', ['SYN'], 'SYN_SENT'],
    ['CLOSE', 'reply', ['SYN'], 'INVALID'],
    ['SYN_SENT', 'reply', ['SYN', 'ACK'], 'SYN_RECV'],
    ['SYN_RECV', 'reply', ['SYN', 'ACK'], 'IGNORE'],
    ['CLOSE', 'reply', ['SYN', 'ACK'], 'IGNORE'],
    ['SYN_SENT', 'reply', ['ACK'], 'IGNORE'],
    ['SYN_RECV', 'reply', ['ACK'], 'SYN_RECV'],
    ['SYN_SENT2', 'reply', ['ACK'], 'IGNORE'],
    ['CLOSE_WAIT', 'reply', ['FIN', 'ACK'], 'LAST_ACK'],
    ['LAST_ACK', 'reply', ['ACK'], 'TIME_WAIT'],
  ]
  it.each(cases)('%s + %s %j -> %s', (state, dir, flags, want) => {
    expect(nextTcpState(state, dir, flags)).toBe(want)
  })

  it('sends every known state somewhere for every direction and flag index', () => {
    for (const state of TCP_STATE_ORDER) {
      for (const dir of ['original', 'reply'] as const) {
        for (const flags of [
          ['SYN'],
          ['SYN', 'ACK'],
          ['FIN', 'ACK'],
          ['ACK'],
          ['RST'],
        ] as TcpFlag[][]) {
          expect(nextTcpState(state, dir, flags)).toMatch(/^[A-Z_0-9]+$/)
        }
      }
    }
  })

  it('closes any tracked state on RST and ignores PSH, ECE and CWR', () => {
    const extra = fc.subarray(['PSH', 'ECE', 'CWR'] as TcpFlag[])
    fc.assert(
      fc.property(
        fc.constantFrom(...TCP_STATE_ORDER.slice(1)),
        fc.constantFrom('original', 'reply' as const),
        extra,
        (state, dir, x) => {
          expect(nextTcpState(state, dir as 'original' | 'reply', ['RST', ...x])).toBe('CLOSE')
          expect(nextTcpState(state, dir as 'original' | 'reply', ['ACK', ...x])).toBe(
            nextTcpState(state, dir as 'original' | 'reply', ['ACK']),
          )
        },
      ),
    )
  })
  it('has the kernel state names in enum order', () => {
    expect(TCP_STATE_ORDER.map((s) => Object.entries(S).find(([, v]) => v === s)?.[0])).toEqual([
      'NO',
      'SS',
      'SR',
      'ES',
      'FW',
      'CW',
      'LA',
      'TW',
      'CL',
      'S2',
    ])
  })
})

describe('tcpFlagsValid', () => {
  const valid = [
    'SYN',
    'SYN URG',
    'SYN ACK',
    'RST',
    'RST ACK',
    'FIN ACK',
    'FIN ACK URG',
    'ACK',
    'ACK URG',
  ]
  it('accepts exactly the kernel tcp_valid_flags combinations of FIN SYN RST ACK URG', () => {
    const base = ['FIN', 'SYN', 'RST', 'ACK', 'URG'] as const
    let accepted = 0
    for (let mask = 0; mask < 32; mask++) {
      const flags = base.filter((_, i) => mask & (1 << i))
      const ok = tcpFlagsValid(flags)
      expect(ok).toBe(valid.includes(flags.join(' ')))
      if (ok) accepted++
    }
    expect(accepted).toBe(valid.length)
  })

  it('does not care about PSH, ECE or CWR', () => {
    fc.assert(
      fc.property(fc.subarray([...TCP_FLAG_NAMES]), (flags) => {
        const core = flags.filter((f) => !['PSH', 'ECE', 'CWR'].includes(f))
        expect(tcpFlagsValid(flags)).toBe(tcpFlagsValid(core))
      }),
    )
  })
})

describe('tcpFlagIndex', () => {
  it('ranks RST over SYN over FIN over ACK', () => {
    expect(tcpFlagIndex(['SYN', 'RST', 'ACK'])).toBe('RST')
    expect(tcpFlagIndex(['SYN', 'ACK', 'FIN'])).toBe('SYNACK')
    expect(tcpFlagIndex(['SYN', 'FIN'])).toBe('SYN')
    expect(tcpFlagIndex(['FIN', 'ACK'])).toBe('FIN')
    expect(tcpFlagIndex(['ACK', 'PSH'])).toBe('ACK')
    expect(tcpFlagIndex(['PSH'])).toBe('NONE')
  })
})

describe('newTcpState', () => {
  it('opens on SYN, picks up an ACK only when loose, refuses the rest', () => {
    expect(newTcpState(['SYN'], false)).toBe('SYN_SENT')
    expect(newTcpState(['ACK'], true)).toBe('ESTABLISHED')
    expect(newTcpState(['ACK'], false)).toBe('INVALID')
    for (const flags of [
      ['SYN', 'ACK'],
      ['FIN', 'ACK'],
      ['RST'],
      ['RST', 'ACK'],
      ['SYN', 'FIN'],
      [],
    ] as TcpFlag[][]) {
      expect(newTcpState(flags, true)).toBe('INVALID')
    }
  })
})
