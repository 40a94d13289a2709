/**
 * @module core/netfilter/xt/modules/extra/time
 * `-m time` (libxt_time). Times of day print as `hh:mm:ss` (both ends when either was given),
 * month days as a list, week days as names, dates in ISO 8601 with a `T`, UTC. Quirks kept from
 * iptables 1.8.9:
 * - `--datestop` defaults to INT_MAX and is always printed (`2038-01-19T03:14:07`): the save
 *   code compares it with LONG_MAX;
 * - each list item is cut to 2 (month days) or 3 (week days) characters before it is read, and
 *   week day names match on their first two letters;
 * - `! --weekdays` / `! --monthdays` store the complement; `--localtz` is `--kerneltz`, `--utc`
 *   is the default and prints nothing.
 */
import type { XtOption } from '../../../rule.js'
import { type CanonContext, opt, type RawOption } from '../../types.js'
import { strtoul } from './lib/cnum.js'
import { defineModule } from './lib/define.js'
import type { Opts } from './lib/options.js'
import { arg } from './lib/xtopt.js'

const ALL_MONTHDAYS = 0xfffffffe
const ALL_WEEKDAYS = 0xfe
const MAX_DAYTIME = 24 * 60 * 60 - 1
const INT_MAX = 2147483647
const WEEKDAYS = ['', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']

/** `time_parse_date`: YYYY[-MM[-DD[Thh[:mm[:ss]]]]] in UTC, normalised as mktime does. */
function parseDate(o: RawOption, ctx: CanonContext): number {
  const s = arg(o)
  const bad = (): never =>
    ctx.fail(
      `invalid date "${s}" specified, should be YYYY[-MM[-DD[Thh[:mm[:ss]]]]]`,
      o,
      'e.g. 2024-01-31T08:00:00',
    )
  const f = [1970, 1, 1, 0, 0, 0]
  const seps = ['-', '-', 'T', ':', ':', '']
  const limits = [2038, 12, 31, 23, 59, 59]
  let pos = 0
  for (let k = 0; k < 6; k++) {
    const r = strtoul(s, 10, pos)
    const v = Number(r.value)
    const next = s[r.end]
    if (
      (next !== seps[k] && next !== undefined) ||
      v > (limits[k] as number) ||
      (k === 0 && v < 1970)
    )
      bad()
    f[k] = v
    if (next === undefined) break
    pos = r.end + 1
  }
  const [y, mo, d, h, mi, se] = f as [number, number, number, number, number, number]
  return Math.floor(Date.UTC(y, mo - 1, d, h, mi, se) / 1000)
}

/** `time_parse_minutes`: hh:mm[:ss] to seconds since midnight. */
function parseDaytime(o: RawOption, ctx: CanonContext): number {
  const s = arg(o)
  const bad = (): never =>
    ctx.fail(
      `invalid time "${s}" specified, should be hh:mm[:ss] format and within the boundaries`,
      o,
      'e.g. 08:30 or 23:59:59',
    )
  const h = strtoul(s, 10)
  if (s[h.end] !== ':' || h.value > 23n) bad()
  const m = strtoul(s, 10, h.end + 1)
  const afterM = s[m.end]
  if ((afterM !== ':' && afterM !== undefined) || m.value > 59n) bad()
  let sec = 0n
  if (afterM === ':') {
    const x = strtoul(s, 10, m.end + 1)
    if (x.end !== s.length || x.value > 59n) bad()
    sec = x.value
  }
  return Number(h.value * 3600n + m.value * 60n + sec)
}

/** `my_strseg`: comma-separated items, each cut to `width` characters; stops at an empty rest. */
function items(s: string, width: number): string[] {
  const out: string[] = []
  let rest: string | undefined = s
  while (rest !== undefined && rest !== '') {
    const comma: number = rest.indexOf(',')
    out.push((comma < 0 ? rest : rest.slice(0, comma)).slice(0, width))
    rest = comma < 0 ? undefined : rest.slice(comma + 1)
  }
  return out
}

function parseMonthdays(o: RawOption, ctx: CanonContext): number {
  let mask = 0
  for (const day of items(arg(o), 2)) {
    const r = strtoul(day, 0)
    if ((r.end !== day.length && day[r.end] !== ',') || r.value > 31n) {
      ctx.fail(`${day} is not a valid day for --monthdays`, o, 'give days 1 to 31')
    }
    mask |= 2 ** Number(r.value)
  }
  return mask >>> 0
}

function parseWeekdays(o: RawOption, ctx: CanonContext): number {
  let mask = 0
  for (const day of items(arg(o), 3)) {
    const r = strtoul(day, 0)
    if (r.end === day.length) {
      if (r.value === 0n)
        ctx.fail('no, the week does NOT begin with Sunday', o, 'Monday is 1, Sunday is 7')
      mask |= Number(1n << (r.value & 31n))
      continue
    }
    const hits = WEEKDAYS.map((w, i) =>
      i > 0 && day.slice(0, 2) === w.slice(0, 2) && day.length >= 2 ? i : 0,
    ).filter((i) => i > 0)
    if (hits.length === 0)
      ctx.fail(`${day} is not a valid day specifier`, o, 'use Mon,Tue,Wed,Thu,Fri,Sat,Sun or 1-7')
    for (const i of hits) mask |= 1 << i
  }
  // weekdays_match is a __u8 in struct xt_time_info.
  return mask & 0xff
}

const two = (n: number) => String(n).padStart(2, '0')

function formatDaytime(t: number): string {
  return `${two(Math.floor(t / 3600))}:${two(Math.floor(t / 60) % 60)}:${two(t % 60)}`
}

function formatDate(t: number): string {
  const d = new Date(t * 1000)
  const date = `${String(d.getUTCFullYear()).padStart(4, '0')}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())}`
  return `${date}T${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`
}

interface TimeInfo {
  dateStart: number
  dateStop: number
  start: number
  stop: number
  monthdays: number
  weekdays: number
}

function save(t: TimeInfo, o: Opts): XtOption[] {
  const out: XtOption[] = []
  if (t.start !== 0 || t.stop !== MAX_DAYTIME) {
    out.push(
      opt('--timestart', [formatDaytime(t.start)]),
      opt('--timestop', [formatDaytime(t.stop)]),
    )
  }
  if (t.monthdays !== ALL_MONTHDAYS) {
    const days = Array.from({ length: 31 }, (_, i) => i + 1).filter((i) => (t.monthdays >>> i) & 1)
    out.push(opt('--monthdays', [days.join(',')]))
  }
  if (t.weekdays !== ALL_WEEKDAYS) {
    const days = WEEKDAYS.filter((_, i) => i > 0 && (t.weekdays >>> i) & 1)
    out.push(opt('--weekdays', [days.join(',')]))
  }
  if (t.dateStart !== 0) out.push(opt('--datestart', [formatDate(t.dateStart)]))
  if (t.dateStop !== 0) out.push(opt('--datestop', [formatDate(t.dateStop)]))
  if (o.has('--kerneltz')) out.push(opt('--kerneltz'))
  if (o.has('--contiguous')) out.push(opt('--contiguous'))
  return out
}

export const timeMatch = defineModule({
  name: 'time',
  kind: 'match',
  options: [
    { names: ['--datestart'] },
    { names: ['--datestop'] },
    { names: ['--timestart'] },
    { names: ['--timestop'] },
    { names: ['--contiguous'], arity: 0 },
    { names: ['--weekdays'], invert: true },
    { names: ['--monthdays'], invert: true },
    { names: ['--kerneltz', '--localtz'], arity: 0, excl: ['--utc'] },
    { names: ['--utc'], arity: 0, excl: ['--kerneltz'] },
  ],
  canon(o: Opts, ctx: CanonContext) {
    const t: TimeInfo = {
      dateStart: 0,
      dateStop: INT_MAX,
      start: 0,
      stop: MAX_DAYTIME,
      monthdays: ALL_MONTHDAYS,
      weekdays: ALL_WEEKDAYS,
    }
    for (const x of o.list) {
      if (x.canonical === '--datestart') t.dateStart = parseDate(x, ctx)
      else if (x.canonical === '--datestop') t.dateStop = parseDate(x, ctx)
      else if (x.canonical === '--timestart') t.start = parseDaytime(x, ctx)
      else if (x.canonical === '--timestop') t.stop = parseDaytime(x, ctx)
      else if (x.canonical === '--monthdays')
        t.monthdays = (parseMonthdays(x, ctx) ^ (x.negated ? ALL_MONTHDAYS : 0)) >>> 0
      else if (x.canonical === '--weekdays')
        t.weekdays = (parseWeekdays(x, ctx) ^ (x.negated ? ALL_WEEKDAYS : 0)) >>> 0
    }
    const c = o.get('--contiguous')
    if (c && t.start < t.stop) {
      ctx.fail(
        'time: --contiguous only makes sense when stoptime is smaller than starttime',
        c,
        'drop --contiguous',
      )
    }
    return save(t, o)
  },
})
