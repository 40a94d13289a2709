/**
 * @module core/route/fib
 * The forwarding information base of one namespace: per table and family, an {@link LpmTrie}
 * of alias lists, and `fib_table_lookup` over it.
 *
 * IPv4 tables `local` and `main` share one trie while the namespace has no policy rules of its
 * own (fib_frontend.c `fib_new_table` makes local an alias of main, and `fib_lookup` then skips
 * the rules and reads main, then default). So a /32 in main beats a /24 in local, and the answer
 * is reported as table main, exactly what `ip route get` shows in such a namespace.
 */
import type { Link, Route } from '../model/netns.js'
import { TABLE_LOCAL, TABLE_MAIN } from '../model/netns.js'
import {
  compareAliases,
  compileAlias,
  type FibAlias,
  type FibNexthop,
  REJECT_ERRNO,
  type RouteErrno,
} from './fib-alias.js'
import { SCOPE } from './ifaddr.js'
import { type Family, keyOf } from './key.js'
import { LpmTrie } from './trie.js'

export interface FibTable {
  readonly id: number
  readonly trie: LpmTrie<FibAlias[]>
}

/** What one table lookup found. */
export type TableResult =
  | {
      readonly kind: 'hit'
      readonly alias: FibAlias
      readonly nh: FibNexthop | undefined
      readonly table: number
    }
  | {
      readonly kind: 'reject'
      readonly alias: FibAlias
      readonly errno: RouteErrno
      readonly table: number
    }
  | { readonly kind: 'miss' }

/** The part of a flow a table lookup reads (`struct flowi4` / `flowi6`). */
export interface TableFlow {
  readonly dst: bigint
  /** Only next hops on this device (`flowi4_oif`; IPv6 with RT6_LOOKUP_F_IFACE). */
  readonly oif?: string
  /**
   * IPv6 without a strict device: among the lowest-metric routes of a prefix, one through this
   * device wins (`rt6_score_route` scores the device match).
   */
  readonly preferDev?: string
  readonly tos: number
  /** `flowi4_scope`: aliases of a narrower scope are skipped. */
  readonly scope?: number
}

export class Fib {
  private readonly tables = new Map<string, FibTable>()

  constructor(
    routes: readonly Route[],
    links: ReadonlyMap<string, Link>,
    /** IPv4 local and main share a trie (no custom rules). */
    readonly merged4: boolean,
  ) {
    routes.forEach((r, i) => {
      const a = compileAlias(r, i, links)
      const t = this.ensure(a.family, a.table)
      const list = t.trie.get(a.net, a.len) ?? []
      list.push(a)
      t.trie.set(a.net, a.len, list)
    })
    for (const t of this.tables.values())
      for (const e of t.trie.entries()) e.value.sort(compareAliases)
  }

  /** The table, or undefined when nothing was ever put in it (the kernel returns -EAGAIN). */
  table(family: Family, id: number): FibTable | undefined {
    return this.tables.get(this.key(family, id))
  }

  private key(family: Family, id: number): string {
    if (this.merged4 && family === 4 && (id === TABLE_LOCAL || id === TABLE_MAIN)) return '4:merged'
    return `${family}:${id}`
  }

  private ensure(family: Family, id: number): FibTable {
    const k = this.key(family, id)
    let t = this.tables.get(k)
    if (!t) {
      t = { id: k === '4:merged' ? TABLE_MAIN : id, trie: new LpmTrie(family) }
      this.tables.set(k, t)
    }
    return t
  }
}

/** A next hop usable for the flow (fib_trie.c `fib_lookup_good_nhc`). */
function goodNexthop(nh: FibNexthop, flow: TableFlow): boolean {
  if (nh.dead) return false
  return flow.oif === undefined || flow.oif === nh.dev
}

type Candidate = Exclude<TableResult, { kind: 'miss' }>

/** What one alias offers the flow, if anything. */
function candidate(t: FibTable, a: FibAlias, flow: TableFlow, tos: number): Candidate | undefined {
  if (a.tos !== 0 && a.tos !== tos) return undefined
  if (a.scope < (flow.scope ?? 0)) return undefined
  const errno = REJECT_ERRNO[a.type]
  if (errno !== undefined) {
    // IPv4 answers a reject route before looking at devices; IPv6 reject routes sit on lo.
    if (a.family === 6 && !a.nexthops.some((h) => goodNexthop(h, flow))) return undefined
    return { kind: 'reject', alias: a, errno, table: t.id }
  }
  const nh = a.nexthops.find((h) => goodNexthop(h, flow))
  return nh ? { kind: 'hit', alias: a, nh, table: t.id } : undefined
}

/** IPv6: within the first metric that offers anything, prefer `preferDev`. */
function preferred(found: Candidate[], dev: string): Candidate | undefined {
  const first = found[0]
  if (!first) return undefined
  const group = found.filter((c) => c.alias.metric === first.alias.metric)
  return group.find((c) => c.kind === 'hit' && c.nh?.dev === dev) ?? first
}

/**
 * `fib_table_lookup`: the longest prefix first; at each prefix the aliases in kernel order,
 * skipping TOS-limited aliases of another TOS and aliases of a narrower scope. A reject type
 * (blackhole, unreachable, prohibit, throw) answers at once; a usable route needs a live next
 * hop on the requested device, else the search backtracks to shorter prefixes.
 */
export function tableLookup(t: FibTable, flow: TableFlow): TableResult {
  const tos = flow.tos & 0x1c // fib_dscp_masked_match: INET_DSCP_LEGACY_TOS_MASK
  for (const m of t.trie.matches(flow.dst)) {
    if (flow.preferDev === undefined) {
      for (const a of m.value) {
        const c = candidate(t, a, flow, tos)
        if (c) return c
      }
      continue
    }
    const found = m.value.map((a) => candidate(t, a, flow, tos)).filter((c) => c !== undefined)
    const c = preferred(found, flow.preferDev)
    if (c) return c
  }
  return { kind: 'miss' }
}

/**
 * The device a gateway is reached by (`fib_check_nh_v4_gw` / `ip6_route_check_nh`): a lookup
 * of the gateway in the route's table, then in main and local, among routes of at least link
 * scope; the route found must be unicast or local.
 */
export function connectedDevice(
  fib: Fib,
  family: Family,
  table: number,
  gw: string,
): string | undefined {
  const k = keyOf(gw, family)
  if (!k) return undefined
  for (const id of [table, TABLE_MAIN, TABLE_LOCAL]) {
    const t = fib.table(family, id)
    if (!t) continue
    const r = tableLookup(t, { dst: k.key, tos: 0, scope: SCOPE.link })
    if (r.kind === 'hit' && (r.alias.type === 'unicast' || r.alias.type === 'local'))
      return r.nh?.dev
  }
  return undefined
}
