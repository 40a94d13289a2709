/**
 * @module core/netfilter/engine/targets/mark
 * MARK and CONNMARK (xt_mark.c, xt_connmark.c). Both continue the walk (XT_CONTINUE).
 * MARK --set-xmark v/m computes (mark & ~m) ^ v; iptables-save prints every MARK form that way.
 */
import { withPacket } from '../../../model/packet.js'
import type { Rule, XtTarget } from '../../rule.js'
import type { TargetResult } from '../compiled.js'
import { Opts, parseValueMask } from '../matches/options.js'
import type { PacketState } from '../state.js'

const CONTINUE: TargetResult = { kind: 'continue' }

/** The (value, mask) pair of xt_mark_tginfo2 for each spelling of the MARK target. */
function markOp(o: Opts): { value: number; mask: number } {
  const vm = (n: string) => parseValueMask(o.value(n) ?? '0')
  if (o.has('--set-xmark')) return vm('--set-xmark')
  if (o.has('--set-mark')) {
    const { value, mask } = vm('--set-mark')
    return { value, mask: (mask | value) >>> 0 }
  }
  if (o.has('--or-mark')) {
    const v = vm('--or-mark').value
    return { value: v, mask: v }
  }
  if (o.has('--and-mark')) return { value: 0, mask: ~vm('--and-mark').value >>> 0 }
  if (o.has('--xor-mark')) return { value: vm('--xor-mark').value, mask: 0 }
  throw o.unsupported('MARK needs --set-xmark, --set-mark, --or-mark, --and-mark or --xor-mark')
}

export function compileMarkTarget(t: XtTarget, rule: Rule): (s: PacketState) => TargetResult {
  const o = new Opts('MARK', t.options, rule)
  o.only(['--set-xmark', '--set-mark', '--or-mark', '--and-mark', '--xor-mark'])
  const { value, mask } = markOp(o)
  return (s) => {
    s.pkt = withPacket(s.pkt, { mark: ((s.pkt.mark & ~mask) ^ value) >>> 0 })
    return CONTINUE
  }
}

export function compileConnmarkTarget(t: XtTarget, rule: Rule): (s: PacketState) => TargetResult {
  const o = new Opts('CONNMARK', t.options, rule)
  o.only([
    '--set-xmark',
    '--save-mark',
    '--restore-mark',
    '--nfmask',
    '--ctmask',
    '--mask',
    '--set-mark',
  ])
  const num = (n: string, d: number) => (o.has(n) ? Number(o.value(n)) >>> 0 : d)
  const all = 0xffffffff
  const mask = num('--mask', all)
  const nfmask = num('--nfmask', mask)
  const ctmask = num('--ctmask', mask)
  return (s) => {
    const conn = s.ct?.conn
    if (!conn) return CONTINUE
    if (o.has('--save-mark')) {
      conn.mark = ((conn.mark & ~ctmask) ^ (s.pkt.mark & nfmask)) >>> 0
    } else if (o.has('--restore-mark')) {
      s.pkt = withPacket(s.pkt, { mark: ((s.pkt.mark & ~nfmask) ^ (conn.mark & ctmask)) >>> 0 })
    } else {
      const { value, mask: m } = parseValueMask(
        o.value('--set-xmark') ?? o.value('--set-mark') ?? '0',
      )
      conn.mark = ((conn.mark & ~m) ^ value) >>> 0
    }
    return CONTINUE
  }
}
