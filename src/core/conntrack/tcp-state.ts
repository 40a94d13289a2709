/**
 * @module core/conntrack/tcp-state
 * The kernel's TCP conntrack state table (`tcp_conntracks[dir][index][state]` in
 * net/netfilter/nf_conntrack_proto_tcp.c, kernel 6.x) as data, and the pure lookups built on
 * it. The table answers "what state follows if this segment is in window"; the extra rules
 * around it (reopening from TIME_WAIT, ignored segments, ASSURED) live in track-tcp.ts.
 */
import type { TcpFlag } from '../model/packet.js'
import type { TcpCtState } from './model.js'

/** `IGNORE` (sIG): maybe valid, let it through without changing state. `INVALID` (sIV). */
export type TcpTransition = TcpCtState | 'IGNORE' | 'INVALID'

/**
 * The kernel's flag index (get_conntrack_index): RST wins over everything, then SYN (with or
 * without ACK), then FIN, then ACK; anything else is NONE.
 */
export type TcpFlagIndex = 'SYN' | 'SYNACK' | 'FIN' | 'ACK' | 'RST' | 'NONE'

type Dir = 'original' | 'reply'

/** Column order of the kernel table: the numeric order of enum tcp_conntrack. */
export const TCP_STATE_ORDER: readonly TcpCtState[] = [
  'NONE',
  'SYN_SENT',
  'SYN_RECV',
  'ESTABLISHED',
  'FIN_WAIT',
  'CLOSE_WAIT',
  'LAST_ACK',
  'TIME_WAIT',
  'CLOSE',
  'SYN_SENT2',
]

const CODES: Readonly<Record<string, TcpTransition>> = {
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
  IG: 'IGNORE',
  IV: 'INVALID',
}

/*
 * One row per flag index; one two-letter code per current state, in TCP_STATE_ORDER
 * (NO SS SR ES FW CW LA TW CL S2). Transcribed from the kernel 6.x table, which differs from
 * older kernels in two cells: ORIGINAL SYN/ACK in SYN_RECV stays SYN_RECV (late retransmission
 * in a simultaneous open, elsewhere invalid) and a REPLY SYN in TIME_WAIT reopens (the server
 * may have switched role).
 */
const ROWS: Readonly<Record<Dir, Readonly<Record<TcpFlagIndex, string>>>> = {
  original: {
    SYN: 'SS SS IG IG IG IG IG SS SS S2',
    SYNACK: 'IV IV SR IV IV IV IV IV IV SR',
    FIN: 'IV IV FW FW LA LA LA TW CL IV',
    ACK: 'ES IV ES ES CW CW TW TW CL IV',
    RST: 'IV CL CL CL CL CL CL CL CL CL',
    NONE: 'IV IV IV IV IV IV IV IV IV IV',
  },
  reply: {
    SYN: 'IV S2 IV IV IV IV IV SS IV S2',
    SYNACK: 'IV SR IG IG IG IG IG IG IG SR',
    FIN: 'IV IV FW FW LA LA LA TW CL IV',
    ACK: 'IV IG SR ES CW CW TW TW CL IG',
    RST: 'IV CL CL CL CL CL CL CL CL CL',
    NONE: 'IV IV IV IV IV IV IV IV IV IV',
  },
}

function decodeRow(row: string): readonly TcpTransition[] {
  return row.split(' ').map((code) => {
    const t = CODES[code]
    if (t === undefined) throw new Error(`tcp-state: bad code ${code}`)
    return t
  })
}

const TABLE: Readonly<Record<Dir, Readonly<Record<TcpFlagIndex, readonly TcpTransition[]>>>> = {
  original: decodeRows(ROWS.original),
  reply: decodeRows(ROWS.reply),
}

function decodeRows(rows: Readonly<Record<TcpFlagIndex, string>>) {
  return {
    SYN: decodeRow(rows.SYN),
    SYNACK: decodeRow(rows.SYNACK),
    FIN: decodeRow(rows.FIN),
    ACK: decodeRow(rows.ACK),
    RST: decodeRow(rows.RST),
    NONE: decodeRow(rows.NONE),
  }
}

export function tcpFlagIndex(flags: readonly TcpFlag[]): TcpFlagIndex {
  if (flags.includes('RST')) return 'RST'
  if (flags.includes('SYN')) return flags.includes('ACK') ? 'SYNACK' : 'SYN'
  if (flags.includes('FIN')) return 'FIN'
  if (flags.includes('ACK')) return 'ACK'
  return 'NONE'
}

/**
 * tcp_error's table of valid flag combinations. PSH, ECE and CWR never matter; of FIN, SYN,
 * RST, ACK and URG only these sets are valid. Anything else (SYN+FIN, a bare FIN, no flags…)
 * makes the segment INVALID before the state table is consulted.
 */
const VALID_FLAG_SETS: ReadonlySet<string> = new Set([
  'SYN',
  'SYN URG',
  'SYN ACK',
  'RST',
  'RST ACK',
  'FIN ACK',
  'FIN ACK URG',
  'ACK',
  'ACK URG',
])

export function tcpFlagsValid(flags: readonly TcpFlag[]): boolean {
  const key = (['FIN', 'SYN', 'RST', 'ACK', 'URG'] as const).filter((f) => flags.includes(f))
  return VALID_FLAG_SETS.has(key.join(' '))
}

/** Numeric order of a state, for the kernel's `old_state < TCP_CONNTRACK_TIME_WAIT` tests. */
export function tcpStateRank(state: TcpCtState): number {
  return TCP_STATE_ORDER.indexOf(state)
}

/**
 * The table lookup for a segment of an existing connection in direction `dir`, after the
 * flag-combination check. Pure: the special cases around it are the tracker's.
 *
 * @example
 * nextTcpState('SYN_SENT', 'reply', ['SYN', 'ACK']) // 'SYN_RECV'
 * nextTcpState('ESTABLISHED', 'original', ['SYN', 'FIN']) // 'INVALID'
 */
export function nextTcpState(
  state: TcpCtState,
  dir: Dir,
  flags: readonly TcpFlag[],
): TcpTransition {
  if (!tcpFlagsValid(flags)) return 'INVALID'
  const row = TABLE[dir][tcpFlagIndex(flags)]
  return row[tcpStateRank(state)] ?? 'INVALID'
}

/**
 * The state a segment with no connection starts (tcp_new): a SYN opens SYN_SENT; with
 * `loose` (nf_conntrack_tcp_loose=1) an ACK picks up a connection mid-stream as ESTABLISHED.
 * SYN/ACK, FIN, RST or anything else without a connection is INVALID.
 */
export function newTcpState(flags: readonly TcpFlag[], loose: boolean): TcpCtState | 'INVALID' {
  const next = nextTcpState('NONE', 'original', flags)
  if (next === 'SYN_SENT') return next
  if (next === 'ESTABLISHED' && loose) return next
  return 'INVALID'
}
