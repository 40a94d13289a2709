import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { SCTP_CHUNK_TYPES, type SctpChunk } from '../model/packet.js'
import { SCTP_STATES } from './list-format.js'
import type { SctpCtState } from './model.js'
import {
  nextSctpState,
  SCTP_STATE_ORDER,
  type SctpStateChunk,
  sctpCanStart,
  sctpChunksValid,
} from './sctp-state.js'

const CHUNKS = Object.keys(SCTP_CHUNK_TYPES) as SctpChunk[]
const TABLE_CHUNKS: readonly SctpStateChunk[] = [
  'INIT',
  'INIT_ACK',
  'ABORT',
  'SHUTDOWN',
  'SHUTDOWN_ACK',
  'ERROR',
  'COOKIE_ECHO',
  'COOKIE_ACK',
  'SHUTDOWN_COMPLETE',
  'HEARTBEAT',
  'HEARTBEAT_ACK',
]
const OTHER_CHUNKS = CHUNKS.filter((c) => !(TABLE_CHUNKS as readonly string[]).includes(c))
const DIRS = ['original', 'reply'] as const

const chunk = fc.constantFrom(...CHUNKS)
const state = fc.constantFrom(...SCTP_STATE_ORDER)
const dir = fc.constantFrom(...DIRS)

describe('SCTP_STATE_ORDER', () => {
  it('numbers the states as the listing library does (enum sctp_conntrack)', () => {
    // libnetfilter_conntrack indexes its names by the kernel's state number.
    expect(SCTP_STATES.slice(0, SCTP_STATE_ORDER.length)).toEqual(SCTP_STATE_ORDER)
    expect(SCTP_STATES[SCTP_STATE_ORDER.length]).toBe('HEARTBEAT_ACKED')
  })
})

describe('nextSctpState', () => {
  // Cells from the kernel's own description of each state (nf_conntrack_proto_sctp.c).
  const cases: [SctpCtState, 'original' | 'reply', SctpChunk, string][] = [
    ['NONE', 'original', 'INIT', 'CLOSED'],
    ['CLOSED', 'reply', 'INIT_ACK', 'COOKIE_WAIT'],
    ['COOKIE_WAIT', 'original', 'COOKIE_ECHO', 'COOKIE_ECHOED'],
    ['COOKIE_ECHOED', 'reply', 'COOKIE_ACK', 'ESTABLISHED'],
    ['ESTABLISHED', 'original', 'SHUTDOWN', 'SHUTDOWN_SENT'],
    ['ESTABLISHED', 'reply', 'SHUTDOWN', 'SHUTDOWN_RECD'],
    ['SHUTDOWN_SENT', 'reply', 'SHUTDOWN_ACK', 'SHUTDOWN_ACK_SENT'],
    ['SHUTDOWN_RECD', 'original', 'SHUTDOWN_ACK', 'SHUTDOWN_ACK_SENT'],
    ['SHUTDOWN_ACK_SENT', 'original', 'SHUTDOWN_COMPLETE', 'CLOSED'],
    ['SHUTDOWN_ACK_SENT', 'reply', 'SHUTDOWN_COMPLETE', 'CLOSED'],
    ['NONE', 'original', 'HEARTBEAT', 'HEARTBEAT_SENT'],
    ['HEARTBEAT_SENT', 'reply', 'HEARTBEAT_ACK', 'ESTABLISHED'],
    ['HEARTBEAT_SENT', 'reply', 'INIT', 'INVALID'],
    ['COOKIE_ECHOED', 'reply', 'ERROR', 'CLOSED'],
    ['ESTABLISHED', 'original', 'INIT', 'ESTABLISHED'],
    ['SHUTDOWN_SENT', 'original', 'INIT', 'CLOSED'],
  ]
  it.each(cases)('%s + %s %s -> %s', (from, d, c, to) => {
    expect(nextSctpState(from, d, c)).toBe(to)
  })

  it('leaves the state alone for chunks without a row (DATA, SACK, …)', () => {
    fc.assert(
      fc.property(state, dir, fc.constantFrom(...OTHER_CHUNKS), (s, d, c) => {
        expect(nextSctpState(s, d, c)).toBe(s)
      }),
    )
  })

  it('refuses only in the reply direction, and every chunk with a row from NONE', () => {
    fc.assert(
      fc.property(state, chunk, (s, c) => {
        expect(nextSctpState(s, 'original', c)).not.toBe('INVALID')
      }),
    )
    for (const c of TABLE_CHUNKS) expect(nextSctpState('NONE', 'reply', c)).toBe('INVALID')
  })

  it('closes on ABORT wherever the chunk is accepted', () => {
    fc.assert(
      fc.property(state, dir, (s, d) => {
        expect(['CLOSED', 'INVALID']).toContain(nextSctpState(s, d, 'ABORT'))
      }),
    )
  })

  it('reads HEARTBEAT_ACKED (older kernels) as ESTABLISHED', () => {
    fc.assert(
      fc.property(dir, chunk, (d, c) => {
        const from = nextSctpState('ESTABLISHED', d, c)
        expect(nextSctpState('HEARTBEAT_ACKED', d, c)).toBe(from)
      }),
    )
  })
})

describe('sctpChunksValid', () => {
  // RFC 9260 6.10: INIT, INIT ACK and SHUTDOWN COMPLETE are never bundled; COOKIE ECHO and
  // COOKIE ACK may be bundled, but only first.
  const spec = (cs: readonly SctpChunk[]) => {
    const alone: readonly string[] = ['INIT', 'INIT_ACK', 'SHUTDOWN_COMPLETE']
    const first: readonly string[] = ['COOKIE_ECHO', 'COOKIE_ACK']
    if (cs.length === 0) return false
    if (cs.length > 1 && cs.some((c) => alone.includes(c))) return false
    return cs.slice(1).every((c) => !first.includes(c))
  }

  it('agrees with the bundling rules on any chunk list', () => {
    fc.assert(
      fc.property(fc.array(chunk, { maxLength: 5 }), (cs) => {
        expect(sctpChunksValid(cs)).toBe(spec(cs))
      }),
      { numRuns: 2000 },
    )
  })

  it('accepts the bundles the lab sent', () => {
    expect(sctpChunksValid(['COOKIE_ECHO', 'DATA'])).toBe(true)
    expect(sctpChunksValid(['COOKIE_ACK', 'SACK'])).toBe(true)
    expect(sctpChunksValid(['SACK', 'DATA'])).toBe(true)
    expect(sctpChunksValid(['DATA', 'COOKIE_ECHO'])).toBe(false)
    expect(sctpChunksValid(['INIT', 'DATA'])).toBe(false)
    expect(sctpChunksValid([])).toBe(false)
  })
})

describe('sctpCanStart', () => {
  it('starts on the chunks that move NONE somewhere, minus the out-of-the-blue discards', () => {
    const starters = CHUNKS.filter((c) => sctpCanStart([c]))
    expect(starters.sort()).toEqual(
      [
        'COOKIE_ECHO',
        'ERROR',
        'HEARTBEAT',
        'HEARTBEAT_ACK',
        'INIT',
        'INIT_ACK',
        'SHUTDOWN',
        'SHUTDOWN_ACK',
      ].sort(),
    )
  })

  it('refuses a first packet if any of its chunks could not start a connection', () => {
    fc.assert(
      fc.property(fc.array(chunk, { minLength: 1, maxLength: 4 }), (cs) => {
        expect(sctpCanStart(cs)).toBe(cs.every((c) => sctpCanStart([c])))
      }),
    )
    expect(sctpCanStart(['COOKIE_ECHO', 'DATA'])).toBe(false)
    expect(sctpCanStart(['HEARTBEAT', 'ERROR'])).toBe(true)
  })
})
