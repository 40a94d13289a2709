/**
 * @module core/conntrack/memory
 * What a connection remembers beyond the fields the matches read: the TCP tracker's notes about
 * the last segment (the kernel keeps them in ct->proto.tcp), the creation time the UDP tracker
 * uses to spot a stream, and listed fields kpath carries but does not model. Kept in a WeakMap
 * so {@link Conn} stays the plain shape the engine sees.
 */

import type { Conn, CtDir } from './conn.js'
import type { ConntrackEntry } from './model.js'
import type { TcpFlagIndex } from './tcp-state.js'
import { cloneWindow, freshWindow, type TcpWindowMemory } from './tcp-window.js'

export interface TcpMemory {
  /** Flag index and direction of the last segment that changed or was ignored (last_index). */
  lastIndex: TcpFlagIndex
  lastDir: CtDir
  /** IP_CT_TCP_FLAG_CLOSE_INIT in either direction: a FIN started the close. */
  closeInit: boolean
  /** IP_CT_TCP_SIMULTANEOUS_OPEN. */
  simultaneousOpen: boolean
  /** IP_CT_EXP_CHALLENGE_ACK: a SYN was ignored in LAST_ACK, its challenge ACK is expected. */
  challengeAck: boolean
  /** Window tracking (tcp-window.ts): ct->proto.tcp.seen[] and the last_* notes. */
  window: TcpWindowMemory
}

/** Listed fields that ride along unmodelled, so a round trip through a table loses nothing. */
export type Passthrough = Pick<
  ConntrackEntry,
  'use' | 'extra' | 'counters' | 'origZone' | 'replyZone' | 'dccpState'
> & { readonly offload?: boolean; readonly hwOffload?: boolean }

export interface ConnMemory {
  tcp: TcpMemory
  /** Table clock (seconds) when the connection was created. */
  createdAt: number
  passthrough?: Passthrough
  /** Why the tracker last refused a packet (the kernel's nf_conntrack_log_invalid text). */
  invalidReason?: string
}

const MEMORY = new WeakMap<Conn, ConnMemory>()

function freshMemory(): ConnMemory {
  return {
    tcp: {
      lastIndex: 'NONE',
      lastDir: 'original',
      closeInit: false,
      simultaneousOpen: false,
      challengeAck: false,
      window: freshWindow(),
    },
    createdAt: 0,
  }
}

export function memoryOf(conn: Conn): ConnMemory {
  let m = MEMORY.get(conn)
  if (!m) {
    m = freshMemory()
    MEMORY.set(conn, m)
  }
  return m
}

/** Forget the TCP notes, as tcp_new's memset does when a connection starts afresh. */
export function resetTcpMemory(conn: Conn): void {
  memoryOf(conn).tcp = freshMemory().tcp
}

export function copyMemory(from: Conn, to: Conn): void {
  const m = MEMORY.get(from)
  if (!m) return
  MEMORY.set(to, { ...m, tcp: { ...m.tcp, window: cloneWindow(m.tcp.window) } })
}

export function setPassthrough(conn: Conn, e: ConntrackEntry): void {
  const p: Passthrough = {
    use: e.use,
    ...(e.extra === undefined ? {} : { extra: e.extra }),
    ...(e.counters === undefined ? {} : { counters: e.counters }),
    ...(e.origZone === undefined ? {} : { origZone: e.origZone }),
    ...(e.replyZone === undefined ? {} : { replyZone: e.replyZone }),
    ...(e.dccpState === undefined ? {} : { dccpState: e.dccpState }),
    ...(e.status.offload === undefined ? {} : { offload: e.status.offload }),
    ...(e.status.hwOffload === undefined ? {} : { hwOffload: e.status.hwOffload }),
  }
  memoryOf(conn).passthrough = p
}
