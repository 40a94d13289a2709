/**
 * @module core/netfilter/xt/modules/extra/hashlimit
 * `-m hashlimit` (libxt_hashlimit revision 3, xt_hashlimit): a `limit` per hash bucket. The rate
 * is packets (`N/unit`, period scaled by 10^6) or bytes (`Nb/s`, `Nkb/s`, `Nmb/s`, stored as a
 * cost in 16-byte steps). iptables-save prints every setting that differs from what the rate
 * implies: the burst always for packet rates, the entry expiry unless it equals the rate's unit
 * (or 15 s / 60 s for byte rates), masks unless they cover the whole address.
 *
 * Revision 3's `--hashlimit-rate-match` divides a packet period by the unit's length, so
 * `40/min` with it is saved as `40/sec --hashlimit-rate-interval 60`, as iptables does.
 */
import type { Family } from '../../../../net/ip.js'
import type { XtOption } from '../../../rule.js'
import { type CanonContext, opt, type RawOption } from '../../types.js'
import { byteRate, bytesOptions, costToBytes, FACTOR } from './hashlimit-bytes.js'
import { atoi, atoll, u32, u64, xtStrtoulPrefix } from './lib/cnum.js'
import { defineModule } from './lib/define.js'
import { plen } from './lib/inet.js'
import { Opts } from './lib/options.js'
import { formatRate, rateUnit } from './lib/rate.js'
import { arg, str, uint } from './lib/xtopt.js'

const SCALE = 1000000n
const MODE = { dstip: 1, dstport: 2, srcip: 4, srcport: 8 } as const
const INVERT = 16
const BYTES = 32
const RATE_MATCH = 64
const GC_DEFAULT = 1000n

interface Cfg {
  mode: number
  avg: bigint
  burst: bigint
  /** Seconds per unit of the rate (15 for byte rates): the default expiry. */
  mult: bigint
  interval: bigint
}

function setRate(cfg: Cfg, o: RawOption, invert: boolean, ctx: CanonContext): void {
  const text = arg(o)
  if (invert) cfg.mode |= INVERT
  const cost = byteRate(text, o, ctx)
  if (cost !== undefined) {
    cfg.mode |= BYTES
    cfg.avg = cost
    cfg.mult = 15n
    return
  }
  const unit = rateUnit(text)
  const count = u64(atoll(text))
  if (unit === undefined || count === 0n) {
    ctx.fail(
      `hashlimit: bad value for "${o.canonical}" option: "${text}"`,
      o,
      'write N/sec, N/min, N/hour, N/day or Nb/s, Nkb/s, Nmb/s',
    )
  }
  cfg.mult = unit
  cfg.avg = (SCALE * unit) / count
  if (cfg.avg === 0n)
    ctx.fail(`rate too fast "${text}"`, o, 'the highest packet rate is 1000000/sec')
}

/** `parse_burst`: a count, or bytes with a k/m suffix (any other suffix is ignored, as in C). */
function parseBurst(o: RawOption, ctx: CanonContext): bigint {
  const text = arg(o)
  const r = xtStrtoulPrefix(text, 1n)
  if (!r || (r.end === text.length && r.value > 1000000n)) {
    ctx.fail('bad value for option "--hashlimit-burst", or out of range (1-1000000)', o)
  }
  return u64(r.value * (FACTOR[text[r.end] ?? ''] ?? 1n))
}

function parseMode(o: RawOption, ctx: CanonContext): number {
  let mode = 0
  for (const tok of arg(o).split(/[,|]/)) {
    if (tok === '') continue
    const bit = MODE[tok as keyof typeof MODE]
    if (bit === undefined) {
      ctx.fail(
        `hashlimit: bad value for "--hashlimit-mode" option: "${arg(o)}"`,
        o,
        'use srcip, srcport, dstip and dstport, separated by commas',
      )
    }
    mode |= bit
  }
  return mode
}

/** `hashlimit_mt_check`: byte bursts become a multiple of the cost; rate-match rescales. */
function finish(cfg: Cfg, o: Opts, ctx: CanonContext): void {
  const burstOpt = o.get('--hashlimit-burst')
  if (cfg.mode & BYTES) {
    let burst = 0n
    if (burstOpt) {
      const unit = costToBytes(cfg.avg)
      if (cfg.burst < unit)
        ctx.fail(`burst cannot be smaller than ${unit}b`, burstOpt, `give at least ${unit}b`)
      burst = u32(cfg.burst) / unit
      if (cfg.burst % unit !== 0n) burst++
    }
    cfg.burst = burst
  } else if (cfg.burst > 1000000n) {
    ctx.fail('bad value for option "--hashlimit-burst", or out of range (1-1000000)', burstOpt)
  }
  if (cfg.mode & RATE_MATCH) {
    if (!(cfg.mode & BYTES)) cfg.avg /= cfg.mult
    if (cfg.interval === 0n) cfg.interval = cfg.mode & BYTES ? 1n : cfg.mult
  }
  // xt_hashlimit refuses a zero period (a fast rate divided down by --hashlimit-rate-match).
  if (cfg.avg === 0n)
    ctx.fail(
      'hashlimit: the kernel refuses this rate (its period is 0)',
      o.get('--hashlimit-upto') ?? o.get('--hashlimit-above'),
      'lower the rate',
    )
}

function read(o: Opts, ctx: CanonContext): Cfg {
  const cfg: Cfg = { mode: 0, avg: 0n, burst: 5n, mult: 1n, interval: 0n }
  for (const x of o.list) {
    if (x.canonical === '--hashlimit-upto') setRate(cfg, x, x.negated, ctx)
    else if (x.canonical === '--hashlimit-above') setRate(cfg, x, !x.negated, ctx)
    else if (x.canonical === '--hashlimit-burst') cfg.burst = parseBurst(x, ctx)
    else if (x.canonical === '--hashlimit-mode') cfg.mode |= parseMode(x, ctx)
    else if (x.canonical === '--hashlimit-rate-match') cfg.mode |= RATE_MATCH
    else if (x.canonical === '--hashlimit-rate-interval') {
      const n = atoi(arg(x))
      if (n <= 0)
        ctx.fail(
          `hashlimit: bad value for "--hashlimit-rate-interval" option: "${arg(x)}"`,
          x,
          'give a number of seconds',
        )
      cfg.interval = BigInt(n)
    }
  }
  if (!o.has('--hashlimit-upto') && !o.has('--hashlimit-above')) {
    ctx.fail(
      'you have to specify --hashlimit',
      undefined,
      'add --hashlimit-upto or --hashlimit-above',
    )
  }
  finish(cfg, o, ctx)
  return cfg
}

function save(cfg: Cfg, o: Opts, name: string, family: Family): XtOption[] {
  const rateName = cfg.mode & INVERT ? '--hashlimit-above' : '--hashlimit-upto'
  let out: XtOption[]
  let quantum: bigint
  if (cfg.mode & BYTES) ({ opts: out, quantum } = bytesOptions(cfg.avg, cfg.burst, rateName))
  else {
    const rate = formatRate(cfg.avg, SCALE)
    out = [opt(rateName, [rate.text]), opt('--hashlimit-burst', [String(cfg.burst)])]
    quantum = rate.unitMs
  }
  const modes = (['srcip', 'srcport', 'dstip', 'dstport'] as const).filter(
    (m) => cfg.mode & MODE[m],
  )
  if (modes.length > 0) out.push(opt('--hashlimit-mode', [modes.join(',')]))
  out.push(opt('--hashlimit-name', [name]))
  const num = (n: string) => {
    const x = o.get(n)
    return x ? BigInt(arg(x)) : undefined
  }
  for (const n of ['--hashlimit-htable-size', '--hashlimit-htable-max']) {
    const v = num(n)
    if (v !== undefined && v !== 0n) out.push(opt(n, [String(v)]))
  }
  const gc = num('--hashlimit-htable-gcinterval') ?? GC_DEFAULT
  if (gc !== GC_DEFAULT) out.push(opt('--hashlimit-htable-gcinterval', [String(gc)]))
  const expire =
    num('--hashlimit-htable-expire') ??
    (cfg.mode & BYTES && o.has('--hashlimit-burst') ? 60000n : cfg.mult * 1000n)
  if (expire !== quantum) out.push(opt('--hashlimit-htable-expire', [String(expire)]))
  const width = family === 4 ? 32 : 128
  for (const n of ['--hashlimit-srcmask', '--hashlimit-dstmask']) {
    const m = o.get(n)
    if (m && Number(arg(m)) !== width) out.push(opt(n, [arg(m)]))
  }
  if (cfg.mode & RATE_MATCH) {
    out.push(opt('--hashlimit-rate-match'))
    if (cfg.interval !== 1n) out.push(opt('--hashlimit-rate-interval', [String(cfg.interval)]))
  }
  return out
}

/** Numbers and masks, checked and normalised in place (save prints them as decimals). */
function normalise(o: Opts, ctx: CanonContext): Opts {
  const list = o.list.map((x) => {
    if (/^--hashlimit-htable-/.test(x.canonical))
      return { ...x, values: [String(uint('hashlimit', x, ctx, 32))] }
    if (x.canonical === '--hashlimit-srcmask' || x.canonical === '--hashlimit-dstmask') {
      const len = plen('hashlimit', x, arg(x), ctx.family, ctx)
      // xt_hashlimit refuses a mask longer than the address (a non-contiguous one reads as 255).
      if (len > (ctx.family === 4 ? 32 : 128))
        ctx.fail(
          `hashlimit: the kernel refuses ${x.canonical} ${arg(x)}`,
          x,
          'give a prefix length',
        )
      return { ...x, values: [String(len)] }
    }
    return x
  })
  return new Opts(list)
}

export const hashlimitMatch = defineModule({
  name: 'hashlimit',
  kind: 'match',
  options: [
    { names: ['--hashlimit-upto', '--hashlimit'], invert: true, excl: ['--hashlimit-above'] },
    { names: ['--hashlimit-above'], invert: true, excl: ['--hashlimit-upto'] },
    { names: ['--hashlimit-srcmask'] },
    { names: ['--hashlimit-dstmask'] },
    { names: ['--hashlimit-burst'] },
    { names: ['--hashlimit-htable-size'] },
    { names: ['--hashlimit-htable-max'] },
    { names: ['--hashlimit-htable-gcinterval'] },
    { names: ['--hashlimit-htable-expire'] },
    { names: ['--hashlimit-mode'] },
    { names: ['--hashlimit-name'], mand: true },
    { names: ['--hashlimit-rate-match'], arity: 0 },
    { names: ['--hashlimit-rate-interval'] },
  ],
  canon(raw: Opts, ctx: CanonContext) {
    const o = normalise(raw, ctx)
    const cfg = read(o, ctx)
    const nameOpt = o.get('--hashlimit-name')
    const name = nameOpt ? str(nameOpt, ctx, { min: 1, size: 255 }) : ''
    for (const n of ['--hashlimit-htable-gcinterval', '--hashlimit-htable-expire']) {
      const x = o.get(n)
      if (x && arg(x) === '0')
        ctx.fail(
          `hashlimit: the kernel refuses ${n} 0`,
          x,
          'give a positive number of milliseconds',
        )
    }
    return save(cfg, o, name, ctx.family)
  },
})
