/**
 * @module core/netfilter/xt/modules/extra/hashlimit-bytes
 * Byte rates of `-m hashlimit` (libxt_hashlimit revision 3). The kernel stores a byte rate as a
 * cost: `UINT32_MAX / (bytes / 16 + 1)`, so rates are rounded to 16-byte steps (`100b/s` reads
 * back as `96b/s`). iptables-save prints the rate in the largest unit (m, k or none) that gives
 * back the same cost, and the burst, a multiple of the rate, in the largest unit it reaches.
 */
import type { XtOption } from '../../../rule.js'
import { type CanonContext, opt, type RawOption } from '../../types.js'
import { atoll, UINT32_MAX, u32, u64 } from './lib/cnum.js'

const BYTE_SHIFT = 4n

export function costToBytes(cost: bigint): bigint {
  const r = cost !== 0n ? UINT32_MAX / cost : UINT32_MAX
  return u64((r - 1n) << BYTE_SHIFT)
}

export function bytesToCost(bytes: bigint): bigint {
  const r = u32(bytes >> BYTE_SHIFT)
  return UINT32_MAX / u32(r + 1n)
}

/** The k and m suffixes of byte rates and bursts. */
export const FACTOR: Readonly<Record<string, bigint>> = { m: 1024n * 1024n, k: 1024n }

/** `parse_bytes`: `N[k|m]b/s`; undefined when the text is not a byte rate. */
export function byteRate(text: string, o: RawOption, ctx: CanonContext): bigint | undefined {
  const at = text.indexOf('b/s')
  if (at <= 0) return undefined
  const r = u64(atoll(text))
  if (r === 0n) return undefined
  const cost = bytesToCost(u64(r * (FACTOR[text[at - 1] as string] ?? 1n)))
  if (cost === 0n) ctx.fail(`rate too high "${text}"`, o, 'lower the byte rate')
  return cost
}

/** `print_bytes`: the rate option and the burst, and the default expiry they imply. */
export function bytesOptions(
  avg: bigint,
  burst: bigint,
  name: string,
): { readonly opts: XtOption[]; readonly quantum: bigint } {
  const units = [
    ['m', 1048576n],
    ['k', 1024n],
    ['', 1n],
  ] as const
  const r = costToBytes(avg)
  const exact =
    units.find(([, t]) => t === 1n || (r >= t && bytesToCost(r & ~(t - 1n)) === avg)) ?? units[2]
  const opts = [opt(name, [`${r / exact[1]}${exact[0]}b/s`])]
  if (burst === 0n) return { opts, quantum: 15000n }
  const total = r * burst
  const bu = units.find(([, t]) => total >= t) ?? units[2]
  opts.push(opt('--hashlimit-burst', [`${total / bu[1]}${bu[0]}b`]))
  return { opts, quantum: 60000n }
}
