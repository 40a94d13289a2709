/**
 * @module core/netfilter/xt/modules/extra/policy
 * `-m policy` (libxt_policy): the IPsec policy a packet was (or will be) processed with.
 * `--dir` and `--pol` apply to the whole match; `--reqid`, `--spi`, `--proto`, `--mode`,
 * `--tunnel-src` and `--tunnel-dst` describe one policy element, and `--next` (which needs
 * `--strict`) starts the next one, up to four. iptables-save prints the flags, then each element
 * as reqid, spi (hex), proto (by name), mode, tunnel-dst, tunnel-src, joined by `--next`.
 * Tunnel addresses are printed unmasked, with the mask only when it is not a host mask.
 * With `--pol none`, element options are accepted and dropped, as iptables does.
 */
import type { XtOption } from '../../../rule.js'
import { type CanonContext, opt, type RawOption } from '../../types.js'
import { xtStrtoul } from './lib/cnum.js'
import { defineModule } from './lib/define.js'
import { formatHost, formatMaskSuffix, type HostMask, hostMask } from './lib/inet.js'
import { protoByIptablesName, protoByNumber } from './lib/names.js'
import type { Opts } from './lib/options.js'
import { arg, uint } from './lib/xtopt.js'

const MAX_ELEM = 4
const IPSEC_PROTOS = [50, 51, 108]

interface Elem {
  reqid?: RawOption & { v: bigint }
  spi?: RawOption & { v: bigint }
  proto?: RawOption & { v: number }
  mode?: RawOption & { v: 'transport' | 'tunnel' }
  daddr?: RawOption & { v: HostMask }
  saddr?: RawOption & { v: HostMask }
}

type Field = keyof Elem
const FIELD: Readonly<Record<string, Field>> = {
  '--reqid': 'reqid',
  '--spi': 'spi',
  '--proto': 'proto',
  '--mode': 'mode',
  '--tunnel-src': 'saddr',
  '--tunnel-dst': 'daddr',
}

function protocol(o: RawOption, ctx: CanonContext): number {
  const n = xtStrtoul(arg(o), 0n, 255n)
  const p = n !== undefined ? Number(n) : protoByIptablesName(arg(o))
  if (p === undefined)
    return ctx.fail(`unknown protocol "${arg(o)}" specified`, o, 'use esp, ah or ipcomp')
  if (!IPSEC_PROTOS.includes(p)) return ctx.fail('policy match: protocol must be ah/esp/ipcomp', o)
  return p
}

function setField(e: Elem, o: RawOption, ctx: CanonContext): void {
  const f = FIELD[o.canonical] as Field
  if (e[f])
    ctx.fail(
      `policy match: double ${o.canonical} option`,
      o,
      'use --next to start another policy element',
    )
  if (f === 'reqid' || f === 'spi') e[f] = { ...o, v: uint('policy', o, ctx, 32) }
  else if (f === 'proto') e.proto = { ...o, v: protocol(o, ctx) }
  else if (f === 'mode') {
    const m = arg(o)
    if (m !== 'transport' && m !== 'tunnel')
      ctx.fail(`policy match: invalid mode "${m}"`, o, 'use transport or tunnel')
    e.mode = { ...o, v: m }
  } else e[f] = { ...o, v: hostMask('policy', o, arg(o), ctx.family, ctx) }
}

function elements(o: Opts, ctx: CanonContext): Elem[] {
  const elems: Elem[] = [{}]
  for (const x of o.list) {
    if (x.canonical === '--next') {
      elems.push({})
      if (elems.length > MAX_ELEM)
        ctx.fail('policy match: maximum policy depth reached', x, `at most ${MAX_ELEM} elements`)
    } else if (FIELD[x.canonical]) setField(elems[elems.length - 1] as Elem, x, ctx)
  }
  return elems
}

function check(elems: readonly Elem[], strict: boolean, ctx: CanonContext): void {
  elems.forEach((e, i) => {
    if (strict && Object.keys(e).length === 0) {
      ctx.fail(
        `policy match: empty policy element ${i}. --strict is in effect, but at least one of reqid, spi, tunnel-src, tunnel-dst, proto or mode is required`,
      )
    }
    // The mode defaults to transport, so tunnel addresses need `--mode tunnel`.
    const mode = e.mode?.v ?? 'transport'
    const inverted = e.mode?.negated === true
    if (
      (e.saddr || e.daddr) &&
      ((mode === 'tunnel' && inverted) || (mode === 'transport' && !inverted))
    ) {
      ctx.fail(
        'policy match: --tunnel-src/--tunnel-dst is only valid in tunnel mode',
        e.saddr ?? e.daddr,
        'add --mode tunnel',
      )
    }
  })
}

function saveElem(e: Elem, family: 4 | 6): XtOption[] {
  const out: XtOption[] = []
  if (e.reqid) out.push(opt('--reqid', [String(e.reqid.v)], e.reqid.negated))
  if (e.spi) out.push(opt('--spi', [`0x${e.spi.v.toString(16)}`], e.spi.negated))
  if (e.proto)
    out.push(opt('--proto', [protoByNumber(e.proto.v) ?? String(e.proto.v)], e.proto.negated))
  if (e.mode) out.push(opt('--mode', [e.mode.v], e.mode.negated))
  for (const [name, a] of [
    ['--tunnel-dst', e.daddr],
    ['--tunnel-src', e.saddr],
  ] as const) {
    if (a)
      out.push(
        opt(
          name,
          [`${formatHost(a.v.addr, family)}${formatMaskSuffix(a.v.mask, family)}`],
          a.negated,
        ),
      )
  }
  return out
}

export const policyMatch = defineModule({
  name: 'policy',
  kind: 'match',
  options: [
    { names: ['--dir'] },
    { names: ['--pol'] },
    { names: ['--strict'], arity: 0 },
    { names: ['--reqid'], invert: true, multi: true },
    { names: ['--spi'], invert: true, multi: true },
    { names: ['--tunnel-src'], invert: true, multi: true },
    { names: ['--tunnel-dst'], invert: true, multi: true },
    { names: ['--proto'], invert: true, multi: true },
    { names: ['--mode'], invert: true, multi: true },
    { names: ['--next'], arity: 0, multi: true, also: ['--strict'] },
  ],
  canon(o: Opts, ctx: CanonContext) {
    const dir = o.get('--dir')
    const pol = o.get('--pol')
    if (dir && arg(dir) !== 'in' && arg(dir) !== 'out')
      ctx.fail(`policy_match: invalid dir "${arg(dir)}"`, dir, 'use in or out')
    if (pol && arg(pol) !== 'none' && arg(pol) !== 'ipsec')
      ctx.fail(`policy match: invalid policy "${arg(pol)}"`, pol, 'use none or ipsec')
    const elems = elements(o, ctx)
    if (!dir)
      return ctx.fail(
        'policy match: neither --dir in nor --dir out specified',
        undefined,
        'add --dir in or --dir out',
      )
    const strict = o.has('--strict')
    const none = pol !== undefined && arg(pol) === 'none'
    const out = [opt('--dir', [arg(dir)]), opt('--pol', [none ? 'none' : 'ipsec'])]
    if (strict) out.push(opt('--strict'))
    if (none) {
      if (strict) ctx.fail('policy match: policy none but --strict given', o.get('--strict'))
      if (elems.length > 1) ctx.fail('policy match: policy none but policy given', o.get('--next'))
      return out
    }
    check(elems, strict, ctx)
    elems.forEach((e, i) => {
      if (i > 0) out.push(opt('--next'))
      out.push(...saveElem(e, ctx.family))
    })
    return out
  },
})
