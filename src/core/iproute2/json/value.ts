/**
 * @module core/iproute2/json/value
 * The JSON values iproute2 prints, kept exactly enough to print them back byte for byte.
 * Objects keep their key order (iproute2 prints keys in the order its C code calls
 * `print_*`); numbers whose text a JS number would not reproduce (`0.00`, 64-bit counters) are
 * kept as {@link RawNumber}s.
 */

/** A JSON number kept as the text iproute2 printed (`"%i.%.2i"` timers, u64 counters). */
export class RawNumber {
  constructor(readonly text: string) {}
}

export type JsonValue =
  | null
  | boolean
  | number
  | string
  | RawNumber
  | readonly JsonValue[]
  | JsonObject

export interface JsonObject {
  readonly [key: string]: JsonValue
}

export function isJsonObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof RawNumber)
}

export function isJsonArray(v: JsonValue | undefined): v is readonly JsonValue[] {
  return Array.isArray(v)
}

/** The number a value stands for, whether it was kept as a JS number or as raw text. */
export function numberOf(v: JsonValue | undefined): number | undefined {
  if (typeof v === 'number') return v
  if (v instanceof RawNumber) return Number(v.text)
  return undefined
}

/** A copy of `obj` without `keys` (what stays once the model has taken its fields). */
export function omitKeys(obj: JsonObject, keys: readonly string[]): JsonObject {
  const out: Record<string, JsonValue> = {}
  for (const [k, v] of Object.entries(obj)) if (!keys.includes(k)) out[k] = v
  return out
}
