/**
 * @module core/netfilter/xt/modules/extra/simple
 * Matches made of flags or one number: `-m socket` (libxt_socket revision 3), `-m rpfilter`,
 * `-m cpu` and `-m quota`. Flags print in a fixed order whatever the order written; numbers
 * print in decimal. xt_rpfilter is only valid in the raw and mangle PREROUTING chains; that hook
 * check is not modelled.
 */
import { type CanonContext, opt } from '../../types.js'
import { defineModule } from './lib/define.js'
import type { Opts } from './lib/options.js'
import { uint } from './lib/xtopt.js'

/** A match whose options are flags printed in table order. */
function flagMatch(name: string, flags: readonly string[]) {
  return defineModule({
    name,
    kind: 'match',
    options: flags.map((f) => ({ names: [f], arity: 0 })),
    canon: (o: Opts) => flags.filter((f) => o.has(f)).map((f) => opt(f)),
  })
}

export const socketMatch = flagMatch('socket', [
  '--transparent',
  '--nowildcard',
  '--restore-skmark',
])
export const rpfilterMatch = flagMatch('rpfilter', [
  '--loose',
  '--validmark',
  '--accept-local',
  '--invert',
])

export const cpuMatch = defineModule({
  name: 'cpu',
  kind: 'match',
  options: [{ names: ['--cpu'], invert: true, mand: true }],
  canon(o: Opts, ctx: CanonContext) {
    const c = o.get('--cpu')
    return c ? [opt('--cpu', [String(uint('cpu', c, ctx, 32))], c.negated)] : []
  },
})

export const quotaMatch = defineModule({
  name: 'quota',
  kind: 'match',
  options: [{ names: ['--quota'], invert: true, mand: true }],
  canon(o: Opts, ctx: CanonContext) {
    const q = o.get('--quota')
    return q ? [opt('--quota', [String(uint('quota', q, ctx, 64))], q.negated)] : []
  },
})
