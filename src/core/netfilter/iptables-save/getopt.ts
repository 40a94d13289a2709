/**
 * @module core/netfilter/iptables-save/getopt
 * How iptables finds the option a word names. It runs `getopt_long` over one merged table: the
 * built-in options first, then the options of every loaded extension, the most recently loaded
 * first (`xtables_options_xfrm` puts new options before old ones). So an exact name finds the
 * built-in option, else the newest extension that has it; a word that is no exact name may be an
 * unambiguous prefix (`--dp` for `--dport`), as getopt_long allows.
 */
import type { OptionSpec, XtModule } from '../xt/types.js'

/** `has_arg`: 0 none, 1 required, 2 optional (only as `--opt=value` or a non-dash next word). */
export type HasArg = 0 | 1 | 2

/** iptables' `original_opts` (iptables/iptables.c), long name → short letter. */
const BASE_LONG: ReadonlyMap<string, readonly [string, HasArg]> = new Map([
  ['append', ['A', 1]],
  ['delete', ['D', 1]],
  ['check', ['C', 1]],
  ['insert', ['I', 1]],
  ['replace', ['R', 1]],
  ['list', ['L', 2]],
  ['list-rules', ['S', 2]],
  ['flush', ['F', 2]],
  ['zero', ['Z', 2]],
  ['new-chain', ['N', 1]],
  ['delete-chain', ['X', 2]],
  ['rename-chain', ['E', 1]],
  ['policy', ['P', 1]],
  ['source', ['s', 1]],
  ['destination', ['d', 1]],
  ['src', ['s', 1]],
  ['dst', ['d', 1]],
  ['protocol', ['p', 1]],
  ['in-interface', ['i', 1]],
  ['jump', ['j', 1]],
  ['table', ['t', 1]],
  ['match', ['m', 1]],
  ['numeric', ['n', 0]],
  ['out-interface', ['o', 1]],
  ['verbose', ['v', 0]],
  ['wait', ['w', 2]],
  ['wait-interval', ['W', 2]],
  ['exact', ['x', 0]],
  ['fragments', ['f', 0]],
  ['version', ['V', 0]],
  ['help', ['h', 2]],
  ['line-numbers', ['0', 0]],
  ['modprobe', ['M', 1]],
  ['set-counters', ['c', 1]],
  ['goto', ['g', 1]],
  ['ipv4', ['4', 0]],
  ['ipv6', ['6', 0]],
])

/** IPT_OPTSTRING (iptables/xshared.h): short letters and their argument kind. */
export const BASE_SHORT: ReadonlyMap<string, HasArg> = new Map(
  [
    ...'ACDEINPcdijopstRgmM'.split('').map((c) => [c, 1] as const),
    ...'FLXZSWwh'.split('').map((c) => [c, 2] as const),
    ...'V46bfnvx'.split('').map((c) => [c, 0] as const),
  ].map(([c, a]) => [c, a as HasArg]),
)

/** One loaded extension instance of a rule, as command_default sees it. */
export interface Loaded {
  readonly module: XtModule
  readonly kind: 'match' | 'target'
  /** Column of the `-m`/`-j` word (or of the option that loaded it implicitly). */
  readonly column: number
  completed: boolean
  /** The module's options by spelling, as lookup results ({@link foundMap}). */
  readonly found: ReadonlyMap<string, Found>
}

export type Found =
  | { readonly kind: 'base'; readonly letter: string; readonly hasArg: HasArg }
  | { readonly kind: 'ext'; readonly module: XtModule; readonly spec: OptionSpec }
  | { readonly kind: 'ambiguous'; readonly candidates: readonly string[] }
  | { readonly kind: 'none' }

const specCache = new WeakMap<XtModule, Map<string, OptionSpec>>()
const foundCache = new WeakMap<XtModule, Map<string, Found>>()

/** `--name` → the lookup result, for every spelling of a module's options (kept per module). */
export function foundMap(m: XtModule): Map<string, Found> {
  let map = foundCache.get(m)
  if (!map) {
    map = new Map()
    for (const [n, s] of optionMap(m)) map.set(n, ext(m, s))
    foundCache.set(m, map)
  }
  return map
}

/** `--name` → spec, for every spelling of every option of a module. */
export function optionMap(m: XtModule): Map<string, OptionSpec> {
  let map = specCache.get(m)
  if (!map) {
    map = new Map()
    for (const s of m.options) for (const n of s.names) if (!map.has(n)) map.set(n, s)
    specCache.set(m, map)
  }
  return map
}

/** Distinct modules in lookup order: newest first (the order of the merged getopt table). */
function lookupOrder(loaded: readonly Loaded[]): XtModule[] {
  const out: XtModule[] = []
  for (let i = loaded.length - 1; i >= 0; i--) {
    const m = loaded[i]?.module
    if (m && !out.includes(m)) out.push(m)
  }
  return out
}

function prefixMatches(name: string, modules: readonly XtModule[]): Found {
  const hits: Found[] = []
  const labels: string[] = []
  const seen = new Set<unknown>()
  for (const [long, [letter, hasArg]] of BASE_LONG) {
    if (!long.startsWith(name) || seen.has(letter)) continue
    seen.add(letter)
    hits.push({ kind: 'base', letter, hasArg })
    labels.push(`--${long}`)
  }
  for (const m of modules) {
    for (const [n, s] of optionMap(m)) {
      if (!n.slice(2).startsWith(name) || seen.has(s)) continue
      seen.add(s)
      hits.push(ext(m, s))
      labels.push(`${n} (${m.name})`)
    }
  }
  if (hits.length === 1) return hits[0] as Found
  return hits.length === 0 ? NONE : { kind: 'ambiguous', candidates: labels }
}

/** Found values are shared: a dump looks up the same few options hundreds of thousands of times. */
const baseFound = new Map<string, Found>(
  [...BASE_LONG].map(([n, [letter, hasArg]]) => [`--${n}`, { kind: 'base', letter, hasArg }]),
)
/** Short options by the character code of their letter. */
const shortFound: (Found | undefined)[] = []
for (const [c, hasArg] of BASE_SHORT)
  shortFound[c.charCodeAt(0)] = { kind: 'base', letter: c, hasArg }
const NONE: Found = { kind: 'none' }

/** Whether `full` (`--name`) is exactly a built-in long option, which getopt finds first. */
export function isBaseLong(full: string): boolean {
  return baseFound.has(full)
}

/** A short option word (`-s`), without any attached value. */
export function findShort(word: string): Found {
  return (word.length === 2 ? shortFound[word.charCodeAt(1)] : undefined) ?? NONE
}
const extFound = new WeakMap<OptionSpec, Found>()

function ext(module: XtModule, spec: OptionSpec): Found {
  let f = extFound.get(spec)
  if (!f) {
    f = { kind: 'ext', module, spec }
    extFound.set(spec, f)
  }
  return f
}

/**
 * Find a long option (`full` is the whole `--name`) the way getopt_long would over the merged
 * table of the built-ins and the loaded extensions.
 */
export function findLong(full: string, loaded: readonly Loaded[]): Found {
  const base = baseFound.get(full)
  if (base) return base
  // Newest first; a module loaded twice answers from its last instance, which is the same spec.
  for (let i = loaded.length - 1; i >= 0; i--) {
    const f = loaded[i]?.found.get(full)
    if (f !== undefined) return f
  }
  return full === '--' ? NONE : prefixMatches(full.slice(2), lookupOrder(loaded))
}
