/**
 * @module core/netfilter/nft/time
 * Durations as nft prints them: days, hours, minutes, seconds and milliseconds, zero parts left
 * out (`10800s` is listed as `3h`, `90s` as `1m30s`, an expiry as `59m59s988ms`).
 */

const DURATION = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+)s)?(?:(\d+)ms)?$/

/** Is `text` a duration in nft's notation? */
export function isDuration(text: string): boolean {
  return text.length > 0 && DURATION.test(text)
}

/** The duration in seconds (milliseconds as a fraction), or undefined when it is not one. */
export function durationSeconds(text: string): number | undefined {
  const m = text.length > 0 ? DURATION.exec(text) : null
  if (!m) return undefined
  const [d, h, min, s, ms] = m.slice(1).map((x) => Number(x ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
  ]
  return d * 86400 + h * 3600 + min * 60 + s + ms / 1000
}

/** Seconds in nft's notation: 10800 → `3h`, 90 → `1m30s`, 0 → `0s`. */
export function formatDuration(seconds: number): string {
  let ms = Math.round(seconds * 1000)
  const parts: string[] = []
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const) {
    const n = Math.floor(ms / size)
    if (n > 0) parts.push(`${n}${unit}`)
    ms -= n * size
  }
  if (ms > 0) parts.push(`${ms}ms`)
  return parts.length === 0 ? '0s' : parts.join('')
}
