/**
 * @module core/netfilter/xt/modules/core/reject
 * `-j REJECT` (libipt_REJECT.c, libip6t_REJECT.c). `--reject-with` is matched by prefix against
 * each type's name and alias, in table order, and saved by name; with no option iptables-save
 * still prints the default (`icmp-port-unreachable`, `icmp6-port-unreachable`). The kernel
 * refuses `tcp-reset` unless the rule is `-p tcp` (ipt_REJECT.c `reject_tg_check`).
 */
import type { CanonContext, RawOption, XtModule } from '../../types.js'
import { byName, spec, value } from './common.js'

/** [saved name, alias] in the kernel's enum order. */
const REJECT4: readonly (readonly [string, string])[] = [
  ['icmp-net-unreachable', 'net-unreach'],
  ['icmp-host-unreachable', 'host-unreach'],
  ['icmp-proto-unreachable', 'proto-unreach'],
  ['icmp-port-unreachable', 'port-unreach'],
  ['icmp-net-prohibited', 'net-prohib'],
  ['icmp-host-prohibited', 'host-prohib'],
  ['tcp-reset', 'tcp-rst'],
  ['icmp-admin-prohibited', 'admin-prohib'],
]

const REJECT6: readonly (readonly [string, string])[] = [
  ['icmp6-no-route', 'no-route'],
  ['icmp6-adm-prohibited', 'adm-prohibited'],
  ['icmp6-addr-unreachable', 'addr-unreach'],
  ['icmp6-port-unreachable', 'port-unreach'],
  ['tcp-reset', 'tcp-reset'],
  ['icmp6-policy-fail', 'policy-fail'],
  ['icmp6-reject-route', 'reject-route'],
]

function rejectWith(o: RawOption | undefined, table: typeof REJECT4, ctx: CanonContext): string {
  if (!o) return ctx.family === 4 ? 'icmp-port-unreachable' : 'icmp6-port-unreachable'
  const arg = value(o).toLowerCase()
  const hit = table.find(([name, alias]) => name.startsWith(arg) || alias.startsWith(arg))
  if (!hit)
    ctx.fail(
      `unknown reject type "${value(o)}"`,
      o,
      `types are ${table.map(([n]) => n).join(', ')}`,
    )
  return hit[0]
}

export const rejectTarget: XtModule = {
  name: 'REJECT',
  kind: 'target',
  options: [spec('--reject-with')],
  canonicalize(raw: readonly RawOption[], ctx: CanonContext) {
    const o = byName('REJECT', raw, ctx).get('--reject-with')
    const type = rejectWith(o, ctx.family === 4 ? REJECT4 : REJECT6, ctx)
    const p = ctx.proto
    if (type === 'tcp-reset' && (p?.number !== 6 || p.negated)) {
      ctx.fail('REJECT: tcp-reset is only valid with -p tcp', o, 'add -p tcp to the rule')
    }
    return [{ name: '--reject-with', negated: false, values: [type] }]
  },
}
