/**
 * @module core/netfilter/xt/modules/extra/legacy-targets
 * Targets that iptables 1.8.9 still ships but current kernels lack, so their save form follows
 * the iptables sources and is NOT verified against a live kernel (see README.md):
 * - `-j LED` (libxt_LED; needs CONFIG_NETFILTER_XT_TARGET_LED): the trigger id is always quoted;
 *   `--led-delay inf` is stored as 0xffffffff and printed with `%d`, so it saves as
 *   `--led-delay -1` (which iptables then cannot read back);
 * - `-j CLUSTERIP` (libipt_CLUSTERIP, removed in Linux 6.3): prints its options only with
 *   `--new`, the MAC in upper case; all of --new, --hashmode, --clustermac, --total-nodes and
 *   --local-node or none of them;
 * - `-j ULOG` (libipt_ULOG, removed in Linux 3.17): prefix (quoted like xtables_save_string),
 *   then non-default group, copy range and queue threshold.
 */
import type { XtOption } from '../../../rule.js'
import { type CanonContext, opt } from '../../types.js'
import { xtStrtoul } from './lib/cnum.js'
import { defineModule } from './lib/define.js'
import type { Opts } from './lib/options.js'
import { alwaysQuoted } from './lib/quote.js'
import { arg, etherMac, formatMac, str, uint } from './lib/xtopt.js'

export const ledTarget = defineModule({
  name: 'LED',
  kind: 'target',
  options: [
    { names: ['--led-trigger-id'], mand: true },
    { names: ['--led-delay'] },
    { names: ['--led-always-blink'], arity: 0 },
  ],
  canon(o: Opts, ctx: CanonContext) {
    const id = o.get('--led-trigger-id')
    if (!id) return []
    // The id lives in "netfilter-<id>" within 27 bytes.
    const out: XtOption[] = [alwaysQuoted('--led-trigger-id', str(id, ctx, { max: 16 }))]
    const d = o.get('--led-delay')
    if (d) {
      const inf = arg(d).slice(0, 3).toLowerCase() === 'inf'
      const v = inf ? 0xffffffffn : xtStrtoul(arg(d), 0n, 0xffffffffn)
      if (v === undefined)
        ctx.fail('delay value must be within range 0..4294967295', d, 'give milliseconds or inf')
      if (v !== 0n) out.push(opt('--led-delay', [String(BigInt.asIntN(32, v))]))
    }
    if (o.has('--led-always-blink')) out.push(opt('--led-always-blink'))
    return out
  },
})

const HASHMODES = ['sourceip', 'sourceip-sourceport', 'sourceip-sourceport-destport']
const CLUSTERIP_FULL = ['--new', '--hashmode', '--clustermac', '--total-nodes', '--local-node']

export const clusteripTarget = defineModule({
  name: 'CLUSTERIP',
  kind: 'target',
  families: [4],
  options: [
    { names: ['--new'], arity: 0 },
    { names: ['--hashmode'] },
    { names: ['--clustermac'] },
    { names: ['--total-nodes'] },
    { names: ['--local-node'] },
    { names: ['--hash-init'] },
  ],
  canon(o: Opts, ctx: CanonContext) {
    if (o.list.length === 0) return []
    if (!CLUSTERIP_FULL.every((n) => o.has(n))) {
      return ctx.fail(
        'CLUSTERIP target: invalid parameter combination',
        o.list[0],
        `give all of ${CLUSTERIP_FULL.join(' ')}`,
      )
    }
    const get = (n: string) => o.get(n) as NonNullable<ReturnType<Opts['get']>>
    const mode = arg(get('--hashmode'))
    if (!HASHMODES.includes(mode))
      ctx.fail(`unknown hashmode "${mode}"`, get('--hashmode'), `use ${HASHMODES.join(', ')}`)
    const mac = etherMac(get('--clustermac'), ctx)
    if (((mac[0] as number) & 1) === 0)
      ctx.fail('MAC has to be a multicast ethernet address', get('--clustermac'))
    const total = uint('CLUSTERIP', get('--total-nodes'), ctx, 16, 0n, 16n)
    const local = uint('CLUSTERIP', get('--local-node'), ctx, 16, 0n, 16n)
    const h = o.get('--hash-init')
    const init = h ? uint('CLUSTERIP', h, ctx, 32) : 0n
    return [
      opt('--new'),
      opt('--hashmode', [mode]),
      opt('--clustermac', [formatMac(mac, true)]),
      opt('--total-nodes', [String(total)]),
      opt('--local-node', [String(local)]),
      opt('--hash-init', [String(init)]),
    ]
  },
})

export const ulogTarget = defineModule({
  name: 'ULOG',
  kind: 'target',
  families: [4],
  options: [
    { names: ['--ulog-nlgroup'] },
    { names: ['--ulog-prefix'] },
    { names: ['--ulog-cprange'] },
    { names: ['--ulog-qthreshold'] },
  ],
  canon(o: Opts, ctx: CanonContext) {
    const out: XtOption[] = []
    const p = o.get('--ulog-prefix')
    if (p) {
      const prefix = str(p, ctx, { min: 1, size: 32 })
      if (prefix.includes('\n')) ctx.fail('newlines not allowed in --ulog-prefix', p)
      out.push(opt('--ulog-prefix', [prefix], false, true))
    }
    const g = o.get('--ulog-nlgroup')
    const group = g ? uint('ULOG', g, ctx, 8, 1n, 32n) : 1n
    if (group !== 1n) out.push(opt('--ulog-nlgroup', [String(group)]))
    const c = o.get('--ulog-cprange')
    // copy_range is a size_t, tested whole but printed as an unsigned int.
    const range = c ? uint('ULOG', c, ctx, 64) : 0n
    if (range !== 0n) out.push(opt('--ulog-cprange', [String(range & 0xffffffffn)]))
    const q = o.get('--ulog-qthreshold')
    const qt = q ? uint('ULOG', q, ctx, 64, 1n, 50n) : 1n
    if (qt !== 1n) out.push(opt('--ulog-qthreshold', [String(qt)]))
    return out
  },
})
