/**
 * @module bench/cases/dump-import
 * Importing a node dump whose iptables-save.txt is the 10,000-Service kube-proxy ruleset
 * (ctx.dump) and whose other files are a captured node's (src/core/dump/testdata/flannel-vxlan/
 * alpha, less its nft-ruleset.txt, which belongs to iptables-nft): `parseDump` (every file through its parser) then `dumpNetns` (the node's NetnsState).
 * Target (issue 8): ≤ 2 s; the reference is `iptables-legacy-restore --test` of the same ruleset.
 * Median of `ctx.runs` runs after `ctx.warmups` warm-ups; each run
 * must find every `-A` rule of the dump.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { dumpNetns } from '../../src/core/dump/netns.js'
import { parseDump } from '../../src/core/dump/read.js'
import { KpathError } from '../../src/core/errors.js'
import { defineBenchmark } from '../case.js'
import { countRuleLines } from '../kube/save-format.js'
import { collectGarbage, formatMs, median, timed } from '../stats.js'

const NODE = new URL('../../src/core/dump/testdata/flannel-vxlan/alpha/', import.meta.url).pathname

export default defineBenchmark({
  name: 'dump-import',
  target: { description: '≤ 2000 ms', maxValue: 2000 },
  async run(ctx) {
    const files = new Map(readdirSync(NODE).map((f) => [f, readFileSync(join(NODE, f), 'utf8')]))
    files.set('iptables-save.txt', ctx.dump.text)
    // ctx.dump is iptables-legacy-save output: on such a node nft lists no iptables tables, so
    // the captured (iptables-nft) node's nft-ruleset.txt would not belong with it.
    files.delete('nft-ruleset.txt')
    const expected = countRuleLines(ctx.dump.text)
    const runsMs: number[] = []
    for (let i = 0; i < ctx.warmups + ctx.runs; i++) {
      collectGarbage()
      const { ms, result } = await timed(() =>
        dumpNetns(parseDump(files, 'bench-dump'), 'node-bench'),
      )
      const rules = result.state.iptables.ipv4?.tables.reduce(
        (n, t) => n + t.chains.reduce((m, c) => m + c.rules.length, 0),
        0,
      )
      if (rules !== expected)
        throw new KpathError(
          'KPATH_EXEC',
          `dump import found ${rules} rules, the dump has ${expected}`,
        )
      if (i >= ctx.warmups) runsMs.push(ms)
    }
    const value = median(runsMs)
    const details = {
      runs: runsMs.map((ms) => formatMs(ms)).join(', '),
      files: String(files.size),
      'rules parsed': expected.toLocaleString('en-US'),
    }
    // The same-run reference: the real tool reading the same ruleset (the dump's largest file).
    const reference = await ctx.restoreReference()
    if (reference.kind === 'skipped')
      return {
        value,
        unit: 'ms',
        details: { ...details, reference: `skipped: ${reference.reason}` },
      }
    return {
      value,
      unit: 'ms',
      reference: {
        label: `iptables-legacy-restore --test of its iptables-save.txt, median of ${reference.testRunsMs.length}`,
        value: reference.testMedianMs,
        unit: 'ms',
      },
      ratio: value / reference.testMedianMs,
      details,
    }
  },
})
