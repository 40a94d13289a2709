/**
 * @module core/iproute2/link/details-text
 * The text form of a detail table (`info_data`, `info_slave_data`, the `-d` tail of a link):
 * written in table order by {@link detailsText}, read back in the same order by
 * {@link readDetails}. Reading walks the table once and never goes back, so a word out of
 * place is left over and reported by the caller.
 */
import { parseError } from '../../errors.js'
import { type JsonObject, type JsonValue, numberOf, RawNumber } from '../json/value.js'
import type { DetailField } from './kinds.js'

/** `%4i.%.2i`: the text form of a bridge timer kept as JSON `%i.%.2i`. */
export function timerText(v: JsonValue | undefined): string {
  const t = v instanceof RawNumber ? v.text : typeof v === 'number' ? v.toFixed(2) : '0.00'
  const [int = '0', frac = '00'] = t.split('.')
  return `${int.padStart(4)}.${frac}`
}

export function valueText(v: JsonValue | undefined): string {
  if (v instanceof RawNumber) return v.text
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v)
  return ''
}

/** The words `fields` print for `data`, each followed by a space. */
export function detailsText(fields: readonly DetailField[], data: JsonObject): string {
  let out = ''
  for (const f of fields) {
    const v = data[f.from ?? f.key]
    if (v === undefined) continue
    const t = f.text
    if (t.form === 'value') {
      const s = valueText(v)
      const alias = t.alias?.[s]
      if (alias === null) continue
      out += `${t.word === '' ? '' : `${t.word} `}${alias ?? s} `
    } else if (t.form === 'onoff') out += `${t.word} ${v === true ? 'on' : 'off'} `
    else if (t.form === 'timer') out += `${t.word} ${timerText(v)} `
    else if (t.form === 'bool') {
      const word = v === true ? t.yes : t.no
      if (word !== '') out += `${word} `
    } else if (t.form === 'range' && typeof v === 'object' && v !== null && !Array.isArray(v)) {
      const r = v as JsonObject
      out += `${t.word} ${valueText(r.low)} ${valueText(r.high)} `
    }
  }
  return out
}

/** A line being read word by word, for located errors. */
export class Words {
  readonly words: readonly { readonly text: string; readonly col: number }[]
  pos = 0
  private lastCol = 1

  constructor(
    readonly line: string,
    readonly lineNo: number,
    from = 0,
  ) {
    const words: { text: string; col: number }[] = []
    const re = /\S+/g
    re.lastIndex = from
    for (let m = re.exec(line); m; m = re.exec(line)) words.push({ text: m[0], col: m.index + 1 })
    this.words = words
  }

  peek(offset = 0): string | undefined {
    return this.words[this.pos + offset]?.text
  }

  next(what: string): string {
    const w = this.words[this.pos]
    if (w === undefined) throw this.fail(`expected ${what} at the end of the line`)
    this.pos++
    this.lastCol = w.col
    return w.text
  }

  done(): boolean {
    return this.pos >= this.words.length
  }

  /** An error at the next word (the one that does not fit). */
  fail(message: string, hint?: string) {
    const col = this.words[this.pos]?.col ?? this.line.length + 1
    return parseError(message, this.lineNo, col, this.line, hint)
  }

  /** An error at the word just read (its value is wrong). */
  failLast(message: string, hint?: string) {
    return parseError(message, this.lineNo, this.lastCol, this.line, hint)
  }

  /** The next words, if they are exactly `phrase` (`ttl inherit`), consumed. */
  take(phrase: string): boolean {
    const parts = phrase.split(' ')
    if (parts.some((p, i) => this.peek(i) !== p)) return false
    this.pos += parts.length
    return true
  }
}

/** A word as the JSON value of a field of type `type` (a count is a number, a name a string). */
export function typed(w: Words, word: string, type: string): JsonValue {
  if (type === 'num' || (type === 'num|str' && /^[0-9]+$/.test(word))) {
    if (!/^-?[0-9]+$/.test(word)) throw w.failLast(`"${word}" is not a number`)
    const n = Number(word)
    return Number.isSafeInteger(n) ? n : new RawNumber(word)
  }
  return word
}

function readValue(
  w: Words,
  f: DetailField,
  t: Extract<DetailField['text'], { form: 'value' }>,
): JsonValue | undefined {
  if (t.word === '') {
    const word = w.peek()
    if (word === undefined || !['ipip', 'ip6ip', 'mplsip', 'any'].includes(word)) return undefined
    return w.next(f.key)
  }
  if (!w.take(t.word)) return undefined
  const word = w.next(`a value for ${t.word}`)
  const original = Object.entries(t.alias ?? {}).find(([, a]) => a === word)?.[0]
  return typed(w, original ?? word, f.type)
}

function readOne(w: Words, f: DetailField): JsonValue | undefined {
  const t = f.text
  if (t.form === 'value') return readValue(w, f, t)
  if (t.form === 'onoff') {
    if (!w.take(t.word)) return undefined
    const v = w.next(`on or off after ${t.word}`)
    if (v !== 'on' && v !== 'off') throw w.failLast(`${t.word} must be on or off`)
    return v === 'on'
  }
  if (t.form === 'timer') {
    if (!w.take(t.word)) return undefined
    const v = w.next(`a time after ${t.word}`)
    if (!/^[0-9]+\.[0-9]{2}$/.test(v)) throw w.failLast(`"${v}" is not a timer value`)
    return new RawNumber(v)
  }
  if (t.form === 'bool') {
    if (t.yes !== '' && w.take(t.yes)) return true
    if (t.no !== '' && w.take(t.no)) return false
    // "learning" is printed only as "nolearning": its absence means on.
    return t.yes === '' ? true : undefined
  }
  if (t.form === 'range') {
    if (!w.take(t.word)) return undefined
    const low = typed(w, w.next('the low port'), 'num')
    const high = typed(w, w.next('the high port'), 'num')
    return { low, high }
  }
  return undefined
}

/** Read `fields` in order from `w`; returns what was found (text-only fields checked, not kept). */
export function readDetails(w: Words, fields: readonly DetailField[]): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {}
  for (const f of fields) {
    const v = readOne(w, f)
    if (v === undefined) continue
    if (f.from !== undefined) {
      if (numberOf(out[f.from]) !== numberOf(v) && out[f.from] !== v) {
        throw w.fail(`${f.key.slice(1)} disagrees with ${f.from}`)
      }
      continue
    }
    out[f.key] = v
  }
  return out
}
