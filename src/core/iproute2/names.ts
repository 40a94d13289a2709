/**
 * @module core/iproute2/names
 * iproute2's number↔name tables (`lib/rt_names.c`, `ip/rtm_map.c`) as shipped in
 * `/etc/iproute2` by iproute2 6.1 (rt_tables, rt_protos, rt_scopes, rt_dsfield). A value
 * without a name prints as a number, exactly as `rtnl_*_n2a` do; `ip -N` is not modelled.
 */

const TABLES: ReadonlyMap<number, string> = new Map([
  [0, 'unspec'],
  [253, 'default'],
  [254, 'main'],
  [255, 'local'],
])

const PROTOS: ReadonlyMap<number, string> = new Map([
  [0, 'unspec'],
  [1, 'redirect'],
  [2, 'kernel'],
  [3, 'boot'],
  [4, 'static'],
  [8, 'gated'],
  [9, 'ra'],
  [10, 'mrt'],
  [11, 'zebra'],
  [12, 'bird'],
  [13, 'dnrouted'],
  [14, 'xorp'],
  [15, 'ntk'],
  [16, 'dhcp'],
  [18, 'keepalived'],
  [42, 'babel'],
  [99, 'openr'],
  [186, 'bgp'],
  [187, 'isis'],
  [188, 'ospf'],
  [189, 'rip'],
  [192, 'eigrp'],
])

const SCOPES: ReadonlyMap<number, string> = new Map([
  [0, 'global'],
  [200, 'site'],
  [253, 'link'],
  [254, 'host'],
  [255, 'nowhere'],
])

/** rt_dsfield: the DSCP code points with names. */
const DSFIELDS: ReadonlyMap<number, string> = new Map([
  [0x0, 'default'],
  [0x28, 'AF11'],
  [0x30, 'AF12'],
  [0x38, 'AF13'],
  [0x48, 'AF21'],
  [0x50, 'AF22'],
  [0x58, 'AF23'],
  [0x68, 'AF31'],
  [0x70, 'AF32'],
  [0x78, 'AF33'],
  [0x88, 'AF41'],
  [0x90, 'AF42'],
  [0x98, 'AF43'],
  [0x20, 'CS1'],
  [0x40, 'CS2'],
  [0x60, 'CS3'],
  [0x80, 'CS4'],
  [0xa0, 'CS5'],
  [0xc0, 'CS6'],
  [0xe0, 'CS7'],
  [0xb8, 'EF'],
])

/** rtm_type names (`rtnl_rtntype_n2a`), index = RTN_* number. */
export const RTN_TYPES = [
  'none',
  'unicast',
  'local',
  'broadcast',
  'anycast',
  'multicast',
  'blackhole',
  'unreachable',
  'prohibit',
  'throw',
  'nat',
  'xresolve',
] as const

function invert(m: ReadonlyMap<number, string>): ReadonlyMap<string, number> {
  return new Map([...m].map(([k, v]) => [v, k]))
}

const TABLE_IDS = invert(TABLES)
const PROTO_IDS = invert(PROTOS)
const SCOPE_IDS = invert(SCOPES)
const DSFIELD_IDS = invert(DSFIELDS)

export function tableName(id: number): string {
  return TABLES.get(id) ?? String(id)
}

/** A table id from its name or number, or undefined. */
export function tableId(name: string): number | undefined {
  return TABLE_IDS.get(name) ?? decimal(name)
}

export function protoName(id: number): string {
  return PROTOS.get(id) ?? String(id)
}

/** Proto as iproute2 prints it, from a name or a number. */
export function protoCanonical(name: string): string {
  const id = PROTO_IDS.get(name) ?? decimal(name)
  return id === undefined ? name : protoName(id)
}

export function protoId(name: string): number | undefined {
  return PROTO_IDS.get(name) ?? decimal(name)
}

export function scopeName(id: number): string {
  return SCOPES.get(id) ?? String(id)
}

export function scopeId(name: string): number | undefined {
  return SCOPE_IDS.get(name) ?? decimal(name)
}

/** A TOS/DSCP byte as `rtnl_dsfield_n2a` prints it: a name, else `0x%02x`. */
export function dsfieldName(v: number): string {
  return DSFIELDS.get(v) ?? `0x${v.toString(16).padStart(2, '0')}`
}

export function dsfieldValue(name: string): number | undefined {
  const named = DSFIELD_IDS.get(name)
  if (named !== undefined) return named
  if (/^0x[0-9a-fA-F]{1,2}$/.test(name)) return Number.parseInt(name.slice(2), 16)
  return decimal(name)
}

function decimal(s: string): number | undefined {
  return /^(0|[1-9][0-9]{0,9})$/.test(s) && Number(s) <= 0xffffffff ? Number(s) : undefined
}

/** `%#llx` of C: `0` for zero, else `0x…` in lower case. */
export function hex0x(v: number): string {
  return v === 0 ? '0' : `0x${v.toString(16)}`
}

/** Parse `%#llx` text (`0`, `0x4000`). */
export function parseHex0x(s: string): number | undefined {
  if (s === '0') return 0
  if (!/^0x[0-9a-f]{1,8}$/.test(s)) return undefined
  return Number.parseInt(s.slice(2), 16)
}
