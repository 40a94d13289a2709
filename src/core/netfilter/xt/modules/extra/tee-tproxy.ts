/**
 * @module core/netfilter/xt/modules/extra/tee-tproxy
 * Targets that send packets elsewhere: `-j TEE --gateway ADDR [--oif IFACE]` (libxt_TEE; the
 * interface name is cut to 15 bytes) and `-j TPROXY` (libxt_TPROXY revision 1). TPROXY always
 * saves all three options: `--on-port P --on-ip ADDR --tproxy-mark 0xV/0xM`, with 0.0.0.0 (or
 * ::) and 0x0/0x0 when not given. Ports are resolved like getaddrinfo does: decimal numbers wrap
 * at 65536 (`65536` is port 0), hex is not a number, names come from /etc/services.
 * TPROXY needs `-p tcp` or `-p udp`; it is only valid in mangle PREROUTING (not modelled).
 */
import type { XtOption } from '../../../rule.js'
import { type CanonContext, opt } from '../../types.js'
import { defineModule } from './lib/define.js'
import { formatHost, host } from './lib/inet.js'
import { SERVICES } from './lib/names.js'
import type { Opts } from './lib/options.js'
import { arg, port, str, valMask } from './lib/xtopt.js'

export const teeTarget = defineModule({
  name: 'TEE',
  kind: 'target',
  options: [{ names: ['--gateway'], mand: true }, { names: ['--oif'] }],
  canon(o: Opts, ctx: CanonContext) {
    const g = o.get('--gateway')
    if (!g) return []
    const out: XtOption[] = [
      opt('--gateway', [formatHost(host(g, arg(g), ctx.family, ctx), ctx.family)]),
    ]
    const oif = o.get('--oif')
    if (oif) {
      const name = str(oif, ctx, { size: 16 })
      if (name !== '') out.push(opt('--oif', [name]))
    }
    return out
  },
})

export const tproxyTarget = defineModule({
  name: 'TPROXY',
  kind: 'target',
  options: [
    { names: ['--on-port'], mand: true },
    { names: ['--on-ip'] },
    { names: ['--tproxy-mark'] },
  ],
  canon(o: Opts, ctx: CanonContext) {
    const p = o.get('--on-port')
    if (!p) return []
    // xt_TPROXY (tproxy_tg4_check / tproxy_tg6_check) wants a TCP or UDP rule.
    if ((ctx.proto?.number !== 6 && ctx.proto?.number !== 17) || ctx.proto.negated) {
      ctx.fail(
        'TPROXY: the kernel refuses this target in a rule without -p tcp or -p udp',
        p,
        'add -p tcp or -p udp',
      )
    }
    const ip = o.get('--on-ip')
    const mark = o.get('--tproxy-mark')
    const addr = ip ? host(ip, arg(ip), ctx.family, ctx) : 0n
    const m = mark ? valMask('TPROXY', mark, ctx) : { val: 0, mask: 0 }
    return [
      opt('--on-port', [String(port(p, arg(p), ctx, SERVICES))]),
      opt('--on-ip', [formatHost(addr, ctx.family)]),
      opt('--tproxy-mark', [`0x${m.val.toString(16)}/0x${m.mask.toString(16)}`]),
    ]
  },
})
