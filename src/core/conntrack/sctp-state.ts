/**
 * @module core/conntrack/sctp-state
 * The kernel's SCTP conntrack state table (`sctp_conntracks[dir][chunk][state]` in
 * net/netfilter/nf_conntrack_proto_sctp.c, kernel 6.x) as data, and the pure checks around it:
 * which chunk lists are well formed (do_basic_checks) and which first packets may start a
 * connection (the out-of-the-blue rules and sctp_new). The tracker is track-sctp.ts.
 *
 * Kernel 6.3 folded HEARTBEAT_ACKED into ESTABLISHED ("unify established states for SCTP
 * paths"): the 6.x table has nine columns and never produces HEARTBEAT_ACKED, and an INIT from
 * the client now leaves the connection CLOSED until the INIT_ACK comes back (COOKIE_WAIT).
 */
import type { SctpChunk } from '../model/packet.js'
import type { SctpCtState } from './model.js'

/** The states of the 6.x table (HEARTBEAT_ACKED is a name the tools keep, not a state). */
export type SctpTableState = Exclude<SctpCtState, 'HEARTBEAT_ACKED'>

/** What one chunk leads to: a state, or `INVALID` (sIV: the packet is refused). */
export type SctpTransition = SctpTableState | 'INVALID'

type Dir = 'original' | 'reply'

/** Column order of the kernel table: the numeric order of enum sctp_conntrack. */
export const SCTP_STATE_ORDER: readonly SctpTableState[] = [
  'NONE',
  'CLOSED',
  'COOKIE_WAIT',
  'COOKIE_ECHOED',
  'ESTABLISHED',
  'SHUTDOWN_SENT',
  'SHUTDOWN_RECD',
  'SHUTDOWN_ACK_SENT',
  'HEARTBEAT_SENT',
]

/** The chunks with a row in the table; every other chunk (DATA, SACK, …) keeps the state. */
export type SctpStateChunk =
  | 'INIT'
  | 'INIT_ACK'
  | 'ABORT'
  | 'SHUTDOWN'
  | 'SHUTDOWN_ACK'
  | 'ERROR'
  | 'COOKIE_ECHO'
  | 'COOKIE_ACK'
  | 'SHUTDOWN_COMPLETE'
  | 'HEARTBEAT'
  | 'HEARTBEAT_ACK'

const CODES: Readonly<Record<string, SctpTransition>> = {
  NO: 'NONE',
  CL: 'CLOSED',
  CW: 'COOKIE_WAIT',
  CE: 'COOKIE_ECHOED',
  ES: 'ESTABLISHED',
  SS: 'SHUTDOWN_SENT',
  SR: 'SHUTDOWN_RECD',
  SA: 'SHUTDOWN_ACK_SENT',
  HS: 'HEARTBEAT_SENT',
  IV: 'INVALID',
}

/*
 * One row per chunk; one two-letter code per current state, in SCTP_STATE_ORDER
 * (NO CL CW CE ES SS SR SA HS). Transcribed from the kernel 6.x table. The reply direction
 * refuses everything in NONE (a reply needs a connection) and most chunks in HEARTBEAT_SENT,
 * where a HEARTBEAT_ACK back means the secondary path is up (ESTABLISHED).
 */
const ROWS: Readonly<Record<Dir, Readonly<Record<SctpStateChunk, string>>>> = {
  original: {
    INIT: 'CL CL CW CE ES CL CL SA CW',
    INIT_ACK: 'CL CL CW CE ES SS SR SA CL',
    ABORT: 'CL CL CL CL CL CL CL CL CL',
    SHUTDOWN: 'CL CL CW CE SS SS SR SA CL',
    SHUTDOWN_ACK: 'SA CL CW CE ES SA SA SA SA',
    ERROR: 'CL CL CW CE ES SS SR SA CL',
    COOKIE_ECHO: 'CL CL CE CE ES SS SR SA CL',
    COOKIE_ACK: 'CL CL CW ES ES SS SR SA CL',
    SHUTDOWN_COMPLETE: 'CL CL CW CE ES SS SR CL CL',
    HEARTBEAT: 'HS CL CW CE ES SS SR SA HS',
    HEARTBEAT_ACK: 'CL CL CW CE ES SS SR SA HS',
  },
  reply: {
    INIT: 'IV CL CW CE ES SS SR SA IV',
    INIT_ACK: 'IV CW CW CE ES SS SR SA IV',
    ABORT: 'IV CL CL CL CL CL CL CL IV',
    SHUTDOWN: 'IV CL CW CE SR SS SR SA IV',
    SHUTDOWN_ACK: 'IV CL CW CE ES SA SA SA IV',
    ERROR: 'IV CL CW CL ES SS SR SA IV',
    COOKIE_ECHO: 'IV CL CE CE ES SS SR SA IV',
    COOKIE_ACK: 'IV CL CW ES ES SS SR SA IV',
    SHUTDOWN_COMPLETE: 'IV CL CW CE ES SS SR CL IV',
    HEARTBEAT: 'IV CL CW CE ES SS SR SA HS',
    HEARTBEAT_ACK: 'IV CL CW CE ES SS SR SA ES',
  },
}

function decodeRows(
  rows: Readonly<Record<SctpStateChunk, string>>,
): ReadonlyMap<SctpChunk, readonly SctpTransition[]> {
  const out = new Map<SctpChunk, readonly SctpTransition[]>()
  for (const [chunk, row] of Object.entries(rows) as [SctpStateChunk, string][]) {
    const cells = row.split(' ').map((code) => {
      const t = CODES[code]
      if (t === undefined) throw new Error(`sctp-state: bad code ${code}`)
      return t
    })
    if (cells.length !== SCTP_STATE_ORDER.length) throw new Error(`sctp-state: bad row ${chunk}`)
    out.set(chunk, cells)
  }
  return out
}

const TABLE: Readonly<Record<Dir, ReadonlyMap<SctpChunk, readonly SctpTransition[]>>> = {
  original: decodeRows(ROWS.original),
  reply: decodeRows(ROWS.reply),
}

/**
 * The table's column for a state. A HEARTBEAT_ACKED connection (only older kernels make one,
 * and only a listing from such a node can bring one in) is read as ESTABLISHED, the state 6.3
 * merged it into.
 */
export function sctpTableState(state: SctpCtState): SctpTableState {
  return state === 'HEARTBEAT_ACKED' ? 'ESTABLISHED' : state
}

/**
 * sctp_new_state: the state after one chunk seen in direction `dir`. Chunks without a row
 * (DATA, SACK, I_DATA, …) leave the state as it is.
 *
 * @example
 * nextSctpState('CLOSED', 'reply', 'INIT_ACK') // 'COOKIE_WAIT'
 * nextSctpState('HEARTBEAT_SENT', 'reply', 'INIT') // 'INVALID'
 */
export function nextSctpState(state: SctpCtState, dir: Dir, chunk: SctpChunk): SctpTransition {
  const from = sctpTableState(state)
  const row = TABLE[dir].get(chunk)
  if (row === undefined) return from
  return row[SCTP_STATE_ORDER.indexOf(from)] ?? 'INVALID'
}

/** Chunks that must come alone (an INIT, INIT_ACK or SHUTDOWN_COMPLETE bundles nothing). */
const ALONE: ReadonlySet<SctpChunk> = new Set(['INIT', 'INIT_ACK', 'SHUTDOWN_COMPLETE'])
/** Chunks that must come first in their packet. */
const FIRST: ReadonlySet<SctpChunk> = new Set(['COOKIE_ECHO', 'COOKIE_ACK'])

/**
 * do_basic_checks: a packet must carry at least one chunk; COOKIE_ECHO and COOKIE_ACK only
 * first; INIT, INIT_ACK and SHUTDOWN_COMPLETE only on their own (RFC 9260 6.10). Anything
 * else makes the packet INVALID before the table is read. (The kernel also refuses a
 * zero-length chunk, which a chunk list cannot express.)
 */
export function sctpChunksValid(chunks: readonly SctpChunk[]): boolean {
  if (chunks.length === 0) return false
  let sawAlone = false
  return chunks.every((chunk, i) => {
    if (ALONE.has(chunk)) sawAlone = true
    return i === 0 || !(sawAlone || FIRST.has(chunk))
  })
}

/**
 * Out-of-the-blue chunks (RFC 9260 8.4): a packet with no connection that carries any of these
 * is discarded rather than tracked.
 */
const OOTB_DISCARD: ReadonlySet<SctpChunk> = new Set(['ABORT', 'SHUTDOWN_COMPLETE', 'COOKIE_ACK'])

/**
 * May a well-formed packet with no connection start one? Not if it carries an ABORT,
 * SHUTDOWN_COMPLETE or COOKIE_ACK, and (sctp_new) only if every chunk moves a NONE connection
 * somewhere: DATA, SACK and the other row-less chunks leave it in NONE, so a packet with any
 * of them is refused, even bundled after a COOKIE_ECHO.
 *
 * @example
 * sctpCanStart(['INIT']) // true
 * sctpCanStart(['DATA']) // false
 */
export function sctpCanStart(chunks: readonly SctpChunk[]): boolean {
  if (chunks.some((c) => OOTB_DISCARD.has(c))) return false
  return chunks.every((c) => {
    const next = nextSctpState('NONE', 'original', c)
    return next !== 'NONE' && next !== 'INVALID'
  })
}
