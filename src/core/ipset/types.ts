/**
 * @module core/ipset/types
 * What kpath knows about each ipset type: its dimensions, whether it has a family, whether it
 * supports `nomatch`, the order `ipset save` prints its create options in, and the revision the
 * kernel reports for it. Facts measured with ipset 7.17 on Linux 6.18 (the order differs per
 * type: hash:ip,port prints netmask/bitmask after initval, hash:ip before timeout).
 */
import type { IpSetType } from './model.js'

/** One dimension of an element: what `--match-set NAME dir,dir…` takes the i-th dir for. */
export type DimKind = 'ip' | 'net' | 'port' | 'iface' | 'bport' | 'set'

export interface TypeInfo {
  readonly type: IpSetType
  readonly dims: readonly DimKind[]
  /** Hash types have a family (inet/inet6); bitmap:port and list:set do not. */
  readonly hash: boolean
  /** IPSET_TYPE_NOMATCH: elements may carry `nomatch`, and `--return-nomatch` applies. */
  readonly nomatch: boolean
  /** The revision `ipset list` reports for a set created by ipset 7.17 on this kernel. */
  readonly revision: number
  /** Create options in print order (after `family`). */
  readonly createOrder: readonly string[]
}

const EXT = ['timeout', 'counters', 'comment', 'skbinfo', 'forceadd']
const HASH_TAIL = ['bucketsize', 'initval']

function hashOrder(extra: readonly string[] = [], tail: readonly string[] = []): readonly string[] {
  return ['hashsize', 'maxelem', ...extra, ...EXT, ...HASH_TAIL, ...tail]
}

const INFOS: readonly TypeInfo[] = [
  {
    type: 'hash:ip',
    dims: ['ip'],
    hash: true,
    nomatch: false,
    revision: 6,
    createOrder: hashOrder(['netmask', 'bitmask']),
  },
  {
    type: 'hash:net',
    dims: ['net'],
    hash: true,
    nomatch: true,
    revision: 7,
    createOrder: hashOrder(),
  },
  {
    type: 'hash:ip,port',
    dims: ['ip', 'port'],
    hash: true,
    nomatch: false,
    revision: 7,
    createOrder: hashOrder([], ['netmask', 'bitmask']),
  },
  {
    type: 'hash:ip,port,ip',
    dims: ['ip', 'port', 'ip'],
    hash: true,
    nomatch: false,
    revision: 6,
    createOrder: hashOrder(),
  },
  {
    type: 'hash:ip,port,net',
    dims: ['ip', 'port', 'net'],
    hash: true,
    nomatch: true,
    revision: 8,
    createOrder: hashOrder(),
  },
  {
    type: 'hash:net,port',
    dims: ['net', 'port'],
    hash: true,
    nomatch: true,
    revision: 8,
    createOrder: hashOrder(),
  },
  {
    type: 'hash:net,iface',
    dims: ['net', 'iface'],
    hash: true,
    nomatch: true,
    revision: 8,
    createOrder: hashOrder(),
  },
  {
    type: 'bitmap:port',
    dims: ['bport'],
    hash: false,
    nomatch: false,
    revision: 3,
    createOrder: ['range', ...EXT],
  },
  {
    type: 'list:set',
    dims: ['set'],
    hash: false,
    nomatch: false,
    revision: 3,
    createOrder: ['size', ...EXT],
  },
]

const byType = new Map<string, TypeInfo>(INFOS.map((i) => [i.type, i]))

/** Old type names ipset still accepts on input (`ipset create x iphash`). */
const ALIASES: Readonly<Record<string, IpSetType>> = {
  iphash: 'hash:ip',
  nethash: 'hash:net',
  ipporthash: 'hash:ip,port',
  ipportiphash: 'hash:ip,port,ip',
  ipportnethash: 'hash:ip,port,net',
  netporthash: 'hash:net,port',
  netifacehash: 'hash:net,iface',
  portmap: 'bitmap:port',
  setlist: 'list:set',
}

/** Types ipset has but kpath does not model (said loudly as KPATH_UNSUPPORTED). */
export const UNMODELLED_TYPES: ReadonlySet<string> = new Set([
  'bitmap:ip',
  'bitmap:ip,mac',
  'hash:mac',
  'hash:ip,mac',
  'hash:ip,mark',
  'hash:net,net',
  'hash:net,port,net',
  'ipmap',
  'macipmap',
])

export function typeInfo(type: IpSetType): TypeInfo {
  const info = byType.get(type)
  if (!info) throw new Error(`no type info for ${type}`)
  return info
}

/** The canonical type for a name or alias, or undefined when kpath does not model it. */
export function resolveType(name: string): IpSetType | undefined {
  return byType.get(name)?.type ?? ALIASES[name]
}

/** The number of dimensions the kernel requires in `--match-set` (ip_set_type.dimension). */
export function dimension(type: IpSetType): number {
  return typeInfo(type).dims.length
}
