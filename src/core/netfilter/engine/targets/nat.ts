/**
 * @module core/netfilter/engine/targets/nat
 * DNAT, SNAT, MASQUERADE and REDIRECT (xt_nat.c, xt_MASQUERADE.c, xt_REDIRECT.c). They run only
 * for a connection's first packet (the nat table is walked only then); they bind the NAT in
 * conntrack and accept. The packet itself is rewritten at the end of the hook by conntrack's
 * nf_nat_packet, and every later packet of the flow reuses the binding.
 */
import { bindNat, type NatRange } from '../../../conntrack/index.js'
import type { Rule, XtTarget } from '../../rule.js'
import type { TargetResult } from '../compiled.js'
import { Opts } from '../matches/options.js'
import type { PacketState } from '../state.js'

const ACCEPT: TargetResult = { kind: 'accept' }

/** `a.b.c.d[-e.f.g.h][:p[-q]]`, `[v6]:p`, or `:p` as in --to-destination / --to-source. */
export function parseNatRange(text: string): NatRange {
  let addrPart = text
  let portPart: string | undefined
  if (text.startsWith('[')) {
    const close = text.indexOf(']')
    addrPart = text.slice(1, close)
    portPart = text.slice(close + 1).replace(/^:/, '') || undefined
  } else if (!text.includes(':') || text.split(':').length === 2) {
    const i = text.indexOf(':')
    if (i >= 0) {
      addrPart = text.slice(0, i)
      portPart = text.slice(i + 1)
    }
  }
  const range: { -readonly [K in keyof NatRange]: NatRange[K] } = {}
  if (addrPart) {
    const [lo, hi] = addrPart.split('-')
    range.minAddr = lo
    range.maxAddr = hi ?? lo
  }
  if (portPart) {
    const [lo, hi] = portPart.split('-')
    range.minPort = Number(lo)
    range.maxPort = Number(hi ?? lo)
  }
  return range
}

function flags(o: Opts): Pick<NatRange, 'random' | 'randomFully' | 'persistent'> {
  return {
    random: o.has('--random'),
    randomFully: o.has('--random-fully'),
    persistent: o.has('--persistent'),
  }
}

function bind(s: PacketState, manip: 'src' | 'dst', range: NatRange, o: Opts): TargetResult {
  const conn = s.ct?.conn
  if (!conn) throw o.unsupported(`${o.owner} reached without a conntrack entry`)
  bindNat(s.rt.conntrack, conn, manip, range, () => s.chooser.pick(1 << 30) / (1 << 30))
  return ACCEPT
}

export function compileNatTarget(t: XtTarget, rule: Rule): (s: PacketState) => TargetResult {
  const o = new Opts(t.name, t.options, rule)
  switch (t.name) {
    case 'DNAT': {
      o.only(['--to-destination', '--random', '--persistent'])
      const range = { ...parseNatRange(o.value('--to-destination') ?? ''), ...flags(o) }
      return (s) => bind(s, 'dst', range, o)
    }
    case 'SNAT': {
      o.only(['--to-source', '--random', '--random-fully', '--persistent'])
      const range = { ...parseNatRange(o.value('--to-source') ?? ''), ...flags(o) }
      return (s) => bind(s, 'src', range, o)
    }
    case 'MASQUERADE': {
      o.only(['--to-ports', '--random', '--random-fully'])
      const ports = o.value('--to-ports')?.split('-')
      return (s) => {
        const out = s.pkt.outIface ?? ''
        const src = s.env.masqueradeSource(s.pkt, out)
        // masquerade_tg: no usable address on the output device drops the packet.
        if (!src) return { kind: 'drop' }
        s.masquerade = true
        const range: NatRange = {
          minAddr: src,
          maxAddr: src,
          ...(ports ? { minPort: Number(ports[0]), maxPort: Number(ports[1] ?? ports[0]) } : {}),
          ...flags(o),
        }
        return bind(s, 'src', range, o)
      }
    }
    default: {
      // REDIRECT: DNAT to the incoming interface's primary address (127.0.0.1 / ::1 from OUTPUT).
      o.only(['--to-ports', '--random'])
      const ports = o.value('--to-ports')?.split('-')
      return (s) => {
        const fam = s.pkt.family
        const local =
          s.hook === 'OUTPUT'
            ? fam === 4
              ? '127.0.0.1'
              : '::1'
            : s.env.primaryAddress(s.pkt.inIface ?? '', fam)
        if (!local) return { kind: 'drop' }
        const range: NatRange = {
          minAddr: local,
          maxAddr: local,
          ...(ports ? { minPort: Number(ports[0]), maxPort: Number(ports[1] ?? ports[0]) } : {}),
          ...flags(o),
        }
        return bind(s, 'dst', range, o)
      }
    }
  }
}
