/**
 * @module core/netfilter/xt/modules/extra/netmap-npt
 * Prefix-mapping NAT targets: `-j NETMAP --to ADDR[/MASK]` (libipt_NETMAP, libip6t_NETMAP; the
 * address is masked and printed as `network/len`, `/32` and `/128` included) and the IPv6
 * prefix translation targets `-j DNPT`/`-j SNPT` (libip6t_DNPT/SNPT: `--src-pfx` and
 * `--dst-pfx`, printed as given, `prefix/len`, in that order). IPv4 addresses accept every
 * `inet_aton` form (`10.1` is 10.0.0.1) and a mask that is not a prefix becomes /32, as in
 * libxtables. The kernel wants NPT prefixes of at most 64 bits with no host bits set.
 * DNPT/SNPT are only valid in the mangle table (PREROUTING/POSTROUTING); not modelled.
 */
import type { XtOption } from '../../../rule.js'
import { type CanonContext, opt, type RawOption } from '../../types.js'
import { defineModule } from './lib/define.js'
import { formatHost, hostMask, maskToCidr, prefixMask } from './lib/inet.js'
import type { Opts } from './lib/options.js'
import { arg } from './lib/xtopt.js'

export const netmapTarget = defineModule({
  name: 'NETMAP',
  kind: 'target',
  options: [{ names: ['--to'], mand: true }],
  canon(o: Opts, ctx: CanonContext) {
    const t = o.get('--to')
    if (!t) return []
    const a = hostMask('NETMAP', t, arg(t), ctx.family, ctx)
    return [
      opt('--to', [`${formatHost(a.addr & a.mask, ctx.family)}/${maskToCidr(a.mask, ctx.family)}`]),
    ]
  },
})

/** One NPT prefix; xt_NPT refuses lengths above 64 and host bits. */
function prefix(ext: string, o: RawOption, ctx: CanonContext): { addr: bigint; len: number } {
  const a = hostMask(ext, o, arg(o), 6, ctx)
  if (a.len > 64)
    ctx.fail(
      `${ext}: the kernel refuses a prefix longer than 64 bits`,
      o,
      'give a /64 or shorter prefix',
    )
  if ((a.addr & prefixMask(a.len, 6)) !== a.addr) {
    ctx.fail(
      `${ext}: the kernel refuses a prefix with host bits set`,
      o,
      'clear the bits after the prefix length',
    )
  }
  return { addr: a.addr, len: a.len }
}

function nptTarget(name: 'DNPT' | 'SNPT') {
  return defineModule({
    name,
    kind: 'target',
    families: [6],
    options: [
      { names: ['--src-pfx'], mand: true },
      { names: ['--dst-pfx'], mand: true },
    ],
    canon(o: Opts, ctx: CanonContext) {
      const out: XtOption[] = []
      for (const n of ['--src-pfx', '--dst-pfx']) {
        const x = o.get(n)
        if (!x) continue
        const p = prefix(name, x, ctx)
        if (p.addr !== 0n || p.len !== 0) out.push(opt(n, [`${formatHost(p.addr, 6)}/${p.len}`]))
      }
      return out
    },
  })
}

export const dnptTarget = nptTarget('DNPT')
export const snptTarget = nptTarget('SNPT')
