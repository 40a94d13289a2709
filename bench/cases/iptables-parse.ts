/**
 * @module bench/cases/iptables-parse
 * How fast kpath's `parseIptablesSave` reads the kube-proxy dump, against the real
 * `iptables-legacy-restore --test` on the same text in the same run. Target: at most half the
 * real tool's time. Median of `ctx.runs` runs after `ctx.warmups` warm-ups; every run must
 * find every `-A` rule, so a parser that silently dropped lines could not look fast. Peak RSS
 * is measured in a fresh process (bench/peak-rss.ts), against one that only reads the dump.
 */
import { KpathError } from '../../src/core/errors.js'
import { type BenchContext, defineBenchmark } from '../case.js'
import { countRuleLines } from '../kube/save-format.js'
import { countRules, parseDump } from '../parse-dump.js'
import { runMeasuredChild } from '../peak-rss.js'
import { collectGarbage, formatMiB, formatMs, median, timed } from '../stats.js'

const CHILD = new URL('../parse-rss-child.ts', import.meta.url)

export default defineBenchmark({
  name: 'iptables-parse',
  target: { description: '≤ 0.5 × iptables-legacy-restore --test', maxRatio: 0.5 },
  async run(ctx) {
    const runsMs = await timeParses(ctx)
    const value = median(runsMs)
    const memory = await peakMemory(ctx)
    const reference = await ctx.restoreReference()
    const details = {
      runs: runsMs.map((ms) => formatMs(ms)).join(', '),
      'peak RSS (parse)': formatMiB(memory.parse),
      'peak RSS (read only)': formatMiB(memory.read),
      'rules parsed': countRuleLines(ctx.dump.text).toLocaleString('en-US'),
    }
    if (reference.kind === 'skipped') {
      return {
        value,
        unit: 'ms',
        details: { ...details, reference: `skipped: ${reference.reason}` },
      }
    }
    return {
      value,
      unit: 'ms',
      reference: {
        label: `iptables-legacy-restore --test, median of ${reference.testRunsMs.length}`,
        value: reference.testMedianMs,
        unit: 'ms',
      },
      ratio: value / reference.testMedianMs,
      details,
    }
  },
})

async function timeParses(ctx: BenchContext): Promise<number[]> {
  const expected = countRuleLines(ctx.dump.text)
  const runsMs: number[] = []
  for (let i = 0; i < ctx.warmups + ctx.runs; i++) {
    collectGarbage() // the previous run's ruleset must not be collected on this run's clock
    const { ms, result } = await timed(() => parseDump(ctx.dump.text))
    const found = countRules(result)
    if (found !== expected) {
      throw new KpathError(
        'KPATH_PARSE',
        `parser returned ${found} rules, the dump has ${expected}`,
      )
    }
    if (i >= ctx.warmups) runsMs.push(ms)
    ctx.log(
      `  parse ${i < ctx.warmups ? 'warm-up' : `run ${i - ctx.warmups + 1}`}: ${formatMs(ms)}`,
    )
  }
  return runsMs
}

async function peakMemory(ctx: BenchContext): Promise<{ parse: number; read: number }> {
  const read = await runMeasuredChild(ctx.execer, CHILD, ['read'], ctx.dump.text)
  const parse = await runMeasuredChild(ctx.execer, CHILD, ['parse'], ctx.dump.text)
  const expected = countRuleLines(ctx.dump.text)
  if (parse.report.rules !== expected) {
    throw new KpathError(
      'KPATH_EXEC',
      `peak-RSS child parsed ${String(parse.report.rules)} rules, expected ${expected}`,
    )
  }
  ctx.log(
    `  peak RSS: ${formatMiB(parse.maxRssBytes)} parsing, ${formatMiB(read.maxRssBytes)} reading only`,
  )
  return { parse: parse.maxRssBytes, read: read.maxRssBytes }
}
