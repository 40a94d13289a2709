/**
 * @module core/ipset/member-opts
 * The words after an element (`timeout 30 packets 1 bytes 60 comment "x" nomatch`), checked
 * against the set's extensions and normalised to what `ipset save` prints:
 *
 * - order: timeout, nomatch, packets, bytes, comment, skbmark, skbprio, skbqueue;
 * - a timeout set prints every member's timeout (the set default when none was given);
 * - a counters set prints `packets N bytes N` for every member (0 when not given);
 * - skbinfo values print only when non-zero (ip_set_put_skbinfo sends non-zero ones only):
 *   `skbmark 0xMARK[/0xMASK]` (the mask when not 0xffffffff), `skbprio MAJ:MIN` in hex,
 *   `skbqueue N`.
 */
import type { CreateSpec } from './create-spec.js'
import { LineError } from './line-error.js'
import type { IpSetOption } from './model.js'
import { COUNTER_MAX, numberMessage, parseBounded, TIMEOUT_MAX, U16_MAX } from './numbers.js'
import type { Token } from './tokens.js'

export interface MemberOpts {
  readonly timeout?: number
  readonly packets?: bigint
  readonly bytes?: bigint
  readonly comment?: string
  readonly skbmark?: readonly [number, number]
  readonly skbprio?: readonly [number, number]
  readonly skbqueue?: number
  readonly nomatch: boolean
  /** list:set only: `before NAME` / `after NAME`. */
  readonly position?: {
    readonly where: 'before' | 'after'
    readonly ref: string
    readonly column: number
  }
  /** Where each option was written, for errors found later. */
  readonly columns: ReadonlyMap<string, number>
}

const WITH_VALUE = new Set([
  'timeout',
  'packets',
  'bytes',
  'comment',
  'skbmark',
  'skbprio',
  'skbqueue',
  'before',
  'after',
])

function bounded(t: Token, max: bigint): bigint {
  const r = parseBounded(t.text, max)
  if ('value' in r) return r.value
  throw new LineError(numberMessage(t.text, r), t.column)
}

function parseSkbmark(t: Token): readonly [number, number] {
  // ipset reads it with sscanf("0x%x/0x%x"): the 0x prefixes are required.
  const m = /^0x([0-9a-fA-F]{1,8})(?:\/0x([0-9a-fA-F]{1,8}))?$/.exec(t.text)
  if (!m) {
    throw new LineError(
      `invalid skbmark "${t.text}"`,
      t.column,
      'write 0xMARK or 0xMARK/0xMASK (ipset ignores whatever follows a malformed mask; kpath refuses it)',
    )
  }
  return [
    Number.parseInt(m[1] ?? '0', 16),
    m[2] === undefined ? 0xffffffff : Number.parseInt(m[2], 16),
  ]
}

function parseSkbprio(t: Token): readonly [number, number] {
  const m = /^(?:0x)?([0-9a-fA-F]{1,4}):(?:0x)?([0-9a-fA-F]{1,4})$/.exec(t.text)
  if (!m)
    throw new LineError(
      `invalid skbprio "${t.text}"`,
      t.column,
      'write MAJOR:MINOR in hex, each at most ffff',
    )
  return [Number.parseInt(m[1] ?? '0', 16), Number.parseInt(m[2] ?? '0', 16)]
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

function apply(o: Mutable<MemberOpts>, name: string, v: Token): void {
  switch (name) {
    case 'timeout':
      o.timeout = Number(bounded(v, TIMEOUT_MAX))
      break
    case 'packets':
      o.packets = bounded(v, COUNTER_MAX)
      break
    case 'bytes':
      o.bytes = bounded(v, COUNTER_MAX)
      break
    case 'comment':
      if (v.text === '') throw new LineError('comment needs a non-empty value', v.column)
      if (v.text.length > 255)
        throw new LineError('comment is longer than 255 characters', v.column)
      o.comment = v.text
      break
    case 'skbmark':
      o.skbmark = parseSkbmark(v)
      break
    case 'skbprio':
      o.skbprio = parseSkbprio(v)
      break
    case 'skbqueue':
      o.skbqueue = Number(bounded(v, U16_MAX))
      break
    default:
      o.position = { where: name === 'before' ? 'before' : 'after', ref: v.text, column: v.column }
  }
}

/** Parse the words after an element. `-exist`/`-!` are accepted and, like ipset 7.17 in restore mode, have no effect. */
export function parseMemberOpts(words: readonly Token[]): MemberOpts {
  const columns = new Map<string, number>()
  const o: Mutable<MemberOpts> = { nomatch: false, columns }
  for (let i = 0; i < words.length; i++) {
    const w = words[i] as Token
    if (w.text === '-exist' || w.text === '-!') continue
    if (columns.has(w.text)) throw new LineError(`option "${w.text}" is given twice`, w.column)
    columns.set(w.text, w.column)
    if (w.text === 'nomatch') {
      o.nomatch = true
      continue
    }
    if (!WITH_VALUE.has(w.text)) {
      throw new LineError(
        `unknown argument "${w.text}"`,
        w.column,
        `an element takes: ${[...WITH_VALUE, 'nomatch'].join(', ')}`,
      )
    }
    const v = words[++i]
    if (v === undefined || (v.text === '' && !v.quoted)) {
      throw new LineError(`missing value of option "${w.text}"`, w.column)
    }
    apply(o, w.text, v)
  }
  return o
}

function refuse(o: MemberOpts, name: string, what: string): never {
  throw new LineError(
    `${what} cannot be used: the set was created without ${what.toLowerCase()} support`,
    o.columns.get(name) ?? 0,
  )
}

function checkSupport(o: MemberOpts, spec: CreateSpec, nomatchType: boolean): void {
  if (o.timeout !== undefined && spec.timeout === undefined) refuse(o, 'timeout', 'Timeout')
  if (!spec.counters && (o.packets !== undefined || o.bytes !== undefined)) {
    refuse(o, o.packets !== undefined ? 'packets' : 'bytes', 'Counters')
  }
  if (o.comment !== undefined && !spec.comment) refuse(o, 'comment', 'Comment')
  const skb = (['skbmark', 'skbprio', 'skbqueue'] as const).find((n) => o[n] !== undefined)
  if (skb && !spec.skbinfo) refuse(o, skb, 'Skbinfo')
  if (o.nomatch && !nomatchType) {
    throw new LineError(
      '"nomatch" is not supported by this set type',
      o.columns.get('nomatch') ?? 0,
      'only hash:net* and hash:ip,port,net sets have nomatch elements',
    )
  }
}

/** The member's extensions in print order, with the set's defaults filled in. */
export function memberOptions(
  o: MemberOpts,
  spec: CreateSpec,
  nomatchType: boolean,
): IpSetOption[] {
  checkSupport(o, spec, nomatchType)
  const out: IpSetOption[] = []
  if (spec.timeout !== undefined)
    out.push({ name: 'timeout', value: String(o.timeout ?? spec.timeout) })
  if (spec.counters) {
    out.push(
      { name: 'packets', value: String(o.packets ?? 0n) },
      { name: 'bytes', value: String(o.bytes ?? 0n) },
    )
  }
  if (o.comment !== undefined) out.push({ name: 'comment', value: o.comment })
  const [mark, mask] = o.skbmark ?? [0, 0]
  if (mark !== 0 || mask !== 0) {
    const suffix = mask === 0xffffffff ? '' : `/0x${mask.toString(16)}`
    out.push({ name: 'skbmark', value: `0x${mark.toString(16)}${suffix}` })
  }
  const [maj, min] = o.skbprio ?? [0, 0]
  if (maj !== 0 || min !== 0)
    out.push({ name: 'skbprio', value: `${maj.toString(16)}:${min.toString(16)}` })
  if (o.skbqueue) out.push({ name: 'skbqueue', value: String(o.skbqueue) })
  return out
}

/** Words for {@link parseMemberOpts} from a model member (column 0: no source line). */
export function memberWords(options: readonly IpSetOption[], nomatch: boolean): Token[] {
  const words: Token[] = []
  for (const o of options) {
    words.push({ text: o.name, column: 0, quoted: false })
    if (o.value !== undefined)
      words.push({ text: o.value, column: 0, quoted: o.name === 'comment' })
  }
  if (nomatch) words.push({ text: 'nomatch', column: 0, quoted: false })
  return words
}

/** The text after an element on an `add` line: options with nomatch after the timeout. */
export function formatMemberTail(options: readonly IpSetOption[], nomatch: boolean): string {
  const words: string[] = []
  const push = (o: IpSetOption) => {
    words.push(o.name)
    if (o.value !== undefined) words.push(o.name === 'comment' ? `"${o.value}"` : o.value)
  }
  const timeout = options.find((o) => o.name === 'timeout')
  if (timeout) push(timeout)
  if (nomatch) words.push('nomatch')
  for (const o of options) if (o !== timeout) push(o)
  return words.length === 0 ? '' : ` ${words.join(' ')}`
}
