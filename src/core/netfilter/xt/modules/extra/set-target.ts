/**
 * @module core/netfilter/xt/modules/extra/set-target
 * `-j SET` (libxt_SET revision 3): add to, delete from, or read skb info from ipsets.
 * `--add-set`, `--del-set` and `--map-set` take a set name and a direction list (`src,dst,…`, up
 * to 6; an item counts as `src` when it starts with those three letters, else it must start with
 * `dst`). iptables-save prints add-set (with `--exist` and a non-default `--timeout`), del-set,
 * map-set and the map flags, in that order. Whether the set exists is a kernel lookup that
 * canonicalisation cannot make; map-set with marks is only valid in the mangle table (not
 * modelled either).
 */
import type { XtOption } from '../../../rule.js'
import { type CanonContext, opt, type RawOption } from '../../types.js'
import { xtStrtoul } from './lib/cnum.js'
import { defineModule } from './lib/define.js'
import type { Opts } from './lib/options.js'

const DIM_MAX = 6
const MAXNAMELEN = 32

/** `parse_target`: the set name and its direction list, re-printed. */
function setRef(o: RawOption, ctx: CanonContext): string[] {
  const [name = '', dirs] = o.values
  if (dirs === undefined || dirs.startsWith('-') || dirs.startsWith('!')) {
    ctx.fail(`${o.canonical} requires two args.`, o, `write ${o.canonical} SETNAME src[,dst…]`)
  }
  if (new TextEncoder().encode(name).length > MAXNAMELEN - 1) {
    ctx.fail(`setname \`${name}' too long, max ${MAXNAMELEN - 1} characters.`, o)
  }
  const items = dirs.split(',')
  if (items.length > DIM_MAX) ctx.fail(`can't be more src/dst options than ${DIM_MAX}.`, o)
  const flags = items.map((d) => {
    if (d.startsWith('src')) return 'src'
    if (d.startsWith('dst')) return 'dst'
    return ctx.fail(
      "you must specify (the comma separated list of) 'src' or 'dst'.",
      o,
      'e.g. src or src,dst',
    )
  })
  return [name, flags.join(',')]
}

function check(o: Opts, ctx: CanonContext): void {
  const add = o.has('--add-set')
  const map = o.has('--map-set')
  if (!add && !o.has('--del-set') && !map) {
    ctx.fail(
      "you must specify either `--add-set' or `--del-set' or `--map-set'",
      undefined,
      'add --add-set SET src',
    )
  }
  for (const [flag, needs] of [
    ['--exist', add],
    ['--timeout', add],
    ['--map-mark', map],
    ['--map-prio', map],
    ['--map-queue', map],
  ] as const) {
    const x = o.get(flag)
    if (x && !needs)
      ctx.fail(
        `${flag} can be used with ${flag.startsWith('--map') ? '--map-set' : '--add-set'} only`,
        x,
      )
  }
  if (map && !['--map-mark', '--map-prio', '--map-queue'].some((f) => o.has(f))) {
    ctx.fail(
      "you must specify flags `--map-mark' or `--map-prio' or `--map-queue'",
      o.get('--map-set'),
    )
  }
}

export const setTarget = defineModule({
  name: 'SET',
  kind: 'target',
  options: [
    { names: ['--add-set'], arity: 2 },
    { names: ['--del-set'], arity: 2 },
    { names: ['--exist'], arity: 0, multi: true },
    { names: ['--timeout'], multi: true },
    { names: ['--map-set'], arity: 2 },
    { names: ['--map-mark'], arity: 0, multi: true },
    { names: ['--map-prio'], arity: 0, multi: true },
    { names: ['--map-queue'], arity: 0, multi: true },
  ],
  canon(o: Opts, ctx: CanonContext) {
    const refs = new Map<string, string[]>()
    let timeout: bigint | undefined
    for (const x of o.list) {
      if (x.values.length === 2) refs.set(x.canonical, setRef(x, ctx))
      if (x.canonical === '--timeout') {
        timeout = xtStrtoul(x.values[0] ?? '', 0n, 0xfffffffen)
        if (timeout === undefined)
          ctx.fail('invalid value for option --timeout or out of range 0-4294967294', x)
      }
    }
    check(o, ctx)
    const out: XtOption[] = []
    const add = refs.get('--add-set')
    if (add) out.push(opt('--add-set', add))
    if (add && o.has('--exist')) out.push(opt('--exist'))
    if (add && timeout !== undefined) out.push(opt('--timeout', [String(timeout)]))
    for (const n of ['--del-set', '--map-set']) {
      const r = refs.get(n)
      if (r) out.push(opt(n, r))
    }
    for (const f of ['--map-mark', '--map-prio', '--map-queue']) if (o.has(f)) out.push(opt(f))
    return out
  },
})
