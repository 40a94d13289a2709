/**
 * @module core/netfilter/engine/nft/actions
 * The NAT statements (nft_nat.c, nft_masq.c, nft_redir.c) and reject (nft_reject_inet.c).
 * NAT binds the connection through conntrack's bindNat and accepts, as nft_nat_eval returns
 * nf_nat_setup_info's NF_ACCEPT; the packet is rewritten when the nat hook ends. Reject drops
 * and answers with an ICMP error or a TCP reset, like the iptables REJECT target.
 */
import { bindNat, type NatRange } from '../../../conntrack/index.js'
import { formatIPv4, formatIPv6 } from '../../../net/ip.js'
import type { NftStmt } from '../../nft/model.js'
import type { PacketState } from '../state.js'
import { parseNatRange } from '../targets/nat.js'
import { icmpError, tcpReset } from '../targets/reject.js'
import type { Hook } from '../types.js'
import type { CompiledStmt, NftOutcome } from './compiled.js'
import type { RuleContext } from './context.js'
import { compileKey } from './lookup.js'
import { ICMP_CODES, ICMPV6_CODES, type Scalar } from './values.js'

type NatStmt = Extract<NftStmt, { kind: 'nat' }>

/** Hooks each NAT type may run at (the kernel refuses other hooks when the rules are loaded). */
const NAT_HOOKS: Readonly<Record<NatStmt['type'], readonly Hook[]>> = {
  dnat: ['PREROUTING', 'OUTPUT'],
  redirect: ['PREROUTING', 'OUTPUT'],
  snat: ['POSTROUTING', 'INPUT'],
  masquerade: ['POSTROUTING'],
}

function addrText(v: Scalar | undefined): string | undefined {
  if (typeof v === 'number') return formatIPv4(v)
  if (typeof v === 'bigint') return formatIPv6(v)
  return undefined
}

/** The `to` of dnat/snat: a literal range, or the data of a map lookup (`ip daddr map @m`). */
function compileTo(
  st: NatStmt,
  ctx: RuleContext,
): ((s: PacketState) => NatRange | undefined) | undefined {
  const to = st.to
  if (!to) return undefined
  if (to.kind === 'value') {
    const range = parseNatRange(to.text)
    return () => range
  }
  const v6 = st.family === 'ip6' || (st.family === undefined && ctx.family === 'ip6')
  const addr = v6 ? 'ipv6_addr' : 'ipv4_addr'
  const key = compileKey(to, ctx, [addr, 'inet_service'])
  return (s) => {
    const v = key.read(s)
    const a = addrText(v?.[0])
    if (!v || a === undefined) return undefined
    const port = v[1]
    return {
      minAddr: a,
      maxAddr: a,
      ...(typeof port === 'number' ? { minPort: port, maxPort: port } : {}),
    }
  }
}

function natFlags(st: NatStmt): Pick<NatRange, 'random' | 'randomFully' | 'persistent'> {
  const f = st.flags ?? []
  return {
    random: f.includes('random'),
    randomFully: f.includes('fully-random'),
    persistent: f.includes('persistent'),
  }
}

/** The address REDIRECT binds: loopback from OUTPUT, else the input device's primary address. */
function redirectAddress(s: PacketState): string | undefined {
  const fam = s.pkt.family
  if (s.hook === 'OUTPUT') return fam === 4 ? '127.0.0.1' : '::1'
  return s.env.primaryAddress(s.pkt.inIface ?? '', fam)
}

/** The range to bind for this packet: undefined breaks the rule (a map without the key). */
function rangeFor(
  st: NatStmt,
  s: PacketState,
  to: ((s: PacketState) => NatRange | undefined) | undefined,
  ports: NatRange | undefined,
): NatRange | 'drop' | undefined {
  if (st.type === 'dnat' || st.type === 'snat') return to?.(s)
  // nft_masq / nft_redir: no usable address on the device drops the packet.
  const addr =
    st.type === 'masquerade'
      ? s.env.masqueradeSource(s.pkt, s.pkt.outIface ?? '')
      : redirectAddress(s)
  if (!addr) return 'drop'
  if (st.type === 'masquerade') s.masquerade = true
  return { ...ports, minAddr: addr, maxAddr: addr }
}

export function compileNat(st: NatStmt, ctx: RuleContext): CompiledStmt {
  const to = compileTo(st, ctx)
  // masquerade and redirect take only ports: `to :1000-2000`.
  const ports = st.type === 'masquerade' || st.type === 'redirect' ? compilePorts(st) : undefined
  const flags = natFlags(st)
  const manip = st.type === 'dnat' || st.type === 'redirect' ? 'dst' : 'src'
  const hooks = NAT_HOOKS[st.type]
  return (s, w) => {
    if (!w.nat || !hooks.includes(s.hook)) {
      throw ctx.unsupported(`${st.type} outside a nat chain at ${hooks.join('/')}`)
    }
    const conn = s.ct?.conn
    if (!conn) throw ctx.unsupported(`${st.type} without a conntrack entry`)
    const range = rangeFor(st, s, to, ports)
    if (range === undefined) return 'break'
    if (range === 'drop') return { kind: 'drop' }
    const rand = () => s.chooser.pick(1 << 30) / (1 << 30)
    bindNat(s.rt.conntrack, conn, manip, { ...range, ...flags }, rand)
    return { kind: 'accept' }
  }
}

function compilePorts(st: NatStmt): NatRange | undefined {
  return st.to?.kind === 'value' ? parseNatRange(st.to.text) : undefined
}

type RejectStmt = Extract<NftStmt, { kind: 'reject' }>

/** icmpx codes per family (nft_reject_icmpx_code_v4/v6). */
const ICMPX: Readonly<Record<string, readonly [number, number]>> = {
  'no-route': [0, 0],
  'port-unreachable': [3, 4],
  'host-unreachable': [1, 3],
  'admin-prohibited': [13, 1],
}

function code(table: Readonly<Record<string, number>>, text: string): number | undefined {
  return table[text] ?? (/^[0-9]{1,3}$/.test(text) ? Number(text) : undefined)
}

/** `reject` alone: port-unreachable in the table's family (icmpx in inet tables). */
function defaultReject(ctx: RuleContext): NonNullable<RejectStmt['with']> {
  const type = ctx.family === 'ip' ? 'icmp' : ctx.family === 'ip6' ? 'icmpv6' : 'icmpx'
  return { type, code: 'port-unreachable' }
}

export function compileReject(st: RejectStmt, ctx: RuleContext): CompiledStmt {
  const w = st.with ?? defaultReject(ctx)
  const text = `${w.type} ${w.code}`
  const v4 =
    w.type === 'icmp'
      ? code(ICMP_CODES, w.code)
      : w.type === 'icmpx'
        ? ICMPX[w.code]?.[0]
        : undefined
  const v6 =
    w.type === 'icmpv6'
      ? code(ICMPV6_CODES, w.code)
      : w.type === 'icmpx'
        ? ICMPX[w.code]?.[1]
        : undefined
  if (w.type !== 'tcp' && v4 === undefined && v6 === undefined)
    throw ctx.unsupported(`reject with ${text}`)
  return (s): NftOutcome | 'break' => {
    if (s.hook === 'POSTROUTING') throw ctx.unsupported('reject at postrouting')
    const p = s.pkt
    if (w.type === 'tcp') {
      // `reject with tcp reset` carries an implicit `meta l4proto tcp`.
      if (p.proto !== 6) return 'break'
      return { kind: 'reject', with: text, response: tcpReset(p) }
    }
    const c = p.family === 4 ? v4 : v6
    // `with icmp …` applies to IPv4 only (and icmpv6 to IPv6): nft adds `meta nfproto`.
    if (c === undefined) return 'break'
    if (p.inner !== undefined) return { kind: 'reject', with: text }
    const type = p.family === 4 ? 3 : 1
    return { kind: 'reject', with: text, response: icmpError(p, s.env.icmpSource(p), type, c) }
  }
}
