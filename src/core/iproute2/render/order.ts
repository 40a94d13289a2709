/**
 * @module core/iproute2/render/order
 * The order in which the kernel dumps what a model holds, so that a listing printed from the
 * model is the listing the kernel would give. Ties keep the model's order, which stands for
 * the order things were added.
 *
 * - IPv4 addresses of a link (`__inet_insert_ifa`): primaries by scope (host, link, global),
 *   then secondaries; IPv6 ones (`ipv6_link_dev_addr`): by source scope, global first, and
 *   the newest first within a scope.
 * - IPv4 routes (`inet_dump_fib`): tables by hash bucket (id & 255), then the trie walk: key
 *   ascending, longer prefix first, then TOS descending, metric ascending.
 * - IPv6 routes (`fib6_walk`): tables by hash bucket, then a post-order walk of the radix
 *   tree (more specific prefixes before the prefix that covers them), then metric.
 * - Rules: by priority (`fib_nl_newrule` keeps the list sorted).
 */
import type { Address, PolicyRule, Route } from '../../model/netns.js'
import { parseAddr } from '../../net/ip.js'

function stableSort<T>(items: readonly T[], cmp: (a: T, b: T) => number): T[] {
  return items
    .map((item, i) => ({ item, i }))
    .sort((a, b) => cmp(a.item, b.item) || a.i - b.i)
    .map((x) => x.item)
}

const V4_SCOPE: Readonly<Record<Address['scope'], number>> = { host: 254, link: 253, global: 0 }

/** RFC 4007 source scope as the kernel ranks it: ::1 and fe80::/10 are link scope. */
function v6SourceScope(a: Address): number {
  const v = parseAddr(a.local)
  if (v?.family !== 6) return 14
  if (v.value === 1n || v.value >> 118n === 0x3fan) return 2
  return 14
}

export function addressOrder(addresses: readonly Address[]): Address[] {
  const v4 = addresses.filter((a) => a.family === 4)
  const primaries = stableSort(
    v4.filter((a) => !a.secondary),
    (a, b) => V4_SCOPE[b.scope] - V4_SCOPE[a.scope],
  )
  const v6 = addresses
    .map((a, i) => ({ a, i }))
    .filter((x) => x.a.family === 6)
    .sort((x, y) => v6SourceScope(y.a) - v6SourceScope(x.a) || y.i - x.i)
    .map((x) => x.a)
  return [...primaries, ...v4.filter((a) => a.secondary), ...v6]
}

interface Key {
  readonly bits: bigint
  readonly len: number
  readonly width: number
}

function keyOf(r: Route): Key {
  const width = r.family === 4 ? 32 : 128
  if (r.dst === 'default') return { bits: 0n, len: 0, width }
  const [addr = '', len = String(width)] = r.dst.split('/')
  const a = parseAddr(addr)
  const bits = a === undefined ? 0n : BigInt(a.value)
  return { bits, len: Number(len), width }
}

/** Hash bucket of a table id (FIB_TABLE_HASHSZ and FIB6_TABLE_HASHSZ are 256). */
function bucket(table: number): number {
  return table & 255
}

function v4Compare(a: Route, b: Route): number {
  const ka = keyOf(a)
  const kb = keyOf(b)
  if (ka.bits !== kb.bits) return ka.bits < kb.bits ? -1 : 1
  return kb.len - ka.len || (b.tos ?? 0) - (a.tos ?? 0) || (a.metric ?? 0) - (b.metric ?? 0)
}

/** Post-order of a binary trie: the first differing bit decides, a descendant precedes its ancestor. */
function v6Compare(a: Route, b: Route): number {
  const ka = keyOf(a)
  const kb = keyOf(b)
  const common = Math.min(ka.len, kb.len)
  for (let i = 0; i < common; i++) {
    const shift = BigInt(ka.width - 1 - i)
    const x = (ka.bits >> shift) & 1n
    const y = (kb.bits >> shift) & 1n
    if (x !== y) return x < y ? -1 : 1
  }
  return kb.len - ka.len || (a.metric ?? 1024) - (b.metric ?? 1024)
}

/** Routes of one family in kernel dump order. */
export function routeOrder(routes: readonly Route[], family: 4 | 6): Route[] {
  const mine = routes.filter((r) => r.family === family)
  const cmp = family === 4 ? v4Compare : v6Compare
  return stableSort(mine, (a, b) => bucket(a.table) - bucket(b.table) || cmp(a, b))
}

export function ruleOrder(rules: readonly PolicyRule[], family: 4 | 6): PolicyRule[] {
  return stableSort(
    rules.filter((r) => r.family === family),
    (a, b) => a.priority - b.priority,
  )
}
