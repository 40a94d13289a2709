/**
 * @module core/iproute2/json/print
 * JSON text as iproute2's `json_writer.c` writes it with `-j` (not `-p`): no whitespace at all,
 * and strings escaped the way `jsonw_puts` does: `\t \n \r \f \b \\ \"` only, every other
 * character (non-ASCII, other control characters) written as it is.
 */
import { isJsonArray, type JsonValue, RawNumber } from './value.js'

const ESCAPES: Readonly<Record<string, string>> = {
  '\t': '\\t',
  '\n': '\\n',
  '\r': '\\r',
  '\f': '\\f',
  '\b': '\\b',
  '\\': '\\\\',
  '"': '\\"',
}

export function jsonString(s: string): string {
  return `"${s.replace(/[\t\n\r\f\b\\"]/g, (c) => ESCAPES[c] ?? c)}"`
}

/** One value, compact. */
export function printJsonValue(v: JsonValue): string {
  if (v === null) return 'null'
  if (typeof v === 'boolean' || typeof v === 'number') return String(v)
  if (typeof v === 'string') return jsonString(v)
  if (v instanceof RawNumber) return v.text
  if (isJsonArray(v)) return `[${v.map(printJsonValue).join(',')}]`
  // `@` keys hold what only the text listing shows; iproute2 never prints one as JSON.
  return `{${Object.entries(v)
    .filter(([k]) => !k.startsWith('@'))
    .map(([k, x]) => `${jsonString(k)}:${printJsonValue(x)}`)
    .join(',')}}`
}

/** A whole `ip -j …` / `bridge -j …` listing: one array and a newline. */
export function printJsonListing(items: readonly JsonValue[]): string {
  return `${printJsonValue(items)}\n`
}
