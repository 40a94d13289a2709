/**
 * @module core/ipset/create-spec
 * The create options of a set (`hashsize 1024 maxelem 65536 timeout 300 …`), parsed,
 * checked and normalised the way ipset 7.17 and the kernel do it, so that what kpath prints is
 * what `ipset save` would print after `ipset restore`:
 *
 * - `hashsize` is raised to at least 64 and rounded up to a power of two (jhash_size(fls(n-1)));
 * - `bucketsize` is clamped to 2..12 and rounded up to even (hash_gen.h, AHASH_MAX_SIZE);
 * - `initval` prints as `0x%08x`; `netmask` equal to the host mask and an all-ones `bitmask`
 *   are not printed; list:set `size` is at least 4 (IP_SET_LIST_MIN_SIZE);
 * - missing defaults are filled in: family inet, hashsize 1024, maxelem 65536, bucketsize 12,
 *   size 8. A missing `initval` stays missing: the kernel picks a random one.
 */
import { parseIPv4, parseIPv6 } from '../net/ip.js'
import { formatAddrValue, hostBits, prefixMask } from './element.js'
import { LineError } from './line-error.js'
import type { IpSetOption, IpSetType } from './model.js'
import { numberMessage, parseBounded, TIMEOUT_MAX, U32_MAX } from './numbers.js'
import type { Token } from './tokens.js'
import { typeInfo } from './types.js'

export interface CreateSpec {
  /** Hash types only. */
  readonly family?: 4 | 6
  readonly hashsize?: number
  readonly maxelem?: number
  readonly netmask?: number
  readonly bitmask?: bigint
  /** Default element timeout in seconds; present means the set has timeout support. */
  readonly timeout?: number
  readonly counters: boolean
  readonly comment: boolean
  readonly skbinfo: boolean
  readonly forceadd: boolean
  readonly bucketsize?: number
  readonly initval?: number
  /** bitmap:port: first and last port. */
  readonly range?: readonly [number, number]
  /** list:set. */
  readonly size?: number
}

const FLAGS = new Set(['counters', 'comment', 'skbinfo', 'forceadd'])

/** The options a type accepts on input (besides the family spellings of hash types). */
function allowed(type: IpSetType): ReadonlySet<string> {
  const names = new Set(typeInfo(type).createOrder)
  if (typeInfo(type).hash) names.add('family')
  if (type === 'bitmap:port') names.delete('forceadd')
  return names
}

interface RawOption {
  readonly name: string
  readonly value?: Token
  readonly at: Token
}

/** Pair words into options: `family` and friends take a value, flags take none. */
function collect(words: readonly Token[], type: IpSetType): RawOption[] {
  const ok = allowed(type)
  const out: RawOption[] = []
  const seen = new Set<string>()
  for (let i = 0; i < words.length; i++) {
    const w = words[i] as Token
    let name = w.text
    let value: Token | undefined
    if ((name === '-4' || name === '-6') && ok.has('family')) {
      value = { text: name === '-4' ? 'inet' : 'inet6', column: w.column, quoted: false }
      name = 'family'
    } else if (!ok.has(name)) {
      const hint = `${type} takes: ${[...ok].join(', ')}`
      throw new LineError(`unknown argument "${w.text}" for ${type}`, w.column, hint)
    } else if (!FLAGS.has(name)) {
      value = words[++i]
      if (value === undefined) throw new LineError(`option "${name}" needs a value`, w.column)
    }
    if (seen.has(name)) throw new LineError(`option "${name}" is given twice`, w.column)
    seen.add(name)
    out.push(value === undefined ? { name, at: w } : { name, value, at: w })
  }
  return out
}

function num(t: Token, max: bigint, min = 0n): number {
  const r = parseBounded(t.text, max, min)
  if ('value' in r) return Number(r.value)
  throw new LineError(numberMessage(t.text, r, min), t.column)
}

function nextPow2AtLeast64(n: number): number {
  let size = 64
  while (size < n) size *= 2
  return size
}

function parseRange(t: Token): readonly [number, number] {
  const m = /^([^-]+)-([^-]+)$/.exec(t.text)
  if (!m) {
    throw new LineError(
      `range must be FROM-TO, got "${t.text}"`,
      t.column,
      'bitmap:port needs both ends, e.g. range 0-1024',
    )
  }
  const a = num({ ...t, text: m[1] ?? '' }, 65535n)
  const b = num({ ...t, text: m[2] ?? '' }, 65535n)
  return a <= b ? [a, b] : [b, a]
}

function parseBitmask(t: Token, family: 4 | 6): bigint {
  const v = family === 4 ? parseIPv4(t.text) : parseIPv6(t.text)
  if (v === undefined)
    throw new LineError(`bitmask "${t.text}" is not an IPv${family} address`, t.column)
  const big = typeof v === 'bigint' ? v : BigInt(v)
  if (big === 0n) throw new LineError('bitmask must not be zero', t.column)
  return big
}

function familyOf(raw: readonly RawOption[], type: IpSetType): 4 | 6 | undefined {
  if (!typeInfo(type).hash) return undefined
  const f = raw.find((o) => o.name === 'family')?.value
  if (f === undefined || f.text === 'inet') return 4
  if (f.text === 'inet6') return 6
  throw new LineError(`family must be inet or inet6, got "${f.text}"`, f.column)
}

/** Parse and normalise the words after `create NAME TYPE`. */
export function parseCreateSpec(words: readonly Token[], type: IpSetType): CreateSpec {
  const raw = collect(words, type)
  const family = familyOf(raw, type)
  const get = (name: string) => raw.find((o) => o.name === name)?.value
  const has = (name: string) => raw.some((o) => o.name === name)
  if (has('netmask') && has('bitmask')) {
    const at = raw.find((o) => o.name === 'bitmask')?.at
    throw new LineError(
      'bitmask and netmask are mutually exclusive',
      at?.column ?? 0,
      'give only one of them',
    )
  }
  const spec: { -readonly [K in keyof CreateSpec]: CreateSpec[K] } = {
    counters: has('counters'),
    comment: has('comment'),
    skbinfo: has('skbinfo'),
    forceadd: has('forceadd'),
  }
  if (family !== undefined) {
    spec.family = family
    const hs = get('hashsize')
    // Above 2^31 buckets the kernel's table size overflows and create fails (htable_size).
    spec.hashsize = nextPow2AtLeast64(hs ? num(hs, 1n << 31n) : 1024)
    const me = get('maxelem')
    spec.maxelem = me ? num(me, U32_MAX) : 65536
    const bs = get('bucketsize')
    const b = bs ? num(bs, 255n) : 12
    spec.bucketsize = Math.min(12, Math.max(2, b % 2 === 1 ? b + 1 : b))
    const iv = get('initval')
    if (iv) spec.initval = num(iv, U32_MAX)
    const nm = get('netmask')
    if (nm) {
      spec.netmask = num(nm, BigInt(hostBits(family)), 1n)
      if (spec.netmask === hostBits(family)) spec.netmask = undefined
    }
    const bm = get('bitmask')
    if (bm) {
      const mask = parseBitmask(bm, family)
      if (mask !== prefixMask(family, hostBits(family))) spec.bitmask = mask
    }
  }
  const to = get('timeout')
  if (to) spec.timeout = num(to, TIMEOUT_MAX)
  if (type === 'bitmap:port') {
    const r = get('range')
    if (!r) throw new LineError('bitmap:port needs "range FROM-TO"', words[0]?.column ?? 0)
    spec.range = parseRange(r)
  }
  if (type === 'list:set') {
    const s = get('size')
    spec.size = Math.max(4, s ? num(s, U32_MAX) : 8)
  }
  return spec
}

function optionValue(spec: CreateSpec, name: string): IpSetOption | undefined {
  switch (name) {
    case 'hashsize':
    case 'maxelem':
    case 'netmask':
    case 'timeout':
    case 'bucketsize':
    case 'size': {
      const v = spec[name]
      return v === undefined ? undefined : { name, value: String(v) }
    }
    case 'bitmask':
      if (spec.bitmask === undefined || spec.family === undefined) return undefined
      return { name, value: formatAddrValue(spec.family, spec.bitmask) }
    case 'initval':
      return spec.initval === undefined
        ? undefined
        : { name, value: `0x${spec.initval.toString(16).padStart(8, '0')}` }
    case 'range':
      return spec.range ? { name, value: `${spec.range[0]}-${spec.range[1]}` } : undefined
    case 'counters':
    case 'comment':
    case 'skbinfo':
    case 'forceadd':
      return spec[name] ? { name } : undefined
    default:
      return undefined
  }
}

/** The create options (after the family) in the order `ipset save` prints them. */
export function specOptions(type: IpSetType, spec: CreateSpec): IpSetOption[] {
  const out: IpSetOption[] = []
  for (const name of typeInfo(type).createOrder) {
    const o = optionValue(spec, name)
    if (o) out.push(o)
  }
  return out
}

/** Words for {@link parseCreateSpec} from a model's options (column 0: no source line). */
export function optionWords(
  family: 'inet' | 'inet6' | undefined,
  options: readonly IpSetOption[],
): Token[] {
  const words: Token[] = []
  const word = (text: string): Token => ({ text, column: 0, quoted: false })
  if (family !== undefined) words.push(word('family'), word(family))
  for (const o of options) {
    words.push(word(o.name))
    if (o.value !== undefined) words.push(word(o.value))
  }
  return words
}
