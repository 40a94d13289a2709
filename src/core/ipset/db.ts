/**
 * @module core/ipset/db
 * The ipsets of one namespace as the netfilter engine uses them: `-m set --match-set NAME
 * dirs` tests a packet, the SET target adds or deletes it. Built from model sets (every member
 * is checked), mutated only through {@link IpSetDb.add}/{@link IpSetDb.del}, cloned per trace
 * branch.
 *
 * Not modelled: element timeouts do not run down (a dump holds remaining seconds and kpath has
 * no clock here), per-element counters are not updated by matches, `--packets-gt`-style counter
 * matches and `--map-set` are not evaluated.
 *
 * @example
 * ```ts
 * const db = createIpSetDb(parseIpsetSave('create n hash:net\nadd n 10.0.0.0/8\nadd n 10.1.0.0/16 nomatch\n'))
 * db.test('n', { ...pkt, src: '10.1.2.3' }, ['src']) // 'nomatch'
 * db.test('n', { ...pkt, src: '10.2.0.1' }, ['src']) // 'match'
 * ```
 */
import { KpathError } from '../errors.js'
import type { Packet } from '../model/packet.js'
import { addLeaf, applies, delLeaf, type TestResult, testLeaf } from './db-lookup.js'
import { buildDbSet, cloneDbSet, type DbSet, dbSetToIpSet } from './db-set.js'
import type { IpSet } from './model.js'
import type { SetDir } from './packet-key.js'

export type { TestResult } from './db-lookup.js'
export type { SetDir } from './packet-key.js'

export interface MatchSetFlags {
  /** `--return-nomatch`. */
  readonly returnNomatch?: boolean
}

export interface IpSetDb {
  has(name: string): boolean
  get(name: string): IpSet | undefined
  /**
   * What `-m set --match-set NAME dirs` tests, for this packet (family, src, dst, proto,
   * sport/dport, icmp type/code, inIface/outIface). `dirs` as written (e.g. ['src','dst']):
   * the i-th dimension of the set's type takes the i-th direction. Returns 'match',
   * 'nomatch' (an element matched but is flagged nomatch) or 'none'.
   *
   * `--return-nomatch` is not a plain "nomatch counts as a match": the kernel swaps the two
   * answers for sets that support nomatch (a normal hit then fails), and a list:set applies
   * it inside each member set. Use {@link IpSetDb.matchSet} for the exact verdict.
   */
  test(name: string, pkt: Packet, dirs: readonly SetDir[]): 'match' | 'nomatch' | 'none'
  /** The exact boolean `-m set` gives (before `!`), with its flags (ip_set_test in ip_set_core.c). */
  matchSet(name: string, pkt: Packet, dirs: readonly SetDir[], flags?: MatchSetFlags): boolean
  /** SET target: --add-set (optional --exist, --timeout). */
  add(name: string, pkt: Packet, dirs: readonly SetDir[], timeout?: number, exist?: boolean): void
  /** SET target: --del-set. */
  del(name: string, pkt: Packet, dirs: readonly SetDir[]): void
  clone(): IpSetDb
  snapshot(): readonly IpSet[]
}

class Db implements IpSetDb {
  /**
   * Copy on write: a clone shares every set with its origin until one of them changes it
   * (`writable`), so forking a runtime with kube-proxy's 10,000-member sets costs nothing.
   * The name → set map itself is shared too (`mapShared`) until the first write: a trace forks
   * the runtime once per branch and most branches never change a set.
   */
  constructor(
    private sets: Map<string, DbSet>,
    private readonly owned = new Set<string>(sets.keys()),
    private mapShared = false,
  ) {}

  /** The set, copied first when it is still shared with another clone. */
  private writable(name: string): DbSet {
    const s = this.need(name)
    if (this.owned.has(name)) return s
    if (this.mapShared) {
      this.sets = new Map(this.sets)
      this.mapShared = false
    }
    const copy = cloneDbSet(s)
    this.sets.set(name, copy)
    this.owned.add(name)
    return copy
  }

  private need(name: string): DbSet {
    const s = this.sets.get(name)
    if (!s) throw new KpathError('KPATH_INVALID_ARGUMENT', `no ipset named ${name}`)
    return s
  }

  /** The member sets of a list:set, in list order (`write`: copied before they change). */
  private listed(set: DbSet, write = false): DbSet[] {
    return [...set.members.values()].map((m) => {
      const p = m.parts[0]
      const name = p?.kind === 'set' ? p.name : ''
      return write ? this.writable(name) : this.need(name)
    })
  }

  has(name: string): boolean {
    return this.sets.has(name)
  }

  get(name: string): IpSet | undefined {
    const s = this.sets.get(name)
    return s && dbSetToIpSet(s)
  }

  test(name: string, pkt: Packet, dirs: readonly SetDir[]): TestResult {
    const set = this.sets.get(name)
    if (!set) return 'none'
    if (set.info.type !== 'list:set') return testLeaf(set, pkt, dirs)
    if (!applies(set, pkt, dirs)) return 'none'
    // list_set_ktest: members in order, the first that matches wins.
    let sawNomatch = false
    for (const m of this.listed(set)) {
      const r = testLeaf(m, pkt, dirs)
      if (r === 'match') return 'match'
      if (r === 'nomatch') sawNomatch = true
    }
    return sawNomatch ? 'nomatch' : 'none'
  }

  /** ip_set_test for one non-list set: the answer, inverted by --return-nomatch where supported. */
  private leafVerdict(
    set: DbSet,
    pkt: Packet,
    dirs: readonly SetDir[],
    returnNomatch: boolean,
  ): boolean {
    const r = testLeaf(set, pkt, dirs)
    if (returnNomatch && set.info.nomatch) return r === 'nomatch'
    return r === 'match'
  }

  matchSet(name: string, pkt: Packet, dirs: readonly SetDir[], flags: MatchSetFlags = {}): boolean {
    const set = this.need(name)
    const rn = flags.returnNomatch === true
    if (set.info.type !== 'list:set') return this.leafVerdict(set, pkt, dirs, rn)
    if (!applies(set, pkt, dirs)) return false
    return this.listed(set).some((m) => this.leafVerdict(m, pkt, dirs, rn))
  }

  add(name: string, pkt: Packet, dirs: readonly SetDir[], timeout?: number, exist = false): void {
    const set = this.need(name)
    if (set.info.type !== 'list:set') {
      addLeaf(this.writable(name), pkt, dirs, timeout, exist)
      return
    }
    // list_set_kadd: the first member set that takes the element ends the walk.
    if (!applies(set, pkt, dirs)) return
    for (const m of this.listed(set, true)) if (addLeaf(m, pkt, dirs, timeout, exist)) return
  }

  del(name: string, pkt: Packet, dirs: readonly SetDir[]): void {
    const set = this.need(name)
    if (set.info.type !== 'list:set') {
      delLeaf(this.writable(name), pkt, dirs)
      return
    }
    if (!applies(set, pkt, dirs)) return
    for (const m of this.listed(set, true)) if (delLeaf(m, pkt, dirs)) return
  }

  clone(): IpSetDb {
    // From now on both sides share every set: each copies one before changing it.
    this.owned.clear()
    this.mapShared = true
    return new Db(this.sets, new Set(), true)
  }

  snapshot(): readonly IpSet[] {
    return [...this.sets.values()].map(dbSetToIpSet)
  }
}

/** Check model sets and index them for lookups. Throws KPATH_INVALID_ARGUMENT on a bad set. */
export function createIpSetDb(sets: readonly IpSet[]): IpSetDb {
  const map = new Map<string, DbSet>()
  for (const s of sets) {
    if (map.has(s.name))
      throw new KpathError('KPATH_INVALID_ARGUMENT', `two ipsets are named ${s.name}`)
    map.set(s.name, buildDbSet(s))
  }
  for (const s of map.values()) {
    if (s.info.type !== 'list:set') continue
    for (const m of s.members.values()) {
      const p = m.parts[0]
      const target = p?.kind === 'set' ? map.get(p.name) : undefined
      if (!target)
        throw new KpathError(
          'KPATH_INVALID_ARGUMENT',
          `list:set ${s.source.name} lists ${p?.kind === 'set' ? p.name : '?'}, which does not exist`,
        )
      if (target.info.type === 'list:set') {
        throw new KpathError(
          'KPATH_INVALID_ARGUMENT',
          `list:set ${s.source.name} lists the list:set ${target.source.name}`,
        )
      }
    }
  }
  return new Db(map)
}
