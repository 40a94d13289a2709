/**
 * @module core/netfilter/xt/modules/core/ipvs
 * `-m ipvs` (libxt_ipvs.c): IPVS properties of a connection. `--ipvs` alone is printed only when
 * it is the only option (`ipvs_mt_dump` tests the whole bitmask); `--vproto` is saved as a
 * number, `--vaddr` unmasked with its prefix. The reference kernel has no IPVS, so these forms
 * come from iptables' own test table (libxt_ipvs.t), not a live run.
 */
import type { XtOption } from '../../../rule.js'
import type { CanonContext, RawOption, XtModule } from '../../types.js'
import { byName, decimalPort, spec, value } from './common.js'
import { protocolNumber } from './netdb.js'
import { formatHostMask, hostMask } from './xt-addr.js'

const METHODS = ['GATE', 'IPIP', 'MASQ']

function one(o: RawOption, ctx: CanonContext): string {
  const v = value(o)
  switch (o.canonical) {
    case '--vproto': {
      const n = protocolNumber(v)
      if (n === undefined) ctx.fail(`ipvs: unknown protocol "${v}"`, o)
      return String(n)
    }
    case '--vaddr': {
      const a = hostMask(v, ctx.family)
      if (!a) ctx.fail(`ipvs: bad address "${v}"`, o, 'give a numeric address[/mask]')
      return formatHostMask(a)
    }
    case '--vport':
    case '--vportctl': {
      const p = decimalPort(v)
      if (p === undefined) ctx.fail(`ipvs: port "${v}" does not resolve to anything`, o)
      return String(p)
    }
    default: {
      const m = METHODS.find((x) => x === v.toUpperCase())
      if (!m) ctx.fail(`ipvs: bad --vmethod "${v}"`, o, `use ${METHODS.join(', ')}`)
      return m
    }
  }
}

export const ipvsMatch: XtModule = {
  name: 'ipvs',
  kind: 'match',
  options: [
    spec('--ipvs', 0, true),
    spec('--vproto', 1, true),
    spec('--vaddr', 1, true),
    spec('--vport', 1, true),
    spec('--vdir'),
    spec('--vmethod', 1, true),
    spec('--vportctl', 1, true),
  ],
  canonicalize(raw: readonly RawOption[], ctx: CanonContext) {
    const got = byName('ipvs', raw, ctx)
    const out: XtOption[] = []
    const ipvs = got.get('--ipvs')
    if (ipvs && got.size === 1) out.push({ name: '--ipvs', negated: ipvs.negated, values: [] })
    for (const n of ['--vproto', '--vaddr', '--vport']) {
      const o = got.get(n)
      if (o) out.push({ name: n, negated: o.negated, values: [one(o, ctx)] })
    }
    const dir = got.get('--vdir')
    if (dir) {
      const d = value(dir).toUpperCase()
      if (d !== 'ORIGINAL' && d !== 'REPLY')
        ctx.fail(`ipvs: bad --vdir "${value(dir)}"`, dir, 'use ORIGINAL or REPLY')
      out.push({ name: '--vdir', negated: false, values: [d] })
    }
    for (const n of ['--vmethod', '--vportctl']) {
      const o = got.get(n)
      if (o) out.push({ name: n, negated: o.negated, values: [one(o, ctx)] })
    }
    return out
  },
}
