/**
 * @module core/kube/proxy/iptables/probability
 * `computeProbability(n)`: `1/n` printed with Go's `%0.10f`. Go rounds the exact binary value
 * half-to-even; JavaScript's `toFixed` breaks ties upwards, which differs for values such as
 * 1/2048 = 0.00048828125. We round the exact expansion ourselves.
 */

/** `x` (0 ≤ x < 1e21) with exactly `digits` decimals, rounded as Go's `%f` does. */
export function goFixed(x: number, digits: number): string {
  // toFixed(100) is the exact expansion for every double of interest (1/n needs < 100 digits).
  const exact = x.toFixed(100)
  const dot = exact.indexOf('.')
  const keep = exact.slice(0, dot + 1 + digits)
  const rest = exact.slice(dot + 1 + digits)
  const first = rest.charCodeAt(0) - 48
  const tail = rest.slice(1)
  const last = keep.charCodeAt(keep.length - 1) - 48
  const up = first > 5 || (first === 5 && (/[1-9]/.test(tail) || last % 2 === 1))
  if (!up) return keep
  // Add one unit in the last place, carrying through the digits.
  const scaled = BigInt(keep.replace('.', '')) + 1n
  const text = scaled.toString().padStart(keep.length - 1, '0')
  return `${text.slice(0, text.length - digits)}.${text.slice(text.length - digits)}`
}

const cache = new Map<number, string>()

/** The probability text of the rule that picks 1 of `n` remaining endpoints. */
export function probability(n: number): string {
  let text = cache.get(n)
  if (text === undefined) {
    text = goFixed(1 / n, 10)
    cache.set(n, text)
  }
  return text
}
