/**
 * @module core/conntrack/conn
 * A working, mutable connection (the kernel's struct nf_conn), what the netfilter matches see
 * of it, and the conversions to and from the listed form ({@link ConntrackEntry}).
 */

import { type ConnMemory, copyMemory, memoryOf, setPassthrough } from './memory.js'
import type { ConntrackEntry, SctpCtState, TcpCtState, Tuple } from './model.js'

export interface ConnStatus {
  seenReply: boolean
  assured: boolean
  confirmed: boolean
  srcNat: boolean
  dstNat: boolean
  /** IPS_SRC_NAT_DONE / IPS_DST_NAT_DONE: NAT (or a null binding) was set up for this manip. */
  srcNatDone: boolean
  dstNatDone: boolean
}

export interface Conn {
  orig: Tuple
  /** Recomputed when NAT is bound: the inverse of the tuple after NAT. */
  reply: Tuple
  proto: number
  l3: 'ipv4' | 'ipv6'
  tcpState?: TcpCtState
  /** Set by the SCTP tracker (ct->proto.sctp.state). */
  sctpState?: SctpCtState
  status: ConnStatus
  mark: number
  /** Seconds left. */
  timeout: number
  /** NOTRACK / CT --notrack. */
  untracked?: boolean
  zone?: number
}

export type CtDir = 'original' | 'reply'

/** What the ctstate/state matches see (IP_CT_*). */
export type CtInfo = 'NEW' | 'ESTABLISHED' | 'RELATED' | 'INVALID' | 'UNTRACKED'

export function tupleOf(conn: Conn, dir: CtDir): Tuple {
  return dir === 'original' ? conn.orig : conn.reply
}

export function otherDir(dir: CtDir): CtDir {
  return dir === 'original' ? 'reply' : 'original'
}

/** A fresh, unconfirmed connection as init_conntrack makes it: no status bits, mark 0. */
export function newConn(
  orig: Tuple,
  reply: Tuple,
  proto: number,
  l3: 'ipv4' | 'ipv6',
  zone?: number,
): Conn {
  return {
    orig,
    reply,
    proto,
    l3,
    status: {
      seenReply: false,
      assured: false,
      confirmed: false,
      srcNat: false,
      dstNat: false,
      srcNatDone: false,
      dstNatDone: false,
    },
    mark: 0,
    timeout: 0,
    ...(zone === undefined ? {} : { zone }),
  }
}

/** A deep copy, tracker memory included, so a forked table evolves independently. */
export function cloneConn(c: Conn): Conn {
  const copy: Conn = { ...c, status: { ...c.status } }
  copyMemory(c, copy)
  return copy
}

/**
 * A listed entry as a working connection. What the listing cannot say is assumed the way a
 * running node has it: the entry is confirmed and both NAT manips were set up (every
 * connection passes the NAT hooks once the nat table exists). Fields kpath does not track
 * (use count, counters, secctx, …) ride along untouched so {@link connToEntry} gives them back.
 */
export function entryToConn(e: ConntrackEntry): Conn {
  const conn: Conn = {
    orig: e.orig,
    reply: e.reply,
    proto: e.proto,
    l3: e.l3,
    ...(e.tcpState === undefined ? {} : { tcpState: e.tcpState }),
    ...(e.sctpState === undefined ? {} : { sctpState: e.sctpState }),
    status: {
      seenReply: e.status.seenReply,
      assured: e.status.assured,
      confirmed: true,
      srcNat: e.status.srcNat,
      dstNat: e.status.dstNat,
      srcNatDone: true,
      dstNatDone: true,
    },
    mark: e.mark,
    timeout: e.timeout,
    ...(e.zone === undefined ? {} : { zone: e.zone }),
  }
  setPassthrough(conn, e)
  // A listed connection was created long ago: its UDP "stream" window has passed.
  memoryOf(conn).createdAt = Number.NEGATIVE_INFINITY
  return conn
}

/** A connection as `conntrack -L` would list it. */
export function connToEntry(c: Conn): ConntrackEntry {
  const m: ConnMemory = memoryOf(c)
  const p = m.passthrough
  return {
    l3: c.l3,
    proto: c.proto,
    timeout: Math.max(0, Math.ceil(c.timeout)),
    ...(c.tcpState === undefined ? {} : { tcpState: c.tcpState }),
    ...(c.sctpState === undefined ? {} : { sctpState: c.sctpState }),
    ...(p?.dccpState === undefined ? {} : { dccpState: p.dccpState }),
    orig: c.orig,
    reply: c.reply,
    status: {
      seenReply: c.status.seenReply,
      assured: c.status.assured,
      confirmed: c.status.confirmed,
      srcNat: c.status.srcNat,
      dstNat: c.status.dstNat,
      ...(p?.offload === undefined ? {} : { offload: p.offload }),
      ...(p?.hwOffload === undefined ? {} : { hwOffload: p.hwOffload }),
    },
    mark: c.mark >>> 0,
    ...(c.zone === undefined ? {} : { zone: c.zone }),
    ...(p?.origZone === undefined ? {} : { origZone: p.origZone }),
    ...(p?.replyZone === undefined ? {} : { replyZone: p.replyZone }),
    ...(p?.counters === undefined ? {} : { counters: p.counters }),
    use: p?.use ?? 1,
    ...(p?.extra === undefined ? {} : { extra: p.extra }),
  }
}
