/**
 * @module core/netfilter/xt/modules/extra/ipsec
 * SPI matches of IPsec headers: `-m esp` (libxt_esp), `-m ah` (libipt_ah for IPv4, libip6t_ah
 * for IPv6, which adds `--ahlen` and `--ahres`) and `-m ipcomp` (libxt_ipcomp). An SPI range
 * covering everything (0:4294967295) is not printed, negated or not; a range with equal ends
 * prints as one value. `ipcomp` sets no default range, so without `--ipcompspi` it saves as
 * `--ipcompspi 0`, as iptables does. esp, IPv4 ah and ipcomp need the matching `-p`.
 */
import type { XtOption } from '../../../rule.js'
import { type CanonContext, opt, type RawOption } from '../../types.js'
import { defineModule } from './lib/define.js'
import type { Opts } from './lib/options.js'
import { uint, uintRange } from './lib/xtopt.js'

const ALL = 0xffffffffn

/** The SPI range an option sets (one value means both ends), or the default. */
function spis(
  ext: string,
  o: RawOption | undefined,
  dflt: readonly [bigint, bigint],
  ctx: CanonContext,
): [bigint, bigint] {
  if (!o) return [dflt[0], dflt[1]]
  const v = uintRange(ext, o, ctx, 32)
  const lo = v[0] ?? 0n
  return [lo, v.length === 2 ? (v[1] as bigint) : lo]
}

function spiOption(
  name: string,
  [lo, hi]: readonly [bigint, bigint],
  negated: boolean,
): XtOption[] {
  if (lo === 0n && hi === ALL) return []
  return [opt(name, [lo === hi ? String(lo) : `${lo}:${hi}`], negated)]
}

/** The kernel registers these matches for one protocol: the rule must say `-p <it>`. */
function needProto(
  ext: string,
  number: number,
  name: string,
  ctx: CanonContext,
  o?: RawOption,
): void {
  if (ctx.proto?.number !== number || ctx.proto.negated) {
    ctx.fail(
      `${ext}: the kernel refuses this match in a rule without -p ${name}`,
      o,
      `add -p ${name} to the rule`,
    )
  }
}

function spiMatch(
  name: string,
  option: string,
  proto: readonly [number, string],
  dflt: readonly [bigint, bigint],
  family?: 4,
) {
  return defineModule({
    name,
    kind: 'match',
    ...(family ? { families: [family] } : {}),
    options: [
      { names: [option], invert: true },
      ...(name === 'ipcomp' ? [{ names: ['--compres'], arity: 0 as const }] : []),
    ],
    canon(o: Opts, ctx: CanonContext) {
      needProto(name, proto[0], proto[1], ctx, o.list[0])
      const s = o.get(option)
      const out = spiOption(option, spis(name, s, dflt, ctx), s?.negated === true)
      if (o.has('--compres')) out.push(opt('--compres'))
      return out
    },
  })
}

export const espMatch = spiMatch('esp', '--espspi', [50, 'esp'], [0n, ALL])
export const ipcompMatch = spiMatch('ipcomp', '--ipcompspi', [108, 'ipcomp'], [0n, 0n])
const ah4 = spiMatch('ah', '--ahspi', [51, 'ah'], [0n, ALL], 4)

/** libip6t_ah: the AH extension header anywhere in the chain, so no `-p` is needed. */
function canonAh6(o: Opts, ctx: CanonContext): XtOption[] {
  const s = o.get('--ahspi')
  const out = spiOption('--ahspi', spis('ah', s, [0n, ALL], ctx), s?.negated === true)
  const len = o.get('--ahlen')
  if (len) {
    const v = uint('ah', len, ctx, 32)
    if (v !== 0n || len.negated) out.push(opt('--ahlen', [String(v)], len.negated))
  }
  if (o.has('--ahres')) out.push(opt('--ahres'))
  return out
}

const ah6 = defineModule({
  name: 'ah',
  kind: 'match',
  options: [
    { names: ['--ahspi'], invert: true },
    { names: ['--ahlen'], invert: true },
    { names: ['--ahres'], arity: 0 },
  ],
  canon: canonAh6,
})

/** One `ah` module: the IPv4 and IPv6 extensions share the name but not the options. */
export const ahMatch = {
  name: 'ah',
  kind: 'match' as const,
  options: ah6.options,
  canonicalize: (raw: readonly RawOption[], ctx: CanonContext) =>
    ctx.family === 4 ? ah4.canonicalize(raw, ctx) : ah6.canonicalize(raw, ctx),
}
