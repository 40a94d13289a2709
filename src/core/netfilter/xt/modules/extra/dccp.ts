/**
 * @module core/netfilter/xt/modules/extra/dccp
 * `-m dccp` (libxt_dccp): ports, packet types and an option number. `--source-port` and
 * `--destination-port` print as `--sport`/`--dport`; port ranges accept service names and open
 * ends (`:100` is 0:100); types print in the kernel's bit order, upper case, stopping at
 * `INVALID`. The rule needs `-p dccp`.
 */
import type { XtOption } from '../../../rule.js'
import { type CanonContext, opt, type RawOption } from '../../types.js'
import { defineModule } from './lib/define.js'
import { SERVICES } from './lib/names.js'
import type { Opts } from './lib/options.js'
import { arg, port, uint } from './lib/xtopt.js'

const TYPES = [
  'REQUEST',
  'RESPONSE',
  'DATA',
  'ACK',
  'DATAACK',
  'CLOSEREQ',
  'CLOSE',
  'RESET',
  'SYNC',
  'SYNCACK',
  'INVALID',
]
const INVALID = 10

/** `XTTYPE_PORTRC`: `p`, `p:q`, `:q`, `p:`; empty parts keep 0 and 65535. */
function portRange(o: RawOption, ctx: CanonContext): string {
  const parts = arg(o).split(':')
  if (parts.length > 2)
    ctx.fail(
      `dccp: too many components for option "${o.canonical}" (max: 2)`,
      o,
      'give a port or a range a:b',
    )
  const range = [0, 65535]
  parts.forEach((p, i) => {
    if (p !== '') range[i] = port(o, p, ctx, SERVICES)
  })
  if (parts.length === 1) range[1] = range[0] as number
  return range[0] === range[1] ? String(range[0]) : `${range[0]}:${range[1]}`
}

function typeMask(o: RawOption, ctx: CanonContext): number {
  let mask = 0
  for (const t of arg(o)
    .split(',')
    .filter((x) => x !== '')) {
    const i = TYPES.indexOf(t.toUpperCase())
    if (i < 0) ctx.fail(`unknown DCCP type \`${t}'`, o, `use ${TYPES.join(', ')}`)
    mask |= 1 << i
  }
  return mask
}

function formatTypes(mask: number): string {
  const names: string[] = []
  for (let i = 0; i <= INVALID; i++) if (mask & (1 << i)) names.push(TYPES[i] as string)
  return names.join(',')
}

export const dccpMatch = defineModule({
  name: 'dccp',
  kind: 'match',
  options: [
    { names: ['--source-port', '--sport'], invert: true },
    { names: ['--destination-port', '--dport'], invert: true },
    { names: ['--dccp-types'], invert: true },
    { names: ['--dccp-option'], invert: true },
  ],
  canon(o: Opts, ctx: CanonContext) {
    if (ctx.proto?.number !== 33 || ctx.proto.negated) {
      ctx.fail(
        'dccp: the kernel refuses this match in a rule without -p dccp',
        o.list[0],
        'add -p dccp to the rule',
      )
    }
    const out: XtOption[] = []
    const s = o.get('--source-port')
    if (s) out.push(opt('--sport', [portRange(s, ctx)], s.negated))
    const d = o.get('--destination-port')
    if (d) out.push(opt('--dport', [portRange(d, ctx)], d.negated))
    const t = o.get('--dccp-types')
    if (t) out.push(opt('--dccp-types', [formatTypes(typeMask(t, ctx))], t.negated))
    const x = o.get('--dccp-option')
    if (x) out.push(opt('--dccp-option', [String(uint('dccp', x, ctx, 8, 1n, 255n))], x.negated))
    return out
  },
})
