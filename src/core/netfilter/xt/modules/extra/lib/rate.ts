/**
 * @module core/netfilter/xt/modules/extra/lib/rate
 * Packet rates as `limit` and `hashlimit` read and print them (iptables 1.8.9 `parse_rate` and
 * `print_rate`). A rate `N/unit` becomes a period `scale * seconds(unit) / N`; printing picks
 * the largest unit that divides the period "well enough", which is why `60/min` comes back as
 * `1/sec` and `7/min` stays `7/min`.
 */
import { atoll } from './cnum.js'

/** Seconds per unit for the suffix after `/`: any prefix of second/minute/hour/day. */
export function rateUnit(rate: string): bigint | undefined {
  const slash = rate.indexOf('/')
  if (slash < 0) return 1n
  const unit = rate.slice(slash + 1).toLowerCase()
  if (unit === '') return undefined
  for (const [word, secs] of [
    ['second', 1n],
    ['minute', 60n],
    ['hour', 3600n],
    ['day', 86400n],
  ] as const) {
    if (word.startsWith(unit)) return secs
  }
  return undefined
}

/** The count before the unit, as `atoll` reads it (`5x/min` is 5, `0x10/sec` is 0). */
export function rateCount(rate: string): bigint {
  return atoll(rate)
}

const UNITS = [
  ['day', 86400n],
  ['hour', 3600n],
  ['min', 60n],
  ['sec', 1n],
] as const

/**
 * `print_rate`: the period as `N/unit`, and the unit's length in milliseconds (hashlimit uses it
 * as the default entry expiry). A period of 0 prints as `inf`.
 */
export function formatRate(
  period: bigint,
  scale: bigint,
): { readonly text: string; readonly unitMs: bigint } {
  if (period === 0n) return { text: 'inf', unitMs: 0n }
  let i = 1
  for (; i < UNITS.length; i++) {
    const mult = scale * (UNITS[i] as (typeof UNITS)[number])[1]
    if (period > mult || mult / period < mult % period) break
  }
  const [name, secs] = UNITS[i - 1] as (typeof UNITS)[number]
  return { text: `${(scale * secs) / period}/${name}`, unitMs: secs * 1000n }
}
