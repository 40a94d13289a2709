/**
 * @module core/netfilter/xt/modules/extra/lib/fixture-suite
 * Compare kpath with the fixtures of testdata/ (see scripts/gen-xt-extra-fixtures.mjs): each
 * rule the kernel loaded must re-print as iptables-legacy-save and iptables-nft-save printed it,
 * and each rule the real iptables refused must be refused. Pure: the tests pass in a reader for
 * the files and the vitest functions.
 */
import type { describe as VitestDescribe, expect as VitestExpect, it as VitestIt } from 'vitest'
import type { Family } from '../../../../../net/ip.js'
import { canonicalLine, type ModuleLookup, rulesByChain } from './testkit.js'

export interface FixtureRow {
  readonly chain: string
  readonly input: string
  /** What iptables-legacy-save printed for the rule (undefined when it printed fewer rules). */
  readonly expected: string | undefined
  /** The rule re-printed by kpath, or the message of the error it raised. */
  readonly actual: string
}

/**
 * Pair each input rule that the kernel loaded with the line iptables-save printed for it (save
 * groups rules by chain, keeping their order) and with kpath's canonical re-print of it.
 */
export function compareFixture(
  rulesText: string,
  savedText: string,
  refused: readonly string[],
  family: Family,
  lookup: ModuleLookup,
): FixtureRow[] {
  const saved = rulesByChain(savedText)
  const rows: FixtureRow[] = []
  for (const [chain, inputs] of rulesByChain(rulesText)) {
    const loaded = inputs.filter((r) => !refused.includes(r))
    loaded.forEach((input, i) => {
      let actual: string
      try {
        actual = canonicalLine(input, family, lookup)
      } catch (e) {
        actual = `error: ${e instanceof Error ? e.message : String(e)}`
      }
      rows.push({ chain, input, expected: saved.get(chain)?.[i], actual })
    })
    if ((saved.get(chain)?.length ?? 0) !== loaded.length) {
      rows.push({
        chain,
        input: '(rule count)',
        expected: String(saved.get(chain)?.length),
        actual: String(loaded.length),
      })
    }
  }
  return rows
}

interface ManifestCase {
  readonly name: string
  readonly family: Family
  readonly refused: readonly {
    readonly rule: string
    readonly by: string
    readonly error: string
  }[]
  readonly nftRefused: readonly { readonly rule: string }[]
  readonly invalid: readonly {
    readonly rule: string
    readonly by: string
    readonly error: string
  }[]
}

export interface InvalidRow {
  readonly rule: string
  /** Who refused it for real: `userspace` (iptables itself) or `kernel` (the commit). */
  readonly by: string
  readonly error: string
  /** kpath's error message, or undefined when kpath accepted the rule. */
  readonly kpath: string | undefined
}

export interface CaseResult {
  readonly family: Family
  readonly rows: readonly FixtureRow[]
  readonly nftRows: readonly FixtureRow[]
  /** Rules the real kernel refused although iptables accepted them (modules not built in). */
  readonly kernelRefused: readonly string[]
  readonly invalid: readonly InvalidRow[]
}

/**
 * Everything a test needs about one fixture case of testdata/: `read` returns a file's text.
 * The rows compare kpath with iptables-legacy-save and iptables-nft-save.
 */
export function fixtureCase(
  name: string,
  read: (file: string) => string,
  lookup: ModuleLookup,
): CaseResult {
  const manifest = JSON.parse(read('manifest.json')) as { cases: ManifestCase[] }
  const c = manifest.cases.find((x) => x.name === name)
  if (!c) throw new Error(`no fixture case ${name} in manifest.json`)
  const rules = read(`${name}.rules`)
  const refused = c.refused.map((r) => r.rule)
  const invalid = c.invalid.map((i) => {
    let kpath: string | undefined
    try {
      canonicalLine(i.rule, c.family, lookup)
    } catch (e) {
      kpath = e instanceof Error ? e.message : String(e)
    }
    return { ...i, kpath }
  })
  return {
    family: c.family,
    rows: compareFixture(rules, read(`${name}.legacy.expected`), refused, c.family, lookup),
    nftRows: compareFixture(
      rules,
      read(`${name}.nft.expected`),
      c.nftRefused.map((r) => r.rule),
      c.family,
      lookup,
    ),
    kernelRefused: c.refused.filter((r) => r.by === 'kernel').map((r) => r.rule),
    invalid,
  }
}

/** The parts of vitest a suite needs; passed in so that this module does not import vitest. */
export interface TestApi {
  readonly describe: typeof VitestDescribe
  readonly it: typeof VitestIt
  readonly expect: typeof VitestExpect
}

export interface SuiteOptions {
  /**
   * Invalid rules that only a kernel check kpath does not make refuses (a hook or table
   * restriction, a set or estimator that must exist): kpath must accept them, so that the gap
   * stays visible.
   */
  readonly unmodelled?: readonly string[]
  /** False when this kernel refuses every rule (extension not built): nothing to compare. */
  readonly loadable?: boolean
  /** Inputs whose saved form iptables itself cannot read back (e.g. an unquoted space). */
  readonly notReparseable?: readonly string[]
}

/**
 * The fixture tests of one case: every loaded rule re-prints as iptables-legacy-save and
 * iptables-nft-save printed it, kpath reads its own output back to the same text, and every
 * rule the real iptables refused is refused by kpath (except `unmodelled` ones).
 */
export function fixtureSuite(
  t: TestApi,
  name: string,
  read: (file: string) => string,
  lookup: ModuleLookup,
  options: SuiteOptions = {},
): void {
  const unmodelled = options.unmodelled ?? []
  t.describe(`${name}: against the real iptables 1.8.9`, () => {
    const c = fixtureCase(name, read, lookup)
    const refused = c.invalid.filter((i) => !unmodelled.includes(i.rule))
    const accepted = c.invalid.filter((i) => unmodelled.includes(i.rule))
    const reparse = c.rows.filter(
      (r) => r.expected !== undefined && !options.notReparseable?.includes(r.input),
    )
    if (options.loadable === false) {
      t.it('was refused by this kernel as a whole (nothing to compare)', () => {
        t.expect(c.rows).toEqual([])
        t.expect(c.kernelRefused.length).toBeGreaterThan(0)
      })
    } else {
      t.it('has rules that the kernel loaded', () => t.expect(c.rows.length).toBeGreaterThan(0))
      t.it.each(c.rows)('legacy: $input', (r) => t.expect(r.actual).toBe(r.expected))
      t.it.each(c.nftRows)('nft: $input', (r) => t.expect(r.actual).toBe(r.expected))
      t.it.each(reparse)('re-reads its output: $input', (r) => {
        t.expect(canonicalLine(r.actual, c.family, lookup)).toBe(r.actual)
      })
    }
    if (refused.length > 0)
      t.it.each(refused)('refuses ($by) $rule', (i) => t.expect(i.kpath, i.error).toBeDefined())
    if (accepted.length > 0) {
      t.it.each(accepted)('accepts (kernel check not modelled) $rule', (i) =>
        t.expect(i.kpath).toBeUndefined(),
      )
    }
    t.it('lists only invalid rules that exist', () => {
      for (const u of unmodelled) t.expect(c.invalid.map((i) => i.rule)).toContain(u)
    })
  })
}
