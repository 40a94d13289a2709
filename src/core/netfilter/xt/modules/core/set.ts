/**
 * @module core/netfilter/xt/modules/core/set
 * `-m set` (libxt_set.c, revision 4). iptables checks with the kernel that the set exists when
 * the rule is added; kpath cannot, so the engine reports a missing set when it runs. Saved as
 * `[!] --match-set NAME dir[,dir…]`, then `--return-nomatch`, `! --update-counters`,
 * `! --update-subcounters`, and the packet and byte counter tests.
 */
import type { XtOption } from '../../../rule.js'
import type { CanonContext, RawOption, XtModule } from '../../types.js'
import { byName, type Got, spec, uint64, value } from './common.js'

/** IPSET_MAXNAMELEN (32) minus the NUL. */
const MAX_NAME = 31
/** IPSET_DIM_MAX. */
const MAX_DIM = 6

function dirs(o: RawOption, ctx: CanonContext): string {
  const items = (o.values[1] ?? '').split(',')
  if (items.length > MAX_DIM) ctx.fail(`Can't be more src/dst options than ${MAX_DIM}.`, o)
  // parse_dirs compares the first three characters only ("srcfoo" counts as src).
  const out = items.map((d) =>
    d.startsWith('src') ? 'src' : d.startsWith('dst') ? 'dst' : undefined,
  )
  if (out.includes(undefined))
    ctx.fail("You must specify (the comma separated list of) 'src' or 'dst'.", o)
  return out.join(',')
}

function counter(ext: string, got: Got, kind: 'packets' | 'bytes', ctx: CanonContext): XtOption[] {
  const ops = ['eq', 'lt', 'gt']
    .map((op) => got.get(`--${kind}-${op}`))
    .filter((o) => o !== undefined)
  if (ops.length > 1) ctx.fail(`only one of the --${kind}-[eq|lt|gt] is allowed`, ops[1])
  const o = ops[0]
  if (!o) return []
  if (o.negated && !o.canonical.endsWith('-eq'))
    ctx.fail(`${o.canonical} option cannot be inverted`, o)
  const v = uint64(value(o))
  if (v === undefined) ctx.fail(`${ext}: cannot parse ${value(o)} as a counter value`, o)
  return [{ name: o.canonical, negated: o.negated, values: [v.toString()] }]
}

export const setMatch: XtModule = {
  name: 'set',
  kind: 'match',
  options: [
    spec(['--match-set', '--set'], 2, true),
    spec('--return-nomatch', 0, true),
    spec('--update-counters', 0, true),
    spec('--update-subcounters', 0, true),
    ...['packets', 'bytes'].flatMap((k) =>
      ['eq', 'lt', 'gt'].map((op) => spec(`--${k}-${op}`, 1, true)),
    ),
  ],
  canonicalize(raw: readonly RawOption[], ctx: CanonContext) {
    const got = byName('set', raw, ctx)
    const ms = got.get('--match-set')
    if (!ms) ctx.fail('set: you must specify --match-set NAME src|dst', raw[0])
    const name = value(ms)
    if (name.length > MAX_NAME)
      ctx.fail(`setname "${name}" too long, max ${MAX_NAME} characters.`, ms)
    const out: XtOption[] = [
      { name: '--match-set', negated: ms.negated, values: [name, dirs(ms, ctx)] },
    ]
    const rn = got.get('--return-nomatch')
    if (rn?.negated) ctx.fail('--return-nomatch flag cannot be inverted', rn)
    if (rn) out.push({ name: '--return-nomatch', negated: false, values: [] })
    // Without "!" these two flags are the default and store nothing.
    for (const n of ['--update-counters', '--update-subcounters']) {
      if (got.get(n)?.negated) out.push({ name: n, negated: true, values: [] })
    }
    return [...out, ...counter('set', got, 'packets', ctx), ...counter('set', got, 'bytes', ctx)]
  },
}
