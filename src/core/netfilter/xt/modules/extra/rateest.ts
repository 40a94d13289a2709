/**
 * @module core/netfilter/xt/modules/extra/rateest
 * Rate estimators: the target `-j RATEEST` (libxt_RATEEST) creates one, the match `-m rateest`
 * (libxt_rateest) compares its rate with a value (absolute mode) or with another estimator
 * (`--rateest1`/`--rateest2`, optionally `--rateest-delta`).
 *
 * RATEEST stores the interval as a power of two of quarter seconds and the averaging constant
 * as a power of two of the interval, so iptables-save prints the values they were rounded to
 * (`100ms` → `250.0ms`). The match stores byte rates in bytes/s and prints them as `bit`,
 * `Kbit` or `Mbit` of the equivalent bit rate (`10mbit` → `10000Kbit`); a number without a unit
 * is bits/s. Whether an estimator of that name exists is not checked.
 */
import type { XtOption } from '../../../rule.js'
import { type CanonContext, opt, type RawOption } from '../../types.js'
import { cFixed, strtod, xtStrtoul } from './lib/cnum.js'
import { defineModule } from './lib/define.js'
import type { Opts } from './lib/options.js'
import { arg, str } from './lib/xtopt.js'

const UNITS_PER_SEC = 1000000

/** `RATEEST_get_time`: a number of microseconds, with an optional s / ms / us unit. */
function time(o: RawOption, what: string, ctx: CanonContext): number {
  const s = arg(o)
  const r = strtod(s)
  if (r.end === 0) return ctx.fail(`RATEEST: bad ${what} value "${s}"`, o, 'e.g. 250ms or 1s')
  const unit = s.slice(r.end).toLowerCase()
  const mult = ['s', 'sec', 'secs'].includes(unit)
    ? 1e6
    : ['ms', 'msec', 'msecs'].includes(unit)
      ? 1e3
      : ['', 'us', 'usec', 'usecs'].includes(unit)
        ? 1
        : 0
  if (mult === 0)
    return ctx.fail(`RATEEST: bad ${what} value "${s}"`, o, 'use the units s, ms or us')
  return Math.trunc(r.value * mult) >>> 0
}

function printTime(t: number): string {
  if (t >= UNITS_PER_SEC) return `${cFixed(t / UNITS_PER_SEC, 1)}s`
  if (t >= UNITS_PER_SEC / 1000) return `${cFixed(t / 1000, 1)}ms`
  return `${t}us`
}

export const rateestTarget = defineModule({
  name: 'RATEEST',
  kind: 'target',
  options: [
    { names: ['--rateest-name'], mand: true },
    { names: ['--rateest-interval'], mand: true },
    { names: ['--rateest-ewmalog'], mand: true },
  ],
  canon(o: Opts, ctx: CanonContext) {
    const n = o.get('--rateest-name')
    const i = o.get('--rateest-interval')
    const e = o.get('--rateest-ewmalog')
    if (!n || !i || !e) return []
    const interval = time(i, 'interval', ctx)
    const ewma = time(e, 'ewmalog', ctx)
    let k = 0
    while (k <= 5 && interval > 2 ** k * (UNITS_PER_SEC / 4)) k++
    if (k > 5) ctx.fail('RATEEST: interval value is too large', i, 'at most 8s')
    let log = 1
    // `1 << log` is a C int: at 31 it is negative, which ends the search as in libxt_RATEEST.
    while (log < 32 && !(interval / -Math.log(1 - 1 / (1 << log)) > ewma)) log++
    log--
    if (log === 0 || log >= 31)
      ctx.fail(
        'RATEEST: ewmalog value is out of range',
        e,
        'give a longer averaging time than the interval',
      )
    const localInterval = (UNITS_PER_SEC * 2 ** k) / 4
    const localEwma = (localInterval * 2 ** log) >>> 0
    return [
      opt('--rateest-name', [str(n, ctx, { size: 16 })]),
      opt('--rateest-interval', [printTime(localInterval)]),
      opt('--rateest-ewmalog', [printTime(localEwma)]),
    ]
  },
})

/** `rateest_get_rate` suffixes (case-insensitive) and their scale to bits/s. */
const SUFFIXES: readonly (readonly [string, number])[] = [
  ['bit', 1],
  ['Kibit', 1024],
  ['kbit', 1000],
  ['Mibit', 1024 * 1024],
  ['mbit', 1e6],
  ['Gibit', 1024 ** 3],
  ['gbit', 1e9],
  ['Tibit', 1024 ** 4],
  ['tbit', 1e12],
  ['Bps', 8],
  ['KiBps', 8 * 1024],
  ['KBps', 8000],
  ['MiBps', 8 * 1024 * 1024],
  ['MBps', 8e6],
  ['GiBps', 8 * 1024 ** 3],
  ['GBps', 8e9],
  ['TiBps', 8 * 1024 ** 4],
  ['TBps', 8e12],
]

/** A rate in bytes/s, as the match stores it (a C double converted to u32). */
function byteRate(o: RawOption, text: string, ctx: CanonContext): number {
  const r = strtod(text)
  const unit = text.slice(r.end)
  const scale =
    unit === '' ? 1 : SUFFIXES.find(([n]) => n.toLowerCase() === unit.toLowerCase())?.[1]
  if (r.end === 0 || scale === undefined)
    return ctx.fail(`rateest: could not parse rate \`${text}'`, o, 'e.g. 10mbit or 1500000')
  return Math.trunc((r.value * scale) / 8) >>> 0
}

function printBps(bytes: number): string {
  const bits = bytes * 8
  if (bits >= 1e9) return `${cFixed(bits / 1e6, 0)}Mbit`
  if (bits >= 1e6) return `${cFixed(bits / 1e3, 0)}Kbit`
  return `${cFixed(bits, 0)}bit`
}

const NAME_OPTS = ['--rateest1', '--rateest2']
const RATE_OPTS = ['--rateest-bps1', '--rateest-pps1', '--rateest-bps2', '--rateest-pps2']
const MODE_OPTS = ['--rateest-lt', '--rateest-gt', '--rateest-eq']

interface MatchInfo {
  bps: [number, number]
  pps: [number, number]
  hasBps: boolean
  hasPps: boolean
  mode: RawOption | undefined
}

function readRates(o: Opts, ctx: CanonContext): MatchInfo {
  const info: MatchInfo = {
    bps: [0, 0],
    pps: [0, 0],
    hasBps: false,
    hasPps: false,
    mode: undefined,
  }
  for (const x of o.list) {
    if (MODE_OPTS.includes(x.canonical)) info.mode = x
    if (!RATE_OPTS.includes(x.canonical)) continue
    const pps = x.canonical.includes('pps')
    const slot = x.canonical.endsWith('1') ? 0 : 1
    if (pps) info.hasPps = true
    else info.hasBps = true
    const v = x.values[0]
    if (v === undefined) continue
    if (!pps) info.bps[slot] = byteRate(x, v, ctx)
    else {
      const n = xtStrtoul(v, 0n, 0xffffffffn)
      if (n === undefined)
        ctx.fail(`rateest: could not parse pps \`${v}'`, x, 'give packets per second')
      info.pps[slot] = Number(n)
    }
  }
  return info
}

/** `__rateest_save_rate` for bps or pps. */
function saveRate(
  name: 'bps' | 'pps',
  r: readonly [number, number],
  info: MatchInfo,
  delta: boolean,
  abs: boolean,
): XtOption[] {
  const fmt = (v: number) => (name === 'bps' ? printBps(v) : String(v))
  const m = info.mode as RawOption
  const mode = opt(m.canonical, [], m.negated)
  const out: XtOption[] = delta ? [opt(`--rateest-${name}1`, [fmt(r[0])]), mode] : [mode]
  const last = delta ? `--rateest-${name}2` : `--rateest-${name}`
  out.push(opt(last, abs || delta ? [fmt(r[1])] : []))
  return out
}

export const rateestMatch = defineModule({
  name: 'rateest',
  kind: 'match',
  options: [
    { names: ['--rateest1', '--rateest'] },
    { names: ['--rateest2'] },
    { names: ['--rateest-delta'], arity: 0 },
    { names: ['--rateest-bps1'], arity: 'optional' },
    { names: ['--rateest-pps1'], arity: 'optional' },
    { names: ['--rateest-bps2', '--rateest-bps'], arity: 'optional' },
    { names: ['--rateest-pps2', '--rateest-pps'], arity: 'optional' },
    ...MODE_OPTS.map((n) => ({ names: [n], arity: 0 as const, invert: true })),
  ],
  canon(o: Opts, ctx: CanonContext) {
    const info = readRates(o, ctx)
    const delta = o.has('--rateest-delta')
    const rel = o.has('--rateest2')
    // xt_rateest_mt_checkentry wants a rate kind and a comparison.
    if (!info.hasBps && !info.hasPps)
      return ctx.fail('rateest: the kernel wants --rateest-bps or --rateest-pps', o.list[0])
    if (!info.mode)
      return ctx.fail(
        'rateest: the kernel wants --rateest-lt, --rateest-gt or --rateest-eq',
        o.list[0],
      )
    const names = NAME_OPTS.map((n) => {
      const x = o.get(n)
      return x ? str(x, ctx, { size: 16 }) : ''
    })
    const out: XtOption[] = delta ? [opt('--rateest-delta')] : []
    out.push(opt(rel ? '--rateest1' : '--rateest', [names[0] as string]))
    if (info.hasBps) out.push(...saveRate('bps', info.bps, info, delta, !rel))
    if (info.hasPps) out.push(...saveRate('pps', info.pps, info, delta, !rel))
    if (rel) out.push(opt('--rateest2', [names[1] as string]))
    return out
  },
})
