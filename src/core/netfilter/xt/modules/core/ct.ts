/**
 * @module core/netfilter/xt/modules/core/ct
 * The `CT` target (libxt_CT.c, revision 2) and `NOTRACK`, which iptables 1.8.9 implements as
 * an alias of CT that keeps its own name in iptables-save and prints no options. CT options are
 * printed in `ct_save_v1` order: `--notrack`, `--helper`, `--timeout`, `--ctevents`,
 * `--expevents`, then the zone.
 */
import type { XtOption } from '../../../rule.js'
import type { CanonContext, RawOption, XtModule } from '../../types.js'
import { byName, spec, uint, value } from './common.js'

/** `ct_event_tbl` / `exp_event_tbl`, in print order. */
const CT_EVENTS = [
  'new',
  'related',
  'destroy',
  'reply',
  'assured',
  'protoinfo',
  'helper',
  'mark',
  'natseqinfo',
  'secmark',
]
const EXP_EVENTS = ['new']

function events(o: RawOption, table: readonly string[], ctx: CanonContext): string {
  const items = value(o).split(',')
  const bad = items.find((i) => !table.includes(i))
  if (bad !== undefined)
    ctx.fail(`Unknown event type "${bad}"`, o, `events are ${table.join(', ')}`)
  return table.filter((e) => items.includes(e)).join(',')
}

interface Zone {
  id: number
  mark: boolean
  orig: boolean
  reply: boolean
}

/** `ct_parse_zone_id`, applied in command-line order; the last zone value wins. */
function zone(raw: readonly RawOption[], ctx: CanonContext): XtOption | undefined {
  let z: Zone | undefined
  for (const o of raw) {
    if (o.canonical !== '--zone' && o.canonical !== '--zone-orig' && o.canonical !== '--zone-reply')
      continue
    z ??= { id: 0, mark: false, orig: false, reply: false }
    if (o.canonical === '--zone-orig') z.orig = true
    if (o.canonical === '--zone-reply') z.reply = true
    if (value(o).toLowerCase() === 'mark') {
      z.mark = true
      z.id = 0
    } else {
      const n = uint(value(o), 0, 0xffff)
      if (n === undefined) ctx.fail(`Cannot parse ${value(o)} as a zone ID`, o)
      z.id = n
    }
  }
  if (!z || (!z.mark && z.id === 0)) return undefined
  const name = z.orig && !z.reply ? '--zone-orig' : z.reply && !z.orig ? '--zone-reply' : '--zone'
  return { name, negated: false, values: [z.mark ? 'mark' : String(z.id)] }
}

export const ctTarget: XtModule = {
  name: 'CT',
  kind: 'target',
  options: [
    spec('--notrack', 0),
    spec('--helper'),
    spec('--timeout'),
    spec('--ctevents'),
    spec('--expevents'),
    spec('--zone-orig'),
    spec('--zone-reply'),
    spec('--zone'),
  ],
  canonicalize(raw: readonly RawOption[], ctx: CanonContext) {
    const got = byName('CT', raw, ctx)
    const out: XtOption[] = []
    if (got.has('--notrack')) out.push({ name: '--notrack', negated: false, values: [] })
    for (const n of ['--helper', '--timeout']) {
      const o = got.get(n)
      // Empty strings are not stored (the save tests the first byte).
      if (o && value(o) !== '')
        out.push({
          name: n,
          negated: false,
          values: [value(o).slice(0, n === '--helper' ? 15 : 31)],
        })
    }
    const ev = got.get('--ctevents')
    if (ev) out.push({ name: '--ctevents', negated: false, values: [events(ev, CT_EVENTS, ctx)] })
    const exp = got.get('--expevents')
    if (exp)
      out.push({ name: '--expevents', negated: false, values: [events(exp, EXP_EVENTS, ctx)] })
    const z = zone(raw, ctx)
    if (z) out.push(z)
    return out
  },
}

export const notrackTarget: XtModule = {
  name: 'NOTRACK',
  kind: 'target',
  options: [],
  canonicalize() {
    return []
  },
}
