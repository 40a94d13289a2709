/**
 * @module core/iproute2/json/parse
 * A JSON reader that remembers where every value came from, so that a listing which is valid
 * JSON but not what iproute2 prints (a string where `ip -j` prints a number, an unknown key)
 * can be reported at its line and column. It accepts any RFC 8259 text, plus the raw control
 * characters iproute2's `jsonw_puts` leaves unescaped; numbers keep their text when a JS
 * number would print differently (see {@link RawNumber}).
 */
import { KpathError, parseError } from '../../errors.js'
import { type JsonObject, type JsonValue, RawNumber } from './value.js'

type Container = JsonObject | readonly JsonValue[]

/** A parsed document and the positions of its values. */
export interface JsonDoc {
  readonly text: string
  readonly root: JsonValue
  /** A located parse error pointing at `container[key]` (or at the container). */
  error(message: string, container: Container, key?: string | number, hint?: string): KpathError
  /** The same, as KPATH_UNSUPPORTED: valid iproute2 output that kpath does not model. */
  refuse(message: string, container: Container, key?: string | number, hint?: string): KpathError
}

const MAX_DEPTH = 64

/**
 * @example
 * parseJsonDoc('[{"ifindex":1}]').root // [{ ifindex: 1 }]
 */
export function parseJsonDoc(text: string): JsonDoc {
  const reader = new Reader(text)
  reader.skipSpace()
  const root = reader.value(0)
  reader.skipSpace()
  if (reader.pos < text.length) throw reader.fail('text after the JSON value', reader.pos)
  const { keyPos, ownPos } = reader
  const offset = (container: Container, key?: string | number) =>
    (key === undefined ? undefined : keyPos.get(container)?.get(key)) ?? ownPos.get(container) ?? 0
  return {
    text,
    root,
    error: (message, container, key, hint) => locate(text, offset(container, key), message, hint),
    refuse: (message, container, key, hint) => {
      const e = locate(text, offset(container, key), message, hint)
      return new KpathError('KPATH_UNSUPPORTED', message, {
        ...(e.location ? { location: e.location } : {}),
        ...(hint === undefined ? {} : { hint }),
      })
    },
  }
}

/** A located parse error at character offset `at` of `text`. */
export function locate(text: string, at: number, message: string, hint?: string): KpathError {
  const lineStart = text.lastIndexOf('\n', at - 1) + 1
  const lineEnd = text.indexOf('\n', at)
  const line = text.slice(0, lineStart).split('\n').length
  const lineText = text.slice(lineStart, lineEnd < 0 ? text.length : lineEnd)
  return parseError(message, line, at - lineStart + 1, lineText, hint)
}

class Reader {
  pos = 0
  readonly keyPos = new WeakMap<object, Map<string | number, number>>()
  readonly ownPos = new WeakMap<object, number>()

  constructor(private readonly text: string) {}

  fail(message: string, at: number, hint?: string): KpathError {
    return locate(this.text, Math.min(at, this.text.length), message, hint)
  }

  skipSpace(): void {
    while (this.pos < this.text.length && ' \t\r\n'.includes(this.text.charAt(this.pos))) this.pos++
  }

  value(depth: number): JsonValue {
    if (depth > MAX_DEPTH) throw this.fail('JSON nested too deeply', this.pos)
    const c = this.text.charAt(this.pos)
    if (c === '{') return this.object(depth)
    if (c === '[') return this.array(depth)
    if (c === '"') return this.string()
    if (c === '-' || (c >= '0' && c <= '9')) return this.number()
    for (const [word, v] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length
        return v
      }
    }
    throw this.fail(
      c === '' ? 'unexpected end of JSON' : `unexpected ${JSON.stringify(c)} in JSON`,
      this.pos,
    )
  }

  private object(depth: number): JsonObject {
    const start = this.pos++
    const out: Record<string, JsonValue> = {}
    const positions = new Map<string | number, number>()
    this.skipSpace()
    if (this.text.charAt(this.pos) === '}') {
      this.pos++
      return this.own(out, start, positions)
    }
    for (;;) {
      this.skipSpace()
      const keyAt = this.pos
      if (this.text.charAt(this.pos) !== '"') throw this.fail('expected a key string', this.pos)
      const key = this.string()
      // JS objects put integer-like keys first, which would reorder them; iproute2 never prints one.
      if (/^(0|[1-9][0-9]*)$/.test(key))
        throw this.fail(`integer key ${key} is not iproute2 JSON`, keyAt)
      if (positions.has(key)) throw this.fail(`duplicate key "${key}"`, keyAt)
      this.skipSpace()
      this.expect(':')
      this.skipSpace()
      positions.set(key, keyAt)
      out[key] = this.value(depth + 1)
      this.skipSpace()
      if (this.text.charAt(this.pos) === ',') {
        this.pos++
        continue
      }
      this.expect('}')
      return this.own(out, start, positions)
    }
  }

  private array(depth: number): JsonValue[] {
    const start = this.pos++
    const out: JsonValue[] = []
    const positions = new Map<string | number, number>()
    this.skipSpace()
    if (this.text.charAt(this.pos) === ']') {
      this.pos++
      return this.own(out, start, positions)
    }
    for (;;) {
      this.skipSpace()
      positions.set(out.length, this.pos)
      out.push(this.value(depth + 1))
      this.skipSpace()
      if (this.text.charAt(this.pos) === ',') {
        this.pos++
        continue
      }
      this.expect(']')
      return this.own(out, start, positions)
    }
  }

  private own<T extends object>(v: T, at: number, positions: Map<string | number, number>): T {
    this.ownPos.set(v, at)
    this.keyPos.set(v, positions)
    return v
  }

  private expect(c: string): void {
    if (this.text.charAt(this.pos) !== c) {
      const got = this.text.charAt(this.pos)
      throw this.fail(
        `expected "${c}" but found ${got === '' ? 'the end' : JSON.stringify(got)}`,
        this.pos,
      )
    }
    this.pos++
  }

  private string(): string {
    const start = this.pos++
    let out = ''
    for (;;) {
      const c = this.text.charAt(this.pos)
      if (c === '') throw this.fail('unterminated string', start)
      this.pos++
      if (c === '"') return out
      if (c !== '\\') {
        out += c
        continue
      }
      out += this.escape()
    }
  }

  private escape(): string {
    const c = this.text.charAt(this.pos++)
    const simple: Record<string, string> = {
      '"': '"',
      '\\': '\\',
      '/': '/',
      b: '\b',
      f: '\f',
      n: '\n',
      r: '\r',
      t: '\t',
    }
    const s = simple[c]
    if (s !== undefined) return s
    if (c === 'u') {
      const hex = this.text.slice(this.pos, this.pos + 4)
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw this.fail('bad \\u escape', this.pos - 2)
      this.pos += 4
      return String.fromCharCode(Number.parseInt(hex, 16))
    }
    throw this.fail(`bad escape "\\${c}"`, this.pos - 2)
  }

  private number(): number | RawNumber {
    const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(
      this.text.slice(this.pos, this.pos + 64),
    )
    if (!m) throw this.fail('bad number', this.pos)
    const text = m[0]
    this.pos += text.length
    const n = Number(text)
    // Keep the text when the JS number would print otherwise (0.00, 2^64-1).
    return String(n) === text && Number.isSafeInteger(n) ? n : new RawNumber(text)
  }
}
