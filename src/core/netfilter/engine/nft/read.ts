/**
 * @module core/netfilter/engine/nft/read
 * Selectors compiled into readers of the packet state: header fields, meta and ct keys, fib
 * lookups and numgen. A reader returns undefined where the kernel's expression breaks the rule:
 * a header the packet does not have (nft adds an implicit `meta l4proto tcp` before `tcp dport`,
 * `meta nfproto ipv4` before `ip saddr` in inet tables), a ct key without a connection, a
 * socket key without a socket.
 */
import type { Packet, TcpFlag } from '../../../model/packet.js'
import { hasPorts } from '../../../model/packet.js'
import { parseAddr } from '../../../net/ip.js'
import type { NftExpr } from '../../nft/model.js'
import { exprType } from '../../nft/selectors.js'
import { packetAddrs } from '../addr-cache.js'
import type { PacketState } from '../state.js'
import type { RuleContext } from './context.js'
import { FIB_TYPES, parseLiteral, type Scalar } from './values.js'

export type Reader = (s: PacketState) => Scalar | undefined

export interface ScalarReader {
  readonly read: Reader
  readonly type: string | undefined
}

const TCP_BITS: Readonly<Record<TcpFlag, number>> = {
  FIN: 1,
  SYN: 2,
  RST: 4,
  PSH: 8,
  ACK: 16,
  URG: 32,
  ECE: 64,
  CWR: 128,
}

function v4(p: Packet): boolean {
  return p.family === 4
}

/** Header fields (payload expressions). */
function payload(proto: string, field: string): Reader | undefined {
  const port = (p: Packet, n: number) => (p.proto === n ? p : undefined)
  switch (`${proto} ${field}`) {
    case 'ip saddr':
      return (s) => (v4(s.pkt) ? packetAddrs(s.pkt).src.value : undefined)
    case 'ip daddr':
      return (s) => (v4(s.pkt) ? packetAddrs(s.pkt).dst.value : undefined)
    case 'ip6 saddr':
      return (s) => (v4(s.pkt) ? undefined : packetAddrs(s.pkt).src.value)
    case 'ip6 daddr':
      return (s) => (v4(s.pkt) ? undefined : packetAddrs(s.pkt).dst.value)
    case 'ip protocol':
      return (s) => (v4(s.pkt) ? s.pkt.proto : undefined)
    case 'ip6 nexthdr':
      return (s) => (v4(s.pkt) ? undefined : s.pkt.proto)
    case 'ip ttl':
      return (s) => (v4(s.pkt) ? s.pkt.ttl : undefined)
    case 'ip6 hoplimit':
      return (s) => (v4(s.pkt) ? undefined : s.pkt.ttl)
    case 'ip length':
      return (s) => (v4(s.pkt) ? s.pkt.length : undefined)
    case 'ip6 length':
      // The payload length: the IPv6 header is 40 bytes.
      return (s) => (v4(s.pkt) ? undefined : s.pkt.length - 40)
    // `th` reads the first bytes of any transport header; kpath knows ports only for the
    // protocols that have them, so on ICMP and others the rule breaks instead.
    case 'th sport':
      return (s) => (hasPorts(s.pkt.proto) ? s.pkt.sport : undefined)
    case 'th dport':
      return (s) => (hasPorts(s.pkt.proto) ? s.pkt.dport : undefined)
    case 'tcp flags':
      return (s) =>
        s.pkt.proto === 6 ? (s.pkt.tcpFlags ?? []).reduce((a, f) => a | TCP_BITS[f], 0) : undefined
    case 'icmp type':
      return (s) => (v4(s.pkt) && s.pkt.proto === 1 ? s.pkt.icmpType : undefined)
    case 'icmp code':
      return (s) => (v4(s.pkt) && s.pkt.proto === 1 ? s.pkt.icmpCode : undefined)
    case 'icmp id':
      return (s) => (v4(s.pkt) && s.pkt.proto === 1 ? s.pkt.icmpId : undefined)
    case 'icmpv6 type':
      return (s) => (s.pkt.proto === 58 ? s.pkt.icmpType : undefined)
    case 'icmpv6 code':
      return (s) => (s.pkt.proto === 58 ? s.pkt.icmpCode : undefined)
    case 'icmpv6 id':
      return (s) => (s.pkt.proto === 58 ? s.pkt.icmpId : undefined)
  }
  const num = { tcp: 6, udp: 17, udplite: 136, sctp: 132 }[proto]
  if (num !== undefined && field === 'sport') return (s) => port(s.pkt, num)?.sport
  if (num !== undefined && field === 'dport') return (s) => port(s.pkt, num)?.dport
  return undefined
}

function meta(key: string): Reader | undefined {
  switch (key) {
    case 'mark':
      return (s) => s.pkt.mark >>> 0
    case 'l4proto':
      return (s) => s.pkt.proto
    case 'nfproto':
      return (s) => (v4(s.pkt) ? 2 : 10)
    case 'protocol':
      return (s) => (v4(s.pkt) ? 0x0800 : 0x86dd)
    // No device at this hook reads as the empty name (nft_meta_store_ifname). nft lists
    // iif/oif by device name, so comparing names is comparing the devices' indexes.
    case 'iifname':
    case 'iif':
      return (s) => s.pkt.inIface ?? ''
    case 'oifname':
    case 'oif':
      return (s) => s.pkt.outIface ?? ''
    case 'ibrname':
      return (s) => (s.pkt.bridged ? s.pkt.physIn : undefined)
    case 'obrname':
      return (s) => (s.pkt.bridged ? s.pkt.physOut : undefined)
    case 'skuid':
      return (s) => s.pkt.uid
    case 'skgid':
      return (s) => s.pkt.gid
    case 'length':
      return (s) => s.pkt.length
  }
  return undefined
}

/** The ct state bits (NF_CT_STATE_*): no entry reads as invalid. */
function ctStateBits(s: PacketState): number {
  const ct = s.ct
  if (ct?.info === 'UNTRACKED' || ct?.conn?.untracked) return 64
  if (!ct?.conn || ct.info === 'INVALID') return 1
  return { NEW: 8, ESTABLISHED: 2, RELATED: 4 }[ct.info]
}

function ctStatusBits(s: PacketState): number | undefined {
  const c = s.ct?.conn
  if (!c) return undefined
  const st = c.status
  return (
    (st.seenReply ? 2 : 0) |
    (st.assured ? 4 : 0) |
    (st.confirmed ? 8 : 0) |
    (st.srcNat ? 16 : 0) |
    (st.dstNat ? 32 : 0)
  )
}

function ctTuple(e: Extract<NftExpr, { kind: 'ct' }>): Reader | undefined {
  const addr = (text: string | undefined) => {
    const a = text === undefined ? undefined : parseAddr(text)
    if (!a || (e.family !== undefined && (a.family === 6) !== (e.family === 'ip6')))
      return undefined
    return a.value
  }
  return (s) => {
    const c = s.ct?.conn
    if (!c) return undefined
    const t = e.dir === 'reply' ? c.reply : c.orig
    switch (e.key) {
      case 'saddr':
        return addr(t.src)
      case 'daddr':
        return addr(t.dst)
      case 'proto-src':
        return t.sport
      default:
        return t.dport
    }
  }
}

function ct(e: Extract<NftExpr, { kind: 'ct' }>): Reader | undefined {
  switch (e.key) {
    case 'state':
      return ctStateBits
    case 'status':
      return ctStatusBits
    case 'direction':
      return (s) => (s.ct?.conn ? (s.ct.dir === 'original' ? 0 : 1) : undefined)
    case 'mark':
      return (s) => s.ct?.conn?.mark
    case 'expiration':
      return (s) => s.ct?.conn?.timeout
    case 'l3proto':
      return (s) => (s.ct?.conn ? (s.ct.conn.l3 === 'ipv4' ? 2 : 10) : undefined)
    case 'protocol':
      return (s) => s.ct?.conn?.proto
    case 'zone':
      return (s) => (s.ct?.conn ? (s.ct.conn.zone ?? 0) : undefined)
    case 'saddr':
    case 'daddr':
    case 'proto-src':
    case 'proto-dst':
      return e.dir === undefined ? undefined : ctTuple(e)
  }
  return undefined
}

/** `fib saddr|daddr [. iif|oif] type`: the route type of the address (inet_dev_addr_type). */
function fib(e: Extract<NftExpr, { kind: 'fib' }>): Reader | undefined {
  const src = e.flags.includes('saddr')
  const dst = e.flags.includes('daddr')
  if (e.result !== 'type' || src === dst || e.flags.includes('mark')) return undefined
  const iif = e.flags.includes('iif')
  const oif = e.flags.includes('oif')
  return (s) => {
    const dev = iif ? s.pkt.inIface : oif ? s.pkt.outIface : undefined
    const t = s.env.addrType(src ? s.pkt.src : s.pkt.dst, dev)
    return FIB_TYPES[t.toLowerCase()]
  }
}

/**
 * The probability that `numgen random mod n` gives k: the kernel scales a random u32 by
 * reciprocal_scale, so k gets ceil((k+1)·2³²/n) − ceil(k·2³²/n) of the 2³² values.
 */
export function numgenProbability(n: number, k: number): number {
  const span = 2 ** 32
  return (Math.ceil(((k + 1) * span) / n) - Math.ceil((k * span) / n)) / span
}

function numgen(e: Extract<NftExpr, { kind: 'numgen' }>, ctx: RuleContext): Reader {
  const offset = e.offset ?? 0
  if (e.mode === 'inc') {
    const key = ctx.nextId()
    return (s) => (s.rt.nft ? s.rt.nft.nextInc(key, e.mod) : 0) + offset
  }
  const label = `${ctx.family} ${ctx.table} ${ctx.chain} rule ${ctx.index} numgen random mod ${e.mod}`
  return (s) => {
    // One decision per value but the last, each conditional on the earlier ones failing.
    let left = 1
    for (let k = 0; k < e.mod - 1; k++) {
      const p = numgenProbability(e.mod, k)
      if (s.chooser.choose(p / left, `${label} = ${k + offset}`)) return k + offset
      left -= p
    }
    return e.mod - 1 + offset
  }
}

function binop(e: Extract<NftExpr, { kind: 'binop' }>, ctx: RuleContext): ScalarReader {
  const left = compileScalar(e.left, ctx)
  const right = compileOperand(e.right, left.type, ctx)
  const f: (a: number, b: number) => number = {
    '&': (a: number, b: number) => a & b,
    '|': (a: number, b: number) => a | b,
    '^': (a: number, b: number) => a ^ b,
    '<<': (a: number, b: number) => a << b,
    '>>': (a: number, b: number) => a >>> b,
  }[e.op]
  return {
    type: left.type,
    read: (s) => {
      const a = left.read(s)
      const b = right(s)
      if (typeof a !== 'number' || typeof b !== 'number') return undefined
      return f(a, b) >>> 0
    },
  }
}

/** A binop's right side or an assigned value: a literal of `type`, or another selector. */
export function compileOperand(e: NftExpr, type: string | undefined, ctx: RuleContext): Reader {
  if (e.kind !== 'value') return compileScalar(e, ctx).read
  const lit = parseLiteral(type, e.text, e.quoted === true)
  if (lit?.kind !== 'exact') throw ctx.unsupported(`the value ${e.text} (as ${type ?? 'untyped'})`)
  const v = lit.value
  return () => v
}

/** One selector (or a bit operation on one) as a reader. */
export function compileScalar(e: NftExpr, ctx: RuleContext): ScalarReader {
  const type = exprType(e)
  let read: Reader | undefined
  if (e.kind === 'payload') read = payload(e.proto, e.field)
  else if (e.kind === 'meta') read = meta(e.key)
  else if (e.kind === 'ct') read = ct(e)
  else if (e.kind === 'fib') read = fib(e)
  else if (e.kind === 'numgen') read = numgen(e, ctx)
  else if (e.kind === 'binop') return binop(e, ctx)
  if (!read) throw ctx.unsupported(`the expression "${describeExpr(e)}"`)
  return { read, type }
}

function describeExpr(e: NftExpr): string {
  switch (e.kind) {
    case 'payload':
      return `${e.proto} ${e.field}`
    case 'meta':
      return `meta ${e.key}`
    case 'ct':
      return ['ct', e.dir, e.family, e.key].filter(Boolean).join(' ')
    case 'fib':
      return `fib ${e.flags.join(' . ')} ${e.result}`
    default:
      return e.kind
  }
}
