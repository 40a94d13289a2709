/**
 * @module core/netfilter/xt/modules/extra/helper-connlabel
 * Conntrack properties by name: `-m helper` (the helper's name, at most 29 bytes: longer names
 * are cut, as iptables does when it copies into `char name[30]`) and `-m connlabel` (a label
 * bit 0-127). iptables-save quotes the helper like `xtables_save_string` and always quotes the
 * label. Label names need /etc/xtables/connlabel.conf, which does not exist on a stock system;
 * kpath knows no names, so labels are numbers, printed in decimal.
 */
import type { XtOption } from '../../../rule.js'
import { type CanonContext, opt } from '../../types.js'
import { strtoul } from './lib/cnum.js'
import { defineModule } from './lib/define.js'
import type { Opts } from './lib/options.js'
import { alwaysQuoted } from './lib/quote.js'
import { str } from './lib/xtopt.js'

export const helperMatch = defineModule({
  name: 'helper',
  kind: 'match',
  options: [{ names: ['--helper'], invert: true, mand: true }],
  canon(o: Opts, ctx: CanonContext) {
    const h = o.get('--helper')
    return h ? [opt('--helper', [str(h, ctx, { size: 30 })], h.negated, true)] : []
  },
})

export const connlabelMatch = defineModule({
  name: 'connlabel',
  kind: 'match',
  options: [
    { names: ['--label'], invert: true, mand: true },
    { names: ['--set'], arity: 0 },
  ],
  canon(o: Opts, ctx: CanonContext) {
    const l = o.get('--label')
    if (!l) return []
    const text = str(l, ctx, { min: 1 })
    const r = strtoul(text, 0)
    if (r.end !== text.length || r.value > 0x7fffffffn) {
      return ctx.fail(
        `label '${text}' not found or invalid value`,
        l,
        'kpath has no connlabel.conf; give the label bit as a number',
      )
    }
    // xt_connlabel refuses bits beyond its 128-bit label area.
    if (r.value > 127n)
      return ctx.fail(
        `connlabel: the kernel refuses label bit ${r.value}`,
        l,
        'give a bit from 0 to 127',
      )
    const out: XtOption[] = [alwaysQuoted('--label', String(r.value), l.negated)]
    if (o.has('--set')) out.push(opt('--set'))
    return out
  },
})
