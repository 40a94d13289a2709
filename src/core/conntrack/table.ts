/**
 * @module core/conntrack/table
 * The connection table of one namespace and the two kernel entry points the netfilter engine
 * calls: {@link ConntrackTable.lookup} (nf_conntrack_in, at PREROUTING and OUTPUT) and
 * {@link ConntrackTable.confirm} (__nf_conntrack_confirm, at the end of POSTROUTING and
 * INPUT). Connections are hashed by both of their tuples, as in the kernel.
 */
import { KpathError } from '../errors.js'
import type { Packet } from '../model/packet.js'
import { type ConntrackConfig, type ResolvedConfig, resolveConfig } from './config.js'
import {
  type Conn,
  type CtDir,
  type CtInfo,
  cloneConn,
  connToEntry,
  entryToConn,
  newConn,
  tupleOf,
} from './conn.js'
import { classifyIcmp } from './icmp-error.js'
import { memoryOf } from './memory.js'
import type { ConntrackEntry, Tuple } from './model.js'
import { trackPacket } from './track.js'
import { invertTuple, isIcmpProto, tupleEquals, tupleFromPacket, tupleKey } from './tuple.js'

export type { ConntrackConfig } from './config.js'

export interface LookupOptions {
  /** Conntrack zone from a raw-table `CT --zone` (default 0). */
  readonly zone?: number
}

export interface LookupResult {
  /** The connection, or undefined when the packet is INVALID or UNTRACKED. */
  readonly conn?: Conn
  /** The packet's direction relative to the connection. */
  readonly dir: CtDir
  readonly info: CtInfo
  /** For INVALID from a protocol tracker: why (what nf_conntrack_log_invalid would log). */
  readonly reason?: string
}

interface Hit {
  readonly conn: Conn
  readonly dir: CtDir
}

const INVALID: LookupResult = { dir: 'original', info: 'INVALID' }

/** An INVALID result with the tracker's reason, taken off the connection's notes. */
function invalidBecause(conn: Conn, dir: CtDir): LookupResult {
  const m = memoryOf(conn)
  const reason = m.invalidReason
  m.invalidReason = undefined
  return reason === undefined ? { dir, info: 'INVALID' } : { dir, info: 'INVALID', reason }
}

/** The zone id each direction of a connection is hashed in (nf_ct_zone_id). */
function zoneId(conn: Conn, dir: CtDir): number {
  const p = memoryOf(conn).passthrough
  const directional = dir === 'original' ? p?.origZone : p?.replyZone
  return directional ?? conn.zone ?? 0
}

export class ConntrackTable {
  /** Connections in insertion order (what {@link entries} lists). */
  private readonly conns = new Set<Conn>()
  private readonly index = new Map<string, Hit>()
  private now = 0

  private constructor(private readonly config: ResolvedConfig) {}

  static from(entries: readonly ConntrackEntry[], config?: ConntrackConfig): ConntrackTable {
    const table = new ConntrackTable(resolveConfig(config))
    for (const e of entries) {
      const conn = entryToConn(e)
      if (!table.insert(conn)) {
        throw new KpathError(
          'KPATH_INVALID_ARGUMENT',
          `two conntrack entries share a tuple (${e.orig.src} -> ${e.orig.dst}, protocol ${e.proto})`,
          { hint: 'a real conntrack table never holds the same tuple twice' },
        )
      }
    }
    return table
  }

  /**
   * An independent copy (connections and their tracker memory included), for trace branches;
   * with `config`, the copy runs with those settings (a sysctl written mid-flow).
   */
  clone(config?: ConntrackConfig): ConntrackTable {
    const copy = new ConntrackTable(config === undefined ? this.config : resolveConfig(config))
    copy.now = this.now
    for (const conn of this.conns) copy.insert(cloneConn(conn))
    return copy
  }

  /** Seconds since the table was made, advanced by {@link advance}. */
  get clock(): number {
    return this.now
  }

  /**
   * nf_conntrack_in: find the connection of this packet in either direction, or make a new
   * unconfirmed one. Runs the protocol tracker and returns the ctinfo the matches see. A packet
   * the tracker rejects is INVALID (no conn). ICMP errors whose quoted header belongs to a known
   * connection are RELATED to it.
   */
  lookup(pkt: Packet, options: LookupOptions = {}): LookupResult {
    const zone = options.zone ?? 0
    if (isIcmpProto(pkt.proto)) {
      const c = classifyIcmp(pkt)
      if (c.kind === 'invalid') return INVALID
      if (c.kind === 'untracked') return { dir: 'original', info: 'UNTRACKED' }
      if (c.kind === 'error') return this.related(pkt, c.inner, zone)
    }
    const tuple = tupleFromPacket(pkt)
    // At most two rounds: a SYN that reopens a closed connection deletes it and looks again.
    for (let round = 0; round < 2; round++) {
      const hit = this.find(tuple, pkt.proto, zone)
      if (!hit) return this.start(tuple, pkt, zone)
      const r = this.track(hit, pkt)
      if (r !== 'repeat') return r
    }
    return this.start(tuple, pkt, zone)
  }

  /** init_conntrack plus the tracker's verdict on the first packet. */
  private start(tuple: Tuple, pkt: Packet, zone: number): LookupResult {
    const reply = invertTuple(tuple, pkt.proto)
    if (!reply) return INVALID
    const l3 = pkt.family === 4 ? 'ipv4' : 'ipv6'
    const conn = newConn(tuple, reply, pkt.proto, l3, zone === 0 ? undefined : zone)
    memoryOf(conn).createdAt = this.now
    const verdict = trackPacket(conn, 'original', pkt, this.context())
    if (verdict !== 'accept' && verdict !== 'ignore') return invalidBecause(conn, 'original')
    return { conn, dir: 'original', info: 'NEW' }
  }

  private track(hit: Hit, pkt: Packet): LookupResult | 'repeat' {
    const { conn, dir } = hit
    const info: CtInfo = dir === 'reply' || conn.status.seenReply ? 'ESTABLISHED' : 'NEW'
    const verdict = trackPacket(conn, dir, pkt, this.context())
    if (verdict === 'invalid') return invalidBecause(conn, dir)
    if (verdict === 'reopen') {
      this.remove(conn)
      return 'repeat'
    }
    if (verdict === 'kill') this.remove(conn)
    // nf_conntrack_in sets SEEN_REPLY after the tracker ran, so the tracker saw the old value.
    if (dir === 'reply') conn.status.seenReply = true
    return { conn, dir, info }
  }

  /** nf_conntrack_inet_error: an ICMP error is RELATED to the connection it quotes. */
  private related(pkt: Packet, inner: Packet, zone: number): LookupResult {
    const quoted = invertTuple(tupleFromPacket(inner), inner.proto)
    const hit = quoted && this.find(quoted, inner.proto, zone)
    if (!hit) return INVALID
    // The error must be heading where that direction of the connection goes.
    if (pkt.dst !== tupleOf(hit.conn, hit.dir).dst) return INVALID
    return { conn: hit.conn, dir: hit.dir, info: 'RELATED' }
  }

  private context() {
    const c = this.config
    return {
      timeouts: c.timeouts,
      loose: c.tcpLoose,
      beLiberal: c.tcpBeLiberal,
      ignoreInvalidRst: c.tcpIgnoreInvalidRst,
      maxRetrans: c.tcpMaxRetrans,
      now: this.now,
    }
  }

  /**
   * __nf_conntrack_confirm: insert a new connection. If either of its tuples is already in the
   * table it is a clash: nothing is inserted and the result is false (the kernel drops the
   * packet). An already confirmed or untracked connection is left alone (true).
   */
  confirm(conn: Conn): boolean {
    if (conn.untracked || conn.status.confirmed) return true
    if (!this.insert(conn)) return false
    conn.status.confirmed = true
    return true
  }

  private insert(conn: Conn): boolean {
    const origKey = tupleKey(conn.orig, conn.proto, zoneId(conn, 'original'))
    const replyKey = tupleKey(conn.reply, conn.proto, zoneId(conn, 'reply'))
    if (this.index.has(origKey) || this.index.has(replyKey)) return false
    this.index.set(replyKey, { conn, dir: 'reply' })
    this.index.set(origKey, { conn, dir: 'original' })
    this.conns.add(conn)
    return true
  }

  /** Delete a connection (nf_ct_delete). */
  remove(conn: Conn): void {
    if (!this.conns.delete(conn)) return
    for (const dir of ['original', 'reply'] as const) {
      const key = tupleKey(tupleOf(conn, dir), conn.proto, zoneId(conn, dir))
      if (this.index.get(key)?.conn === conn) this.index.delete(key)
    }
  }

  /** The connection and direction a tuple belongs to. */
  find(t: Tuple, proto: number, zone = 0): Hit | undefined {
    return this.index.get(tupleKey(t, proto, zone))
  }

  /** Is this connection in the table (confirmed and not deleted since)? */
  has(conn: Conn): boolean {
    return this.conns.has(conn)
  }

  /** The confirmed connections, in insertion order. */
  connections(): readonly Conn[] {
    return [...this.conns]
  }

  /** Snapshot, in insertion order, as `conntrack -L` would list each connection. */
  entries(): readonly ConntrackEntry[] {
    return [...this.conns].map(connToEntry)
  }

  /**
   * nf_conntrack_tuple_taken: is `t` already used by another connection, in either direction?
   * NAT asks this about the reply tuple a binding would give. A connection with the same
   * original tuple as `ignore` is the same flow and does not count.
   */
  tupleTaken(t: Tuple, proto: number, ignore?: Conn): boolean {
    const zone = ignore ? zoneId(ignore, 'reply') : 0
    const hit = this.find(t, proto, zone)
    if (!hit || hit.conn === ignore) return false
    return !(ignore && tupleEquals(ignore.orig, hit.conn.orig))
  }

  /** Let time pass: timeouts run down and expired connections disappear. */
  advance(seconds: number): void {
    if (!(seconds >= 0) || !Number.isFinite(seconds)) {
      throw new KpathError('KPATH_INVALID_ARGUMENT', `cannot advance the clock by ${seconds} s`)
    }
    this.now += seconds
    for (const conn of [...this.conns]) {
      conn.timeout -= seconds
      if (conn.timeout <= 0) this.remove(conn)
    }
  }
}
