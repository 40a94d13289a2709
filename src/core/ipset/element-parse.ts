/**
 * @module core/ipset/element-parse
 * Reading an element (`10.0.0.0/8,tcp:80`) for a set of a given type, the way `ipset add`
 * does. With `ranges` (restore input) an element may stand for many: `10.0.0.1-10.0.0.5` in
 * hash:ip is five hosts, in hash:net the prefixes covering the range; `tcp:80-82` is three
 * ports. Without it (a member of a dump or of a model set) exactly one element must result.
 */
import {
  type AddrRange,
  cidrRange,
  parseAddrText,
  parseCidrLen,
  parseRangeText,
  rangeToCidrs,
} from './addr-text.js'
import type { CreateSpec } from './create-spec.js'
import { type AddrPart, hostBits, type Part, prefixMask } from './element.js'
import { LineError } from './line-error.js'
import type { IpSetType } from './model.js'
import { parsePortPart, parsePortRange } from './port-text.js'
import { type DimKind, typeInfo } from './types.js'

export interface ElemContext {
  readonly type: IpSetType
  /** The set's family; undefined for bitmap:port and list:set. */
  readonly family: 4 | 6 | undefined
  readonly spec: CreateSpec
  /** Allow ranges and prefixes that expand to several elements. */
  readonly ranges: boolean
  /** The most elements one line may expand to (the room left under maxelem). */
  readonly limit: number
}

const ORDINAL = ['First', 'Second', 'Third']

function tooMany(count: number, ctx: ElemContext, column: number): LineError {
  return new LineError(
    `the element expands to ${count} entries, more than the set can take (hash is full)`,
    column,
    `maxelem is ${ctx.spec.maxelem ?? 'unset'}; ipset stops with "Hash is full, cannot add more elements"`,
  )
}

/** The mask that hash:ip and hash:ip,port apply to their first address (netmask/bitmask). */
function storeMask(ctx: ElemContext, family: 4 | 6): bigint {
  if (ctx.spec.netmask !== undefined) return prefixMask(family, ctx.spec.netmask)
  return ctx.spec.bitmask ?? prefixMask(family, hostBits(family))
}

function addrPart(family: 4 | 6, value: bigint, cidr: number, net: boolean): AddrPart {
  return { kind: 'addr', family, value: value & prefixMask(family, cidr), cidr, net }
}

/** The hosts of a range, masked and deduplicated (hash:ip with netmask stores one per block). */
function hostsOf(
  r: AddrRange,
  family: 4 | 6,
  mask: bigint,
  ctx: ElemContext,
  column: number,
): AddrPart[] {
  const host = hostBits(family)
  const contiguous = [...Array(host + 1).keys()].find((len) => prefixMask(family, len) === mask)
  const step = contiguous === undefined ? 1n : 1n << BigInt(host - contiguous)
  const start = contiguous === undefined ? r.from : r.from & mask
  const count = (r.to - start) / step + 1n
  if (count > BigInt(ctx.limit) && (contiguous !== undefined || count > 1n << 20n)) {
    throw tooMany(Number(count), ctx, column)
  }
  const seen = new Set<bigint>()
  const out: AddrPart[] = []
  for (let v = start; v <= r.to; v += step) {
    const m = v & mask
    if (seen.has(m)) continue
    seen.add(m)
    out.push({ kind: 'addr', family, value: m, cidr: host, net: false })
  }
  return out
}

function parseIpDim(
  text: string,
  column: number,
  ctx: ElemContext,
  family: 4 | 6,
  dim: number,
): AddrPart[] {
  const masked = dim === 0 && (ctx.type === 'hash:ip' || ctx.type === 'hash:ip,port')
  const mask = masked ? storeMask(ctx, family) : prefixMask(family, hostBits(family))
  const slash = text.indexOf('/')
  const expand = dim === 0 && family === 4 && ctx.ranges
  let r: AddrRange | undefined
  if (slash >= 0) {
    const len = parseCidrLen(text.slice(slash + 1), family, column + slash + 1, 1)
    const value = parseAddrText(text.slice(0, slash), family, column)
    if (len !== hostBits(family) && !expand) {
      throw new LineError(`a plain IP address must be supplied, not "${text}"`, column)
    }
    r = cidrRange(value, len, family)
  } else if (text.includes('-')) {
    if (!expand) throw new LineError(`a plain IP address must be supplied, not "${text}"`, column)
    r = parseRangeText(text, family, column)
  }
  const parts = r
    ? hostsOf(r, family, mask, ctx, column)
    : [addrPart(family, parseAddrText(text, family, column) & mask, hostBits(family), false)]
  // hash:ip refuses a zero address in userspace ("Null-valued element"); hash:ip,port in the
  // kernel (EINVAL since it gained netmask support). Both check the masked address.
  if (masked && parts.some((p) => p.value === 0n)) {
    throw new LineError('a null-valued element cannot be stored in a hash type of set', column)
  }
  return parts
}

function parseNetDim(text: string, column: number, ctx: ElemContext, family: 4 | 6): AddrPart[] {
  const minCidr = ctx.type === 'hash:net,iface' ? 0 : 1
  if (text.includes('-')) {
    if (!ctx.ranges || family === 6) {
      throw new LineError(
        `an address or address/cidr must be given, not the range "${text}"`,
        column,
      )
    }
    const r = parseRangeText(text, family, column) as AddrRange
    const nets = rangeToCidrs(r, family, ctx.limit)
    if (nets.length > ctx.limit) throw tooMany(nets.length, ctx, column)
    return nets.map((n) => addrPart(family, n.value, n.cidr, true))
  }
  const slash = text.indexOf('/')
  const value = parseAddrText(slash < 0 ? text : text.slice(0, slash), family, column)
  const cidr =
    slash < 0
      ? hostBits(family)
      : parseCidrLen(text.slice(slash + 1), family, column + slash + 1, minCidr)
  return [addrPart(family, value, cidr, true)]
}

function parseIfaceDim(text: string, column: number): Part[] {
  const physdev = text.startsWith('physdev:')
  const name = physdev ? text.slice('physdev:'.length) : text
  if (name.length > 15)
    throw new LineError(`interface name '${name}' is longer than 15 characters`, column)
  return [{ kind: 'iface', name, physdev }]
}

function parseBportDim(text: string, column: number, ctx: ElemContext): Part[] {
  const m = /^(tcp|udp):(.*)$/.exec(text)
  const [from, to] = parsePortRange(
    m ? (m[2] ?? '') : text,
    m ? (m[1] ?? 'tcp') : 'tcp',
    column,
    ctx.ranges,
  )
  const [lo, hi] = ctx.spec.range ?? [0, 65535]
  if (from < lo || to > hi) {
    throw new LineError(
      `port ${from === to ? from : `${from}-${to}`} is out of the range ${lo}-${hi} of the set`,
      column,
    )
  }
  const out: Part[] = []
  for (let p = from; p <= to; p++) out.push({ kind: 'bport', port: p })
  return out
}

function parseDim(
  kind: DimKind,
  text: string,
  column: number,
  ctx: ElemContext,
  dim: number,
): Part[] {
  const family = ctx.family ?? 4
  switch (kind) {
    case 'ip':
      return parseIpDim(text, column, ctx, family, dim)
    case 'net':
      return parseNetDim(text, column, ctx, family)
    case 'port':
      return parsePortPart(text, family, column, ctx.ranges)
    case 'iface':
      return parseIfaceDim(text, column)
    case 'bport':
      return parseBportDim(text, column, ctx)
    case 'set':
      if (text.length > 31)
        throw new LineError(`set name "${text}" is longer than 31 characters`, column)
      return [{ kind: 'set', name: text }]
  }
}

/** Split an element into its dimensions, as ipset does, with its wording for a wrong count. */
function splitDims(
  text: string,
  column: number,
  type: IpSetType,
): { text: string; column: number }[] {
  const dims = typeInfo(type).dims
  const pieces = dims.length === 1 ? [text] : text.split(',')
  if (pieces.length > dims.length) {
    throw new LineError(
      `${pieces.length - 1} element separators in "${text}", but ${type} takes ${dims.length - 1}`,
      column,
    )
  }
  const out: { text: string; column: number }[] = []
  let col = column
  for (const [i, p] of pieces.entries()) {
    if (p === '') {
      throw new LineError(`${ORDINAL[i] ?? 'An'} element is missing from "${text}"`, col)
    }
    out.push({ text: p, column: col })
    col += p.length + 1
  }
  if (out.length < dims.length) {
    throw new LineError(`${ORDINAL[out.length] ?? 'An'} element is missing from "${text}"`, column)
  }
  return out
}

/** Every element `text` stands for, each as one part per dimension. */
export function parseElement(text: string, column: number, ctx: ElemContext): Part[][] {
  const kinds = typeInfo(ctx.type).dims
  const dims = splitDims(text, column, ctx.type)
  let combos: Part[][] = [[]]
  for (const [i, d] of dims.entries()) {
    const options = parseDim(kinds[i] as DimKind, d.text, d.column, ctx, i)
    if (combos.length * options.length > ctx.limit)
      throw tooMany(combos.length * options.length, ctx, column)
    combos = combos.flatMap((c) => options.map((o) => [...c, o]))
  }
  return combos
}
