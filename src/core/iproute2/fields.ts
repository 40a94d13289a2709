/**
 * @module core/iproute2/fields
 * Key tables: which keys iproute2 prints for an object, in the order its C code prints them,
 * and what type each value has. One table serves three purposes:
 *
 * - **checking** a parsed object (an unknown key is refused, never dropped; a value of the wrong
 *   type is a located parse error);
 * - **merging** what the model holds with the kept extra fields back into print order;
 * - documenting the listing (each table cites the iproute2 6.1 function it follows).
 *
 * Keys starting with `@` are kpath's own: facts only the text form shows (the `link-netns`
 * name, `ttl inherit`), never printed as JSON.
 */
import { KpathError } from '../errors.js'
import {
  isJsonArray,
  isJsonObject,
  type JsonObject,
  type JsonValue,
  RawNumber,
} from './json/value.js'

export type FieldType = 'str' | 'num' | 'bool' | 'null' | 'arr' | 'obj' | 'num|str' | 'str|null'

export interface Field {
  readonly key: string
  readonly type: FieldType
}

/** Fields in print order. */
export type FieldTable = readonly Field[]

/** `table('a:str', 'b:num')`: a compact way to write a table. */
export function table(...specs: readonly string[]): FieldTable {
  return specs.map((s) => {
    const at = s.lastIndexOf(':')
    return { key: s.slice(0, at), type: s.slice(at + 1) as FieldType }
  })
}

/** Something that can turn a complaint about `container[key]` into a located error. */
export interface Locator {
  /** A located KPATH_PARSE error: the input is not what iproute2 prints. */
  error(
    message: string,
    container: JsonObject | readonly JsonValue[],
    key?: string | number,
    hint?: string,
  ): KpathError
  /** A located KPATH_UNSUPPORTED error: iproute2 prints this, kpath does not model it. */
  refuse(
    message: string,
    container: JsonObject | readonly JsonValue[],
    key?: string | number,
    hint?: string,
  ): KpathError
}

function typeOf(v: JsonValue): FieldType {
  if (v === null) return 'null'
  if (typeof v === 'boolean') return 'bool'
  if (typeof v === 'number' || v instanceof RawNumber) return 'num'
  if (typeof v === 'string') return 'str'
  return isJsonArray(v) ? 'arr' : 'obj'
}

function fits(v: JsonValue, type: FieldType): boolean {
  const t = typeOf(v)
  return type.split('|').includes(t)
}

/**
 * Refuse keys the table does not know (kpath would not know where to print them) and values of
 * the wrong type.
 */
export function checkObject(loc: Locator, obj: JsonObject, fields: FieldTable, what: string): void {
  const types = new Map(fields.map((f) => [f.key, f.type]))
  for (const [key, v] of Object.entries(obj)) {
    const type = types.get(key)
    if (type === undefined) {
      throw loc.refuse(
        `unknown key "${key}" in ${what}`,
        obj,
        key,
        'kpath reads what iproute2 6.1 prints; a newer iproute2 or an option like -s adds keys it does not know',
      )
    }
    if (!fits(v, type)) throw loc.error(`"${key}" of ${what} must be ${describe(type)}`, obj, key)
  }
}

function describe(type: FieldType): string {
  const words: Record<string, string> = {
    str: 'a string',
    num: 'a number',
    bool: 'true or false',
    null: 'null',
    arr: 'an array',
    obj: 'an object',
  }
  return type
    .split('|')
    .map((t) => words[t] ?? t)
    .join(' or ')
}

/**
 * The object iproute2 would print: every key of `fields` that one of `parts` has, in table
 * order; earlier parts win (the model first, then the kept extra fields).
 */
export function ordered(
  fields: FieldTable,
  ...parts: readonly (JsonObject | undefined)[]
): JsonObject {
  const out: Record<string, JsonValue> = {}
  const known = new Set(fields.map((f) => f.key))
  for (const part of parts) {
    for (const key of Object.keys(part ?? {})) {
      if (!known.has(key))
        throw new KpathError('KPATH_UNSUPPORTED', `no place for key "${key}" in this listing`)
    }
  }
  for (const { key } of fields) {
    for (const part of parts) {
      const v = part?.[key]
      if (v !== undefined) {
        out[key] = v
        break
      }
    }
  }
  return out
}

/** A string field, or undefined when absent or of another type. */
export function str(obj: JsonObject, key: string): string | undefined {
  const v = obj[key]
  return typeof v === 'string' ? v : undefined
}

/** A number field (raw or not), or undefined when absent or of another type. */
export function num(obj: JsonObject, key: string): number | undefined {
  const v = obj[key]
  if (typeof v === 'number') return v
  return v instanceof RawNumber ? Number(v.text) : undefined
}

export function obj(o: JsonObject, key: string): JsonObject | undefined {
  const v = o[key]
  return isJsonObject(v) ? v : undefined
}

export function arr(o: JsonObject, key: string): readonly JsonValue[] | undefined {
  const v = o[key]
  return isJsonArray(v) ? v : undefined
}

/** Strings of an array field (flags, states); a non-string element is a located error. */
export function strings(loc: Locator, o: JsonObject, key: string, what: string): readonly string[] {
  const a = arr(o, key) ?? []
  return a.map((v, i) => {
    if (typeof v !== 'string') throw loc.error(`${key}[${i}] of ${what} must be a string`, a, i)
    return v
  })
}
