/**
 * @module core/netfilter/xt/modules/core/owner
 * `-m owner` (libxt_owner.c, revision 1): the socket owner of locally generated packets. User
 * and group *names* need the machine's passwd/group databases, which kpath does not read: give
 * numeric ids. Saved order: `--socket-exists`, `--uid-owner`, `--gid-owner`, `--suppl-groups`.
 */
import type { XtOption } from '../../../rule.js'
import type { CanonContext, RawOption, XtModule } from '../../types.js'
import { byName, spec, uint, value } from './common.js'

/**
 * `owner_parse_range`: `id`, `id-id` or `id:id`, each below 2^32-1. Of the names iptables looks up
 * in passwd/group, only `root` (id 0 on every system) is known here.
 */
function ids(o: RawOption, ctx: CanonContext): string {
  if (value(o) === 'root') return '0'
  const m = /^([^-:]*)(?:[-:](.*))?$/.exec(value(o))
  const lo = uint(m?.[1] ?? '', 0, 0xfffffffe)
  const hi = m?.[2] === undefined ? lo : uint(m[2], 0, 0xfffffffe)
  if (lo === undefined || hi === undefined) {
    ctx.fail(
      `owner: bad value for ${o.canonical}: "${value(o)}"`,
      o,
      'kpath needs numeric user and group ids',
    )
  }
  return lo === hi ? String(lo) : `${lo}-${hi}`
}

export const ownerMatch: XtModule = {
  name: 'owner',
  kind: 'match',
  options: [
    spec('--uid-owner', 1, true),
    spec('--gid-owner', 1, true),
    spec('--socket-exists', 0, true),
    spec('--suppl-groups', 0),
  ],
  canonicalize(raw: readonly RawOption[], ctx: CanonContext) {
    const got = byName('owner', raw, ctx)
    if (got.size === 0)
      ctx.fail('owner: At least one of --uid-owner, --gid-owner or --socket-exists is required')
    const suppl = got.get('--suppl-groups')
    const gid = got.get('--gid-owner')
    if (suppl && (!gid || raw.indexOf(gid) > raw.indexOf(suppl))) {
      ctx.fail('owner: --suppl-groups needs --gid-owner first', suppl)
    }
    const out: XtOption[] = []
    const se = got.get('--socket-exists')
    if (se) out.push({ name: '--socket-exists', negated: se.negated, values: [] })
    for (const n of ['--uid-owner', '--gid-owner']) {
      const o = got.get(n)
      if (o) out.push({ name: n, negated: o.negated, values: [ids(o, ctx)] })
    }
    if (suppl) out.push({ name: '--suppl-groups', negated: false, values: [] })
    return out
  },
}
