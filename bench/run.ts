/**
 * @module bench/run
 * `npm run bench`: generate the kube-proxy dump in memory, run every case of bench/cases/ with
 * one shared context, print a table, and append a dated section to BENCHMARKS.md. Benchmarks
 * report; they do not gate: a missed target prints MISSED and the exit code stays 0. Only a
 * case that errors (or a bad flag) gives exit code 1.
 */
import { appendFile, mkdir, writeFile } from 'node:fs/promises'
import { availableParallelism, cpus, release } from 'node:os'
import { fileURLToPath } from 'node:url'
import pc from 'picocolors'
import { NodeExecer } from '../src/adapters/node/execer.js'
import { formatError, isKpathError, KpathError } from '../src/core/errors.js'
import type { Execer } from '../src/core/exec.js'
import { type BenchContext, judge } from './case.js'
import { generateKubeDump, type KubeDump } from './gen-kube-dump.js'
import { type BenchOptions, parseBenchOptions, USAGE } from './options.js'
import { firstLine, type LoadedCase, loadCases } from './registry.js'
import { consoleTable, type Machine, markdownSection, type Outcome, restoreLine } from './report.js'
import { type RestoreSkipped, type RestoreTiming, timeLegacyRestore } from './restore-timing.js'
import { formatMiB, formatMs, timed } from './stats.js'

const BENCHMARKS_MD = new URL('../BENCHMARKS.md', import.meta.url)
const OUT_DIR = new URL('./out/', import.meta.url)

type Restore = RestoreTiming | RestoreSkipped

async function main(): Promise<number> {
  const options = parseBenchOptions(process.argv.slice(2))
  if (options.help) {
    process.stdout.write(`${USAGE}\n`)
    return 0
  }
  const cases = selectCases(await loadCases(), options.only)
  const execer = new NodeExecer()
  const { ms: generateMs, result: dump } = await timed(() => generate(options))
  log(
    `dump: ${dump.lines} lines, ${formatMiB(dump.text.length)}, generated in ${formatMs(generateMs)}`,
  )
  if (options.out) await writeDump(dump)
  const restoreReference = once(() => {
    log(
      `timing iptables-legacy-restore (${options.restoreRuns} × --test, 1 real load) in a kpath-bench- netns`,
    )
    return timeLegacyRestore(execer, dump.text, { runs: options.restoreRuns })
  })
  const ctx: BenchContext = {
    dump,
    execer,
    runs: options.runs,
    warmups: options.warmups,
    restoreReference,
    log,
  }
  const outcomes: Outcome[] = []
  for (const c of cases) outcomes.push(await runCase(ctx, c))
  // The record always carries the reference, even when no case asked for it.
  const restore = await restoreReference().catch(
    (e: unknown): Restore => ({ kind: 'skipped', reason: `failed: ${firstLine(e)}` }),
  )
  printResults(outcomes, restore)
  if (options.record) {
    const machine = await describeMachine(execer)
    await appendFile(
      BENCHMARKS_MD,
      `\n${markdownSection({ machine, dump, generateMs, restore, outcomes })}`,
    )
    log(`recorded in ${fileURLToPath(BENCHMARKS_MD)}`)
  }
  return outcomes.some((o) => o.kind === 'error') ? 1 : 0
}

function generate(options: BenchOptions): KubeDump {
  return generateKubeDump({
    services: options.services,
    endpointsPerService: options.endpoints,
    largeClusterMode: options.largeCluster,
  })
}

async function runCase(ctx: BenchContext, c: LoadedCase): Promise<Outcome> {
  if (c.kind === 'unavailable') return { kind: 'not available', name: c.name, reason: c.reason }
  const { name, target } = c.benchmark
  log(`${name}: running`)
  try {
    const result = await c.benchmark.run(ctx)
    return { kind: 'done', name, target, result, verdict: judge(target, result) }
  } catch (e) {
    // A module the case loads lazily may not exist yet: that is "not available", not a failure.
    const missing = e instanceof Error && 'code' in e && e.code === 'ERR_MODULE_NOT_FOUND'
    return { kind: missing ? 'not available' : 'error', name, target, reason: firstLine(e) }
  }
}

function selectCases(cases: readonly LoadedCase[], only: readonly string[]): LoadedCase[] {
  if (only.length === 0) return [...cases]
  const nameOf = (c: LoadedCase) => (c.kind === 'ready' ? c.benchmark.name : c.name)
  const unknown = only.filter((n) => !cases.some((c) => nameOf(c) === n))
  if (unknown.length > 0) {
    throw new KpathError('KPATH_INVALID_ARGUMENT', `unknown case ${unknown.join(', ')}`, {
      hint: `known cases: ${cases.map(nameOf).join(', ')}`,
    })
  }
  return cases.filter((c) => only.includes(nameOf(c)))
}

function printResults(outcomes: readonly Outcome[], restore: Restore): void {
  process.stdout.write(`\n${restoreLine(restore)}\n\n${consoleTable(outcomes)}\n`)
  const missed = outcomes.filter((o) => o.kind === 'done' && o.verdict === 'MISSED')
  for (const o of missed)
    process.stdout.write(pc.red(pc.bold(`MISSED: ${o.name} (target ${o.target?.description})\n`)))
  for (const o of outcomes)
    if (o.kind === 'error') process.stdout.write(pc.red(`ERROR: ${o.name}: ${o.reason}\n`))
}

async function writeDump(dump: KubeDump): Promise<void> {
  await mkdir(OUT_DIR, { recursive: true })
  const file = new URL(`kube-${dump.services}x${dump.endpointsPerService}.iptables-save`, OUT_DIR)
  await writeFile(file, dump.text)
  log(`wrote ${fileURLToPath(file)}`)
}

async function describeMachine(execer: Execer): Promise<Machine> {
  const git = async (args: string[]) =>
    (await execer.run(['git', ...args], { allowFailure: true })).stdout.trim()
  const head = (await git(['rev-parse', '--short', 'HEAD'])) || 'unknown'
  const dirty = (await git(['status', '--porcelain'])) !== ''
  return {
    date: new Date().toISOString().slice(0, 10),
    nproc: availableParallelism(),
    node: process.version,
    cpu: cpus()[0]?.model.trim() ?? 'unknown CPU',
    kernel: release(),
    commit: dirty ? `${head} + uncommitted changes` : head,
  }
}

/** Call `fn` on first use only; later calls share its promise. */
function once<T>(fn: () => Promise<T>): () => Promise<T> {
  let memo: Promise<T> | undefined
  return () => {
    memo ??= fn()
    return memo
  }
}

function log(message: string): void {
  process.stderr.write(`${message}\n`)
}

main().then(
  (code) => {
    process.exitCode = code
  },
  (e: unknown) => {
    process.stderr.write(`${isKpathError(e) ? formatError(e) : firstLine(e)}\n`)
    process.exitCode = 1
  },
)
