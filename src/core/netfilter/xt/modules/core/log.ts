/**
 * @module core/netfilter/xt/modules/core/log
 * Logging targets: `LOG` (libxt_LOG.c), `NFLOG` (libxt_NFLOG.c) and `TRACE` (libxt_TRACE.c, no
 * options). Prefixes are copied into fixed kernel buffers (29 and 63 bytes), so longer ones are
 * cut; iptables-save quotes them like comments and leaves out defaults (level 4, threshold 0).
 */
import type { XtOption } from '../../../rule.js'
import type { CanonContext, RawOption, XtModule } from '../../types.js'
import { cutUtf8 } from './comment.js'
import { byName, exclusive, needUint, spec, uint, value } from './common.js'

/** `xtopt_parse_sysloglevel` names (error and panic are deprecated aliases). */
const LEVELS: Readonly<Record<string, number>> = {
  alert: 1,
  crit: 2,
  debug: 7,
  emerg: 0,
  error: 3,
  info: 6,
  notice: 5,
  panic: 0,
  warning: 4,
}
/** LOG_DEFAULT_LEVEL: LOG_WARNING. */
const DEFAULT_LEVEL = 4

function prefix(ext: string, o: RawOption, maxBytes: number, ctx: CanonContext): XtOption {
  const text = value(o)
  if (text.length === 0) ctx.fail(`${ext}: the prefix must have at least 1 character`, o)
  if (text.includes('\n')) ctx.fail('Newlines not allowed in --log-prefix', o)
  return { name: o.canonical, negated: false, values: [cutUtf8(text, maxBytes)], quote: true }
}

function level(o: RawOption, ctx: CanonContext): number {
  const text = value(o)
  const n = needUintOrName(text)
  if (n === undefined)
    ctx.fail(`log level "${text}" unknown`, o, `use 0-7 or ${Object.keys(LEVELS).join(', ')}`)
  return n
}

function needUintOrName(text: string): number | undefined {
  return uint(text, 0, 7) ?? LEVELS[text]
}

const LOG_FLAGS = [
  '--log-tcp-sequence',
  '--log-tcp-options',
  '--log-ip-options',
  '--log-uid',
  '--log-macdecode',
]

export const logTarget: XtModule = {
  name: 'LOG',
  kind: 'target',
  options: [spec('--log-level'), spec('--log-prefix'), ...LOG_FLAGS.map((f) => spec(f, 0))],
  canonicalize(raw: readonly RawOption[], ctx: CanonContext) {
    const got = byName('LOG', raw, ctx)
    const out: XtOption[] = []
    const p = got.get('--log-prefix')
    if (p) out.push(prefix('LOG', p, 29, ctx))
    const l = got.get('--log-level')
    const lv = l ? level(l, ctx) : DEFAULT_LEVEL
    if (lv !== DEFAULT_LEVEL)
      out.push({ name: '--log-level', negated: false, values: [String(lv)] })
    for (const f of LOG_FLAGS) if (got.has(f)) out.push({ name: f, negated: false, values: [] })
    return out
  },
}

export const nflogTarget: XtModule = {
  name: 'NFLOG',
  kind: 'target',
  options: [
    spec('--nflog-group'),
    spec('--nflog-prefix'),
    spec('--nflog-range'),
    spec('--nflog-size'),
    spec('--nflog-threshold'),
  ],
  canonicalize(raw: readonly RawOption[], ctx: CanonContext) {
    const got = byName('NFLOG', raw, ctx)
    exclusive('NFLOG', got, ['--nflog-range', '--nflog-size'], ctx)
    const out: XtOption[] = []
    const p = got.get('--nflog-prefix')
    if (p) out.push(prefix('NFLOG', p, 63, ctx))
    const num = (n: string, max: number) => {
      const o = got.get(n)
      return o ? needUint('NFLOG', o, value(o), 0, max, ctx) : undefined
    }
    const group = num('--nflog-group', 0xffff)
    if (group) out.push({ name: '--nflog-group', negated: false, values: [String(group)] })
    const size = num('--nflog-size', 0xffffffff)
    const range = num('--nflog-range', 0xffffffff)
    if (size !== undefined)
      out.push({ name: '--nflog-size', negated: false, values: [String(size)] })
    else if (range) out.push({ name: '--nflog-range', negated: false, values: [String(range)] })
    const threshold = num('--nflog-threshold', 0xffff)
    if (threshold !== undefined && threshold !== 0) {
      out.push({ name: '--nflog-threshold', negated: false, values: [String(threshold)] })
    }
    return out
  },
}

export const traceTarget: XtModule = {
  name: 'TRACE',
  kind: 'target',
  options: [],
  canonicalize() {
    return []
  },
}
