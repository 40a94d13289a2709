/**
 * @module core/netfilter/xt/modules/extra/srh
 * `-m srh` (libip6t_srh revision 1): fields of the IPv6 Segment Routing Header. The `-eq`,
 * `-gt` and `-lt` variants of a field share one stored value, so iptables-save prints each given
 * variant with the value written last (`--srh-hdr-len-gt 1 --srh-hdr-len-lt 9` saves as
 * `--srh-hdr-len-gt 9 --srh-hdr-len-lt 9`). SIDs print unmasked with their prefix length.
 */
import type { XtOption } from '../../../rule.js'
import { type CanonContext, opt } from '../../types.js'
import { defineModule } from './lib/define.js'
import { formatHost, hostMask, maskToCidr } from './lib/inet.js'
import type { Opts } from './lib/options.js'
import { arg, type Bits, uint } from './lib/xtopt.js'

/** Options in save order, with the field they write. */
const FIELDS: readonly (readonly [string, string, Bits])[] = [
  ['--srh-next-hdr', 'next', 8],
  ['--srh-hdr-len-eq', 'len', 8],
  ['--srh-hdr-len-gt', 'len', 8],
  ['--srh-hdr-len-lt', 'len', 8],
  ['--srh-segs-left-eq', 'segs', 8],
  ['--srh-segs-left-gt', 'segs', 8],
  ['--srh-segs-left-lt', 'segs', 8],
  ['--srh-last-entry-eq', 'last', 8],
  ['--srh-last-entry-gt', 'last', 8],
  ['--srh-last-entry-lt', 'last', 8],
  ['--srh-tag', 'tag', 16],
]
const SIDS = ['--srh-psid', '--srh-nsid', '--srh-lsid']

export const srhMatch = defineModule({
  name: 'srh',
  kind: 'match',
  families: [6],
  options: [
    ...FIELDS.map(([n]) => ({ names: [n], invert: true })),
    ...SIDS.map((n) => ({ names: [n], invert: true })),
  ],
  canon(o: Opts, ctx: CanonContext) {
    const value = new Map<string, bigint>()
    const sid = new Map<string, string>()
    for (const x of o.list) {
      const f = FIELDS.find(([n]) => n === x.canonical)
      if (f) value.set(f[1], uint('srh', x, ctx, f[2]))
      else {
        const a = hostMask('srh', x, arg(x), 6, ctx)
        sid.set(x.canonical, `${formatHost(a.addr, 6)}/${maskToCidr(a.mask, 6)}`)
      }
    }
    const out: XtOption[] = []
    for (const [name, field] of FIELDS) {
      const x = o.get(name)
      if (x) out.push(opt(name, [String(value.get(field))], x.negated))
    }
    for (const name of SIDS) {
      const x = o.get(name)
      if (x) out.push(opt(name, [sid.get(name) as string], x.negated))
    }
    return out
  },
})
