/**
 * @module core/netfilter/xt/modules/extra/ttl
 * IPv4 TTL and IPv6 hop limit: the matches `-m ttl` (libipt_ttl) and `-m hl` (libip6t_hl), the
 * targets `-j TTL` (libipt_TTL) and `-j HL` (libip6t_HL). `--ttl`/`--hl` are old spellings of
 * `--ttl-eq`/`--hl-eq` (same option id, so `! --ttl 5` is accepted and saved as `! --ttl-eq 5`).
 * xt_TTL/xt_HL are registered for the mangle table only; that table check is not modelled.
 */
import { type CanonContext, opt } from '../../types.js'
import { defineModule } from './lib/define.js'
import type { Opts } from './lib/options.js'
import { uint } from './lib/xtopt.js'

function hopMatch(name: 'ttl' | 'hl', family: 4 | 6) {
  const [eq, lt, gt] = [`--${name}-eq`, `--${name}-lt`, `--${name}-gt`]
  const all = [eq, lt, gt]
  return defineModule({
    name,
    kind: 'match',
    families: [family],
    options: [
      { names: [lt], excl: all },
      { names: [gt], excl: all },
      { names: [eq, `--${name}`], invert: true, excl: all },
    ],
    canon(o: Opts, ctx: CanonContext) {
      const x = o.list[0]
      if (!x) {
        const what = name === 'ttl' ? 'TTL' : 'HL'
        return ctx.fail(
          `${what} match: you must specify one of ${all.join(', ')}`,
          undefined,
          `add ${eq} N`,
        )
      }
      return [opt(x.canonical, [String(uint(name, x, ctx, 8))], x.negated)]
    },
  })
}

function hopTarget(name: 'TTL' | 'HL', family: 4 | 6) {
  const p = name.toLowerCase()
  const [set, dec, inc] = [`--${p}-set`, `--${p}-dec`, `--${p}-inc`]
  const all = [set, dec, inc]
  return defineModule({
    name,
    kind: 'target',
    families: [family],
    options: [
      { names: [set], excl: all },
      { names: [dec], excl: all },
      { names: [inc], excl: all },
    ],
    canon(o: Opts, ctx: CanonContext) {
      const x = o.list[0]
      if (!x)
        return ctx.fail(
          `${name}: you must specify an action`,
          undefined,
          `add ${set}, ${dec} or ${inc}`,
        )
      return [opt(x.canonical, [String(uint(name, x, ctx, 8, x.canonical === set ? 0n : 1n))])]
    },
  })
}

export const ttlMatch = hopMatch('ttl', 4)
export const hlMatch = hopMatch('hl', 6)
export const ttlTarget = hopTarget('TTL', 4)
export const hlTarget = hopTarget('HL', 6)
