/**
 * @module core/netfilter/engine/nft/compile
 * Compile an {@link NftRuleset} once: named sets, every rule's statements, and the base chains
 * of each IP hook in the order the kernel runs them.
 *
 * Order at a hook: by priority; at equal priority the chain registered *last* runs first,
 * because nf_hook_entries_grow inserts a new hook before existing ones of the same priority.
 * Listing order is creation order, so a later table (or a later chain in a table) comes first.
 */
import { isKpathError, unsupported } from '../../../errors.js'
import type { NftChain, NftHook, NftRuleset, NftTable } from '../../nft/model.js'
import { printRuleBody } from '../../nft/print-expr.js'
import { keyTypes } from '../../nft/selectors.js'
import { durationSeconds } from '../../nft/time.js'
import type { Hook } from '../types.js'
import type {
  CompiledNft,
  CompiledNftChain,
  CompiledNftRule,
  HookedChain,
  UnmodelledChain,
} from './compiled.js'
import { RuleContext } from './context.js'
import { compileNamedSet } from './lookup.js'
import { CompiledSet } from './sets.js'
import { compileStmt } from './stmt.js'

const IP_HOOKS: Readonly<Partial<Record<NftHook, Hook>>> = {
  prerouting: 'PREROUTING',
  input: 'INPUT',
  forward: 'FORWARD',
  output: 'OUTPUT',
  postrouting: 'POSTROUTING',
}

function compileSets(t: NftTable): Map<string, CompiledSet> {
  const out = new Map<string, CompiledSet>()
  for (const set of t.sets) {
    const id = `${t.family} ${t.name} ${set.name}`
    try {
      out.set(
        set.name,
        compileNamedSet(id, set, (what) => unsupported(`${what} in ${set.kind} ${id}`)),
      )
    } catch (e) {
      if (!isKpathError(e) || e.code !== 'KPATH_UNSUPPORTED') throw e
      // A set kpath cannot read fails the first lookup, not the whole ruleset.
      const t0 = set.timeout === undefined ? undefined : durationSeconds(set.timeout)
      const poisoned = new CompiledSet(
        id,
        keyTypes(set.key),
        set.data ? keyTypes(set.data) : undefined,
        [],
        t0,
      )
      poisoned.poison = e
      out.set(set.name, poisoned)
    }
  }
  return out
}

function compileRules(
  t: NftTable,
  c: NftChain,
  sets: ReadonlyMap<string, CompiledSet>,
  names: ReadonlySet<string>,
): CompiledNftRule[] {
  return c.rules.map((rule, i) => {
    const text = printRuleBody(rule.stmts, rule.comment)
    const ctx = new RuleContext(t.family, t.name, c.name, i + 1, text, rule.location, sets, names)
    return {
      key: ctx.key,
      index: i + 1,
      handle: rule.handle,
      text,
      rule,
      stmts: rule.stmts.map((st) => compileStmt(st, ctx)),
    }
  })
}

function compileTable(t: NftTable, sets: Map<string, CompiledSet>): CompiledNftChain[] {
  const names = new Set(t.chains.map((c) => c.name))
  const siblings = new Map<string, CompiledNftChain>()
  for (const c of t.chains) {
    siblings.set(c.name, {
      family: t.family,
      table: t.name,
      name: c.name,
      label: `${t.family} ${t.name} ${c.name}`,
      base: c.base,
      rules: compileRules(t, c, sets, names),
      siblings,
    })
  }
  return [...siblings.values()]
}

function families(t: NftTable): ReadonlySet<4 | 6> {
  return new Set<4 | 6>(t.family === 'ip' ? [4] : t.family === 'ip6' ? [6] : [4, 6])
}

export function compileNft(rs: NftRuleset): CompiledNft {
  const hooked: (HookedChain & { seq: number })[] = []
  const unmodelled: UnmodelledChain[] = []
  const allSets = new Map<string, CompiledSet>()
  let seq = 0
  for (const t of rs.tables) {
    const sets = compileSets(t)
    for (const s of sets.values()) allSets.set(s.id, s)
    const chains = compileTable(t, sets)
    // A dormant table keeps its chains but registers none of its hooks.
    if (t.flags?.includes('dormant')) continue
    for (const chain of chains) {
      const base = chain.base
      if (!base) continue
      seq++
      // ARP tables never see IP packets; kpath walks IP packets only.
      if (t.family === 'arp') continue
      const hook = IP_HOOKS[base.hook]
      if (hook && t.family !== 'bridge' && t.family !== 'netdev') {
        hooked.push({ chain, base, hook, families: families(t), seq })
      } else unmodelled.push({ chain, base })
    }
  }
  const hooks = new Map<Hook, HookedChain[]>()
  for (const h of hooked.sort((a, b) => a.base.priority - b.base.priority || b.seq - a.seq)) {
    const list = hooks.get(h.hook) ?? []
    list.push(h)
    hooks.set(h.hook, list)
  }
  return { hooks, unmodelled, sets: allSets }
}
